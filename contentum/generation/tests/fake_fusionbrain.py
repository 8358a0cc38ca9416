"""A fake Fusion Brain API on a real socket (127.0.0.1, random port) for contract tests
and the load benchmark.

It checks what the real service checks (auth headers, the multipart `run` body) and is
told per test how to misbehave. Jobs cost nothing while they "run": a job is a creation
time, and its status is computed from the clock when asked, so hundreds of jobs with a
fixed latency need no thread or timer each.

Standalone: `python -m contentum.generation.tests.fake_fusionbrain --port 8765 --latency 3`.
"""

import argparse
import base64
import io
import json
import logging
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from contentum.generation.providers.kandinsky import KandinskyConfig, KandinskyProvider
from contentum.generation.providers.simulation import draw_image

logger = logging.getLogger(__name__)

TEST_API_KEY = "test-key"
TEST_SECRET_KEY = "test-secret"
PIPELINE_ID = "d0c1a2b3-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
RETRY_AFTER_SECONDS = 7
NOT_AN_IMAGE = b"<html><body>502 Bad Gateway</body></html>"
STYLES_PATH = "static/styles/key"
# What cdn.fusionbrain.ai/static/styles/key lists (images shortened).
STYLES = [
    {"name": "KANDINSKY", "title": "Кандинский", "titleEn": "Kandinsky", "image": "k.jpg"},
    {"name": "UHD", "title": "Детальное фото", "titleEn": "Detailed photo", "image": "u.jpg"},
    {"name": "ANIME", "title": "Аниме", "titleEn": "Anime", "image": "a.jpg"},
    {"name": "DEFAULT", "title": "Свой стиль", "titleEn": "No style", "image": "d.jpg"},
]


def small_png(side: int = 256) -> bytes:
    """A real, sharp PNG of `side`×`side` drawn by the simulation."""
    buffer = io.BytesIO()
    draw_image("фальшивый Fusion Brain", side, side).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Received:
    route: str
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    form: dict[str, Any] = field(default_factory=dict)  # run: pipeline_id, params


@dataclass
class Job:
    created: float
    outcome: str
    fetched: bool = False


def _route(method: str, path: str) -> tuple[str, str]:
    """The route name and its path argument (pipeline id or job uuid)."""
    parts = urlsplit(path).path.strip("/").split("/")
    if method == "GET" and "/".join(parts) == STYLES_PATH:
        return "styles", ""  # the public list of presets (a CDN, no keys)
    if parts[:3] != ["key", "api", "v1"]:
        return "unknown", ""
    rest = parts[3:]
    if method == "GET" and rest == ["pipelines"]:
        return "pipelines", ""
    if method == "GET" and len(rest) == 3 and rest[0] == "pipeline" and rest[2] == "availability":
        return "availability", rest[1]
    if method == "POST" and rest == ["pipeline", "run"]:
        return "run", ""
    if method == "GET" and len(rest) == 3 and rest[:2] == ["pipeline", "status"]:
        return "status", rest[2]
    return "unknown", ""


def _parse_run_form(content_type: str, body: bytes) -> tuple[int, str, dict[str, Any]]:
    """(status, problem, form): the multipart body checked as Fusion Brain checks it."""
    if not content_type.startswith("multipart/form-data"):
        return 415, "ожидается multipart/form-data", {}
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts = {
        part.get_param("name", header="content-disposition"): part for part in message.iter_parts()
    }
    if "pipeline_id" not in parts or "params" not in parts:
        return 400, "нужны части pipeline_id и params", {}
    form: dict[str, Any] = {"pipeline_id": parts["pipeline_id"].get_payload(decode=True).decode()}
    if parts["params"].get_content_type() != "application/json":
        return 415, "params должен быть application/json", form
    try:
        params = json.loads(parts["params"].get_payload(decode=True))
    except ValueError:
        return 400, "params не является JSON", form
    form["params"] = params
    return 200, _params_problem(form["pipeline_id"], params), form


