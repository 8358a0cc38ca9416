"""A fake GigaChat on a real socket (127.0.0.1, random port), speaking what the SDK calls.

- `POST /api/v2/oauth`: `Authorization: Basic <credentials>`, an `RqUID` header holding a
  UUID, a form body `scope=…` → `{"access_token", "expires_at"}` (milliseconds).
- `POST /api/v1/chat/completions` (the SDK's `/chat/completions` under `base_url`):
  `Authorization: Bearer <a token it issued>` → a chat completion.
- `GET /api/v1/files/{id}/content` (same token) → the bytes of a file put with
  `server.put_file(...)` (a drawing's JPEG), or what a `Reply` put there says (a failure).
  A drawing's answer carries the file as `<img src="{id}" fuse="true"/>` (`drawing(id)`).

Tests script the next chat answers with `server.script(Reply(...), ...)`; unscripted calls
answer normally with `server.content`. Every request is recorded for assertions.
"""

import base64
import io
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from PIL import Image

CREDENTIALS = base64.b64encode(b"contentum-client:contentum-secret").decode()
SCOPE = "GIGACHAT_API_PERS"
OAUTH_PATH = "/api/v2/oauth"
CHAT_PATH = "/api/v1/chat/completions"
FILES_PATH = "/api/v1/files/"  # + {id}/content
TOKEN_LIFETIME_SECONDS = 30 * 60


@dataclass
class Reply:
    """How the fake answers one chat request."""

    status: int = 200
    content: str | None = None  # None: the server's default content
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as the body as is (for malformed JSON)
    delay: float = 0.0
    revoke_token: bool = False  # forget the caller's token and answer 401, as when it expired


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake = self.server.fake
        seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        with fake.lock:
            fake.requests.append(seen)
        try:
            if self.path == OAUTH_PATH:
                self._oauth(fake, seen)
            elif self.path == CHAT_PATH:
                self._chat(fake, seen)
            else:
                self._send(404, {"status": 404, "message": "Not found"})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def do_GET(self) -> None:
        fake = self.server.fake
        seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, b"")
        with fake.lock:
            fake.requests.append(seen)
        file_id = self.path.removeprefix(FILES_PATH).removesuffix("/content")
        try:
            if self.path.startswith(FILES_PATH) and self.path.endswith("/content"):
                self._file(fake, seen, file_id)
            else:
                self._send(404, {"status": 404, "message": "Not found"})
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(
        self,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _oauth(self, fake: "FakeGigaChat", seen: Seen) -> None:
        with fake.lock:
            fake.oauth_calls += 1
        if seen.headers.get("authorization") != f"Basic {CREDENTIALS}":
            self._send(401, {"code": 6, "message": "Credentials doesn't match db data"})
            return
        try:
            uuid.UUID(seen.headers.get("rquid", ""))
        except ValueError:
            self._send(400, {"code": 5, "message": "RqUID must be a UUID"})
            return
        form = parse_qs(seen.body.decode())
        if not seen.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ) or form.get("scope") != [SCOPE]:
            self._send(400, {"code": 7, "message": "scope is missing or wrong"})
            return
        token = f"token-{uuid.uuid4().hex}"
        with fake.lock:
            fake.tokens.add(token)
        expires_at = int((time.time() + TOKEN_LIFETIME_SECONDS) * 1000)
        self._send(200, {"access_token": token, "expires_at": expires_at})

    def _chat(self, fake: "FakeGigaChat", seen: Seen) -> None:
        token = seen.headers.get("authorization", "").removeprefix("Bearer ")
        with fake.lock:
            fake.chat_calls += 1
            reply = fake.replies.popleft() if fake.replies else Reply()
            known = token in fake.tokens
            if reply.revoke_token:
                fake.tokens.discard(token)
        if not known or reply.revoke_token:
            self._send(401, {"status": 401, "message": "Token has expired"})
            return
        if reply.delay:
            time.sleep(reply.delay)
        if reply.raw is not None:
            self._send(reply.status, reply.raw, reply.headers)
            return
        if reply.status != 200:
            self._send(reply.status, {"status": reply.status, "message": "error"}, reply.headers)
            return
        request = json.loads(seen.body)
        completion = {
            "choices": [
                {
                    "message": {
                        "role": "assistant",
                        "content": fake.content if reply.content is None else reply.content,
                    },
                    "index": 0,
                    "finish_reason": reply.finish_reason,
                }
            ],
            "created": int(time.time()),
            "model": request.get("model", "GigaChat"),
            "object": "chat.completion",
            "usage": {"prompt_tokens": 42, "completion_tokens": 24, "total_tokens": 66},
        }
        self._send(200, completion, reply.headers)

    def _file(self, fake: "FakeGigaChat", seen: Seen, file_id: str) -> None:
        token = seen.headers.get("authorization", "").removeprefix("Bearer ")
        with fake.lock:
            fake.file_calls += 1
            known = token in fake.tokens
            stored = fake.files.get(file_id)
        if not known:
            self._send(401, {"status": 401, "message": "Token has expired"})
            return
        if stored is None:
            self._send(404, {"status": 404, "message": "No such file"})
            return
        if isinstance(stored, bytes):
            self._send(200, stored, content_type="image/jpeg")
            return
        if stored.delay:
            time.sleep(stored.delay)
        if stored.status != 200 or stored.raw is None:
            body = {"status": stored.status, "message": "error"}
            self._send(stored.status, body, stored.headers)
            return
        self._send(200, stored.raw, stored.headers, content_type="image/jpeg")


def drawing(file_id: str) -> str:
    """A chat answer that drew an image, in the words GigaChat uses."""
    return (
        f'Запускаю генерацию изображения. Ожидайте результат <img src="{file_id}" '
        'fuse="true"/> - вот что у меня получилось.'
    )


def jpeg(width: int, height: int) -> bytes:
    """A JPEG with a gradient and a shape, so it is neither blank nor flat."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image.paste((200, 60, 40), (width // 3, height // 3, width // 2, height // 2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping for a timeout test must not hold us
    fake: "FakeGigaChat"


class FakeGigaChat:
    credentials = CREDENTIALS
    scope = SCOPE

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[Seen] = []
        self.replies: deque[Reply] = deque()
        self.tokens: set[str] = set()
        self.oauth_calls = 0
        self.chat_calls = 0
        self.file_calls = 0
        self.files: dict[str, bytes | Reply] = {}
        self.content = "Рыжий кот сидит на черепичной крыше под полной луной, тёплый свет окон."
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/api/v1"

    @property
    def auth_url(self) -> str:
        return f"{self.origin}{OAUTH_PATH}"

    def script(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def put_file(
        self, content: bytes | Reply | None = None, *, size: tuple[int, int] = (1024, 1024)
    ) -> str:
        """Stores a file (by default a JPEG drawing of `size`) and returns its id."""
        if content is None:
            content = jpeg(*size)
        file_id = str(uuid.uuid4())
        with self.lock:
            self.files[file_id] = content
        return file_id

    def seen(self, path: str) -> list[Seen]:
        with self.lock:
            return [request for request in self.requests if request.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def fake_gigachat():
    server = FakeGigaChat()
    server.start()
    yield server
    server.stop()
