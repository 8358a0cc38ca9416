"""A fake OpenAI-compatible image server on a real socket (127.0.0.1, random port) for
contract tests, the blocking-worker benchmark and a manual try.

`POST /v1/images/generations` answers after `latency_seconds` with a picture drawn from
the prompt (base64 or a link served by the same server) or misbehaves as a test tells it
to. A thread per connection, so 50 concurrent calls each take about the latency.

Standalone: `python -m contentum.generation.tests.fake_openai_images --port 8765 --latency 3`,
then IMAGE_PROVIDER=openai OPENAI_IMAGE_BASE_URL=http://127.0.0.1:8765/v1
OPENAI_IMAGE_MODEL=fake-image-1.
"""

import argparse
import base64
import io
import json
import logging
import sys
import threading
import uuid
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from PIL import ImageDraw, ImageFont

from contentum.design.engine import font_path
from contentum.generation.providers.openai_images import OpenAIImageConfig, OpenAIImageProvider
from contentum.generation.providers.simulation import draw_image

logger = logging.getLogger(__name__)

TEST_API_KEY = "sk-test-key"
MODEL = "fake-image-1"
RETRY_AFTER_SECONDS = 7
NOT_AN_IMAGE = b"<html><body>502 Bad Gateway</body></html>"
OUTCOMES = (
    "b64",  # data[0].b64_json
    "url",  # data[0].url, served by this server
    "url_not_image",  # a link to an HTML page
    "not_image",  # b64_json of an HTML page
    "malformed",  # broken JSON
    "no_data",  # JSON without data
    "censored",  # OpenAI's 400 content_policy_violation
    "censored_message",  # a 400 whose message only says NSFW (LocalAI-like servers)
)