def _params_problem(pipeline_id: str, params: Any) -> str:
    if pipeline_id != PIPELINE_ID:
        return f"неизвестный pipeline_id {pipeline_id}"
    if not isinstance(params, dict) or params.get("type") != "GENERATE":
        return "type должен быть GENERATE"
    if params.get("numImages") != 1:
        return "numImages должен быть 1"
    for side in ("width", "height"):
        value = params.get(side)
        if not isinstance(value, int) or not 64 <= value <= 1024 or value % 64:
            return f"{side} должен быть 64..1024 и кратен 64"
    generate = params.get("generateParams")
    query = generate.get("query") if isinstance(generate, dict) else None
    if not isinstance(query, str) or not 0 < len(query) <= 1000:
        return "generateParams.query: от 1 до 1000 символов"
    return ""


class FakeFusionBrain:
    """Configure by attributes, before or between calls:

    - `id_field`: "id" or "uuid", where `pipelines` puts the pipeline id;
    - `latency_seconds`: how long a job stays INITIAL/PROCESSING;
    - `outcome`: what a finished job gives: done, fail, censored (an image flagged as
      censored), censored_no_image, not_image (base64 of an HTML page);
      `next_outcomes`: outcomes for the next jobs, one each, before `outcome` applies again;
    - `pipeline_status`: what `availability` reports; `queue_full`: `run` answers
      DISABLED_BY_QUEUE instead of starting a job; `queue_full_runs`: only that many
      `run` calls do (then the queue clears, as a busy service's does);
    - by route (pipelines, availability, run, status): `http_errors[route] = status`,
      `malformed` (routes answering broken JSON),
      `delays[route] = seconds` (to outwait a client's timeout; the request is still
      carried out afterwards, so a slow `run` leaves a job nobody polls), `delays_left[route]`:
      only that many next requests are delayed;
    - `forget_fetched`: as the real service does, a job whose image was handed out answers
      404 from then on (by default it stays DONE with no files);
    - `styles`: what the public styles list (`STYLES_PATH`, no keys asked) answers; the
      `styles` route takes `http_errors`, `malformed` and `delays` like the others.
    """

    def __init__(
        self,
        *,
        api_key: str = TEST_API_KEY,
        secret_key: str = TEST_SECRET_KEY,
        latency_seconds: float = 0.0,
        image_png: bytes | None = None,
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.secret_key = secret_key
        self.latency_seconds = latency_seconds
        self.id_field = "id"
        self.outcome = "done"
        self.next_outcomes: list[str] = []
        self.pipeline_status = "ACTIVE"
        self.queue_full = False
        self.queue_full_runs = 0
        self.http_errors: dict[str, int] = {}
        self.malformed: set[str] = set()
        self.delays: dict[str, float] = {}
        self.delays_left: dict[str, int] = {}
        self.forget_fetched = False
        self.styles: list[dict[str, str]] = [dict(style) for style in STYLES]
        self.received: list[Received] = []
        self.jobs: dict[str, Job] = {}
        self._image_b64 = base64.b64encode(image_png or small_png()).decode()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def styles_url(self) -> str:
        return f"{self.base_url}{STYLES_PATH}"

    def start(self) -> "FakeFusionBrain":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a delay
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "FakeFusionBrain":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def provider(self, **config: Any) -> KandinskyProvider:
        """A Kandinsky client pointed here, with short timeouts unless `config` says else."""
        settings = {
            "base_url": self.base_url,
            "api_key": self.api_key,
            "secret_key": self.secret_key,
            "timeout_seconds": 2.0,
            "poll_interval_seconds": 0.05,
            "styles_url": self.styles_url,
        }
        return KandinskyProvider(KandinskyConfig(**{**settings, **config}))

    def requests_to(self, route: str) -> list[Received]:
        with self._lock:
            return [request for request in self.received if request.route == route]

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple:
        """(status, JSON-able answer or raw bytes) for one request; `headers` lower-cased."""
        route, argument = _route(method, path)
        received = Received(route, method, path, headers)
        with self._lock:
            self.received.append(received)
        if delay := self._delay(route):
            self._stopping.wait(delay)
        if route == "unknown":
            return 404, {"message": "Not found"}
        if route == "styles":  # public: answered whatever the headers say
            if status := self.http_errors.get(route):
                return status, {"message": f"Forced {status}"}
            if route in self.malformed:
                return 200, b'[{"name": "ANI'
            return 200, self.styles
        if (headers.get("x-key"), headers.get("x-secret")) != (
            f"Key {self.api_key}",
            f"Secret {self.secret_key}",
        ):
            return 401, {"message": "Unauthorized"}
        if status := self.http_errors.get(route):
            return status, {"message": f"Forced {status}"}
        if route in self.malformed:
            return 200, b'{"status": "DONE", "result": {"files": ["iVBOR'
        if route == "pipelines":
            return 200, [
                {
                    self.id_field: PIPELINE_ID,
                    "name": "Kandinsky",
                    "version": 3.1,
                    "status": "ACTIVE",
                    "type": "TEXT2IMAGE",
                }
            ]
        if route == "availability":
            if argument != PIPELINE_ID:
                return 404, {"message": "Pipeline not found"}
            return 200, {"pipeline_status": self.pipeline_status}
        if route == "run":
            return self._run(received, headers.get("content-type", ""), body)
        return self._status(argument)

    def _delay(self, route: str) -> float:
        with self._lock:
            left = self.delays_left.get(route)
            if left is None:
                return self.delays.get(route, 0.0)
            self.delays_left[route] = max(0, left - 1)
            return self.delays.get(route, 0.0) if left > 0 else 0.0

    def _run(self, received: Received, content_type: str, body: bytes) -> tuple:
        status, problem, received.form = _parse_run_form(content_type, body)
        if status != 200 or problem:
            return (status if status != 200 else 400), {"message": problem}
        with self._lock:
            busy = self.queue_full or self.queue_full_runs > 0
            self.queue_full_runs = max(0, self.queue_full_runs - 1)
        if busy:
            return 200, {"pipeline_status": "DISABLED_BY_QUEUE"}
        job_id = str(uuid.uuid4())
        with self._lock:
            outcome = self.next_outcomes.pop(0) if self.next_outcomes else self.outcome
            self.jobs[job_id] = Job(created=time.monotonic(), outcome=outcome)
        return 201, {"uuid": job_id, "status": "INITIAL", "status_time": 0}

    def _status(self, job_id: str) -> tuple:
        job = self.jobs.get(job_id)
        if job is None or (job.fetched and self.forget_fetched):
            return 404, {"message": "Job not found"}
        elapsed = time.monotonic() - job.created
        if elapsed < self.latency_seconds:
            state = "INITIAL" if elapsed < self.latency_seconds / 2 else "PROCESSING"
            return 200, {"uuid": job_id, "status": state}
        if job.outcome == "fail":
            return 200, {"uuid": job_id, "status": "FAIL", "errorDescription": "Модель не ответила"}
        with self._lock:  # the real service hands the image out only once
            first_fetch, job.fetched = not job.fetched, True
        files = []
        if first_fetch and job.outcome != "censored_no_image":
            image = self._image_b64
            if job.outcome == "not_image":
                image = base64.b64encode(NOT_AN_IMAGE).decode()
            files = [image]
        result = {"files": files, "censored": job.outcome.startswith("censored")}
        return 200, {"uuid": job_id, "status": "DONE", "result": result, "generationTime": 1}


class _Server(ThreadingHTTPServer):
    # A burst of hundreds of clients connecting at once must not be refused.
    request_queue_size = 1024
    daemon_threads = True
    fake: FakeFusionBrain

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that timed out and left; expected in timeout tests
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the provider's httpx client expects
    timeout = 60  # idle keep-alive connections release their thread eventually
    # One segment per response, sent at once: status line, headers and body written
    # separately would meet the client's delayed ACK and cost 40 ms per request.
    wbufsize = 64 * 1024
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
        status, answer = self.server.fake.handle(method, self.path, headers, body)
        if not isinstance(answer, bytes):
            answer = json.dumps(answer, ensure_ascii=False).encode()
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", str(RETRY_AFTER_SECONDS))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=3.0)
    parser.add_argument("--api-key", default=TEST_API_KEY)
    parser.add_argument("--secret-key", default=TEST_SECRET_KEY)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    fake = FakeFusionBrain(
        api_key=args.api_key,
        secret_key=args.secret_key,
        latency_seconds=args.latency,
        port=args.port,
    ).start()
    logger.info("Fake Fusion Brain at %s (Ctrl+C stops it)", fake.base_url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