@lru_cache(maxsize=64)
def picture_png(prompt: str, width: int, height: int) -> bytes:
    """A picture a human recognises: the simulation's drawing of the prompt, labelled with
    its first words and the size, as PNG. Cached: a benchmark asks for the same one often."""
    image = draw_image(prompt, width, height)
    label = " ".join(prompt.split()[:4]) or "—"
    text = f"{label}\nfake openai · {width}×{height}"
    size = max(10, min(width, height) // 14)
    font = ImageFont.truetype(str(font_path("inter", "title")), size)
    draw = ImageDraw.Draw(image)
    box = draw.multiline_textbbox((size, size), text, font=font, spacing=size // 3)
    pad = size // 2
    draw.rectangle((box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad), fill=(20, 20, 30))
    draw.multiline_text((size, size), text, font=font, fill=(255, 255, 255), spacing=size // 3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    json: Any = None  # the decoded body of a POST


class FakeOpenAIImages:
    """Configure by attributes, before or between calls:

    - `outcome`: one of OUTCOMES; `next_outcomes`: for the next calls, one each;
    - `latency_seconds`: how long a generation takes (set it above the client's timeout
      for a hang; stopping the server wakes it);
    - `http_error`: a status to answer generations with (401, 429 with `retry_after`
      as its Retry-After header, 500, …) with `error_code` as its error.code;
      `image_errors`: a status for image downloads;
    - `sizes`: the sizes accepted ("1024x1024", …); another is a 400, as strict engines do
      (None: any); `answer_size`: the size drawn whatever is asked (a server ignoring it);
    - `refuse_fields`: request fields answered with OpenAI's 400 naming them
      ("Unrecognized request argument supplied: negative_prompt");
    - `url_host`: the host written in `url` answers (e.g. "localhost", to look like another
      host than the API's 127.0.0.1).
    """

    def __init__(
        self,
        *,
        api_key: str | None = TEST_API_KEY,
        latency_seconds: float = 0.0,
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.latency_seconds = latency_seconds
        self.outcome = "b64"
        self.next_outcomes: list[str] = []
        self.http_error: int | None = None
        self.error_code = "forced"
        self.retry_after = str(RETRY_AFTER_SECONDS)
        self.image_errors: int | None = None
        self.sizes: set[str] | None = None
        self.answer_size: tuple[int, int] | None = None
        self.refuse_fields: set[str] = set()
        self.url_host = "127.0.0.1"
        self.received: list[Received] = []
        self.files: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeOpenAIImages":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers waiting out a latency
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeOpenAIImages":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def provider(self, **config: Any) -> OpenAIImageProvider:
        """A client pointed here, with a short timeout unless `config` says else."""
        values = {
            "base_url": self.base_url,
            "model": MODEL,
            "api_key": self.api_key or "",
            "timeout_seconds": 2.0,
        }
        return OpenAIImageProvider(OpenAIImageConfig(**{**values, **config}))

    @property
    def generations(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path.endswith("/images/generations")]

    @property
    def downloads(self) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path.startswith("/files/")]

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, extra headers, body bytes, content type) for one request."""
        path = urlsplit(path).path
        received = Received(method, path, headers)
        if method == "POST":
            try:
                received.json = json.loads(body or b"null")
            except ValueError:
                received.json = body
        with self._lock:
            self.received.append(received)
        if method == "GET" and path.startswith("/files/"):
            return self._file(path.removeprefix("/files/"))
        if (method, path) != ("POST", "/v1/images/generations"):
            return _error(404, f"Unknown route {method} {path}", "not_found")
        if self.api_key and headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_api_key")
        if self.latency_seconds:
            self._stopping.wait(self.latency_seconds)
        if self.http_error:
            extra = {"Retry-After": self.retry_after} if self.http_error == 429 else {}
            status, headers_out, answer, kind = _error(
                self.http_error, "Forced error", self.error_code
            )
            return status, {**headers_out, **extra}, answer, kind
        return self._generate(received.json)

    def _generate(self, params: Any) -> tuple:
        if not isinstance(params, dict):
            return _error(400, "Body must be a JSON object", "invalid_request_error")
        if refused := sorted(self.refuse_fields & set(params)):
            name = refused[0]
            return _error(400, f"Unrecognized request argument supplied: {name}", None, name)
        prompt, size = params.get("prompt"), params.get("size", "1024x1024")
        if not isinstance(prompt, str) or not prompt.strip():
            return _error(400, "prompt is required", "invalid_request_error", "prompt")
        try:
            width, height = (int(side) for side in str(size).split("x"))
        except ValueError:
            return _error(400, f"Invalid size {size!r}", "invalid_size", "size")
        if self.sizes is not None and size not in self.sizes:
            supported = ", ".join(sorted(self.sizes))
            return _error(400, f"Invalid size {size!r}: use {supported}", "invalid_size", "size")
        with self._lock:
            outcome = self.next_outcomes.pop(0) if self.next_outcomes else self.outcome
        if outcome == "censored":
            return _error(
                400,
                "Your request was rejected as a result of our safety system.",
                "content_policy_violation",
            )
        if outcome == "censored_message":
            return _error(400, "NSFW content detected: generation refused", None)
        if outcome == "malformed":
            return 200, {}, b'{"created": 1, "data": [{"b64_json": "iVBOR', "application/json"
        if outcome == "no_data":
            return _json(200, {"created": 1})
        width, height = self.answer_size or (width, height)
        png = NOT_AN_IMAGE if outcome == "not_image" else picture_png(prompt, width, height)
        item: dict[str, Any] = {"revised_prompt": f"{prompt} (revised)"}
        if outcome in ("url", "url_not_image"):
            name = f"{uuid.uuid4().hex}.png"
            with self._lock:
                self.files[name] = NOT_AN_IMAGE if outcome == "url_not_image" else png
            item["url"] = f"http://{self.url_host}:{self.port}/files/{name}"
        else:
            item["b64_json"] = base64.b64encode(png).decode()
        return _json(200, {"created": 1, "data": [item]})

    def _file(self, name: str) -> tuple:
        if self.image_errors:
            return _error(self.image_errors, "Forced download error", "forced")
        with self._lock:
            content = self.files.get(name)
        if content is None:
            return _error(404, "No such file", "not_found")
        kind = "text/html" if content == NOT_AN_IMAGE else "image/png"
        return 200, {}, content, kind


def _json(status: int, answer: Any) -> tuple:
    return status, {}, json.dumps(answer, ensure_ascii=False).encode(), "application/json"


def _error(status: int, message: str, code: str | None, param: str | None = None) -> tuple:
    """An error shaped as OpenAI's: {"error": {"message", "type", "param", "code"}}."""
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return _json(status, {"error": error})


class _Server(ThreadingHTTPServer):
    # A burst of concurrent clients connecting at once must not be refused.
    request_queue_size = 1024
    daemon_threads = True
    fake: FakeOpenAIImages

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and left; expected in timeout tests
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the provider's httpx client expects
    timeout = 60  # idle keep-alive connections release their thread eventually
    wbufsize = 64 * 1024  # one segment per small answer (no delayed-ACK stalls)
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and the benchmark would drown in access lines."""

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, extra, answer, kind = self.server.fake.handle(method, self.path, headers, body)
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--api-key", default="", help="required key (default: none)")
    parser.add_argument("--sizes", default="", help='accepted sizes, e.g. "1024x1024,1024x1536"')
    parser.add_argument("--url", action="store_true", help="answer with links, not base64")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    fake = FakeOpenAIImages(
        api_key=args.api_key or None, latency_seconds=args.latency, port=args.port
    )
    fake.sizes = {size.strip() for size in args.sizes.split(",") if size.strip()} or None
    fake.outcome = "url" if args.url else "b64"
    fake.start()
    logger.info(
        "Fake OpenAI image server at %s (Ctrl+C stops it):\n"
        "  IMAGE_PROVIDER=openai OPENAI_IMAGE_BASE_URL=%s OPENAI_IMAGE_MODEL=%s%s",
        fake.base_url,
        fake.base_url,
        MODEL,
        f" OPENAI_IMAGE_API_KEY={args.api_key}" if args.api_key else "",
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
