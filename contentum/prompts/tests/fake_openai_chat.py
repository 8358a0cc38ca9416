"""A fake OpenAI-compatible chat server on a real socket (127.0.0.1), for tests and by hand.

- `POST /v1/chat/completions` → a chat completion. With `api_key` set it wants
  `Authorization: Bearer <api_key>` (401 otherwise, as OpenAI and LiteLLM answer).
  `response_format: {"type": "json_object"}` is honoured like OpenAI does: the messages must
  say "JSON" (400 otherwise), and the content is then `{"text": "…"}`; with
  `json_mode_supported = False` it is refused with a 400 naming `response_format`, as a
  server or back-end without JSON mode answers.
- `GET /v1/models` → the one model, so a client's "list models" check passes.

Tests script the next chat answers with `server.script(Reply(...), ...)`; unscripted calls
answer with `server.content`. Every request is recorded for assertions.

By hand: `python -m contentum.prompts.tests.fake_openai_chat --port 8766`, then
`ENRICHER=openai OPENAI_CHAT_BASE_URL=http://127.0.0.1:8766/v1 OPENAI_CHAT_MODEL=fake`; it
answers each request with a plausible Russian description built from the user's answer.
"""

import argparse
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"
API_KEY = "sk-contentum-test"
MODEL = "qwen2.5:7b-instruct"


@dataclass
class Reply:
    """How the fake answers one chat request."""

    status: int = 200
    content: str | None = None  # the description; None: the server's default
    raw_content: str | None = None  # the message content as is, never wrapped in JSON
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as the whole body as is (for malformed JSON)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _error(message: str, kind: str, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.fake.verbose:
            super().log_message(format, *args)

    def _record(self) -> Seen:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        with self.server.fake.lock:
            self.server.fake.requests.append(seen)
        return seen

    def do_GET(self) -> None:
        seen = self._record()
        if seen.path != MODELS_PATH:
            self._send(404, _error("Not found", "invalid_request_error"))
        elif self._authorized(seen):
            model = {"id": self.server.fake.model, "object": "model", "owned_by": "contentum"}
            self._send(200, {"object": "list", "data": [model]})

    def do_POST(self) -> None:
        seen = self._record()
        try:
            if seen.path == CHAT_PATH:
                self._chat(self.server.fake, seen)
            else:
                self._send(404, _error("Not found", "invalid_request_error"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _authorized(self, seen: Seen) -> bool:
        key = self.server.fake.api_key
        if key and seen.headers.get("authorization") != f"Bearer {key}":
            self._send(401, _error("Incorrect API key provided.", "invalid_request_error"))
            return False
        return True

    def _chat(self, fake: "FakeOpenAIChat", seen: Seen) -> None:
        if not self._authorized(seen):
            return
        try:
            request = seen.json()
            messages = request["messages"]
            said = " ".join(str(message.get("content", "")) for message in messages)
        except (ValueError, KeyError, TypeError, AttributeError):
            self._send(400, _error("Invalid request body", "invalid_request_error"))
            return
        json_mode = request.get("response_format") is not None
        if json_mode and not fake.json_mode_supported:
            self._send(
                400,
                _error(
                    "Unrecognized request argument supplied: response_format",
                    "invalid_request_error",
                    "response_format",
                ),
            )
            return
        if json_mode and "json" not in said.lower():
            message = (
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'."
            )
            self._send(400, _error(message, "invalid_request_error", "messages"))
            return
        with fake.lock:
            fake.chat_calls += 1
            reply = fake.replies.popleft() if fake.replies else Reply()
        if reply.delay:
            time.sleep(reply.delay)
        if reply.raw is not None:
            self._send(reply.status, reply.raw, reply.headers)
            return
        if reply.status != 200:
            kind = "rate_limit_error" if reply.status == 429 else "server_error"
            self._send(reply.status, _error(f"error {reply.status}", kind), reply.headers)
            return
        content = reply.raw_content
        if content is None:
            content = reply.content if reply.content is not None else fake.answer(request)
            if json_mode or "json" in said.lower():  # a model told to answer in JSON does
                content = json.dumps({"text": content}, ensure_ascii=False)
        completion = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model") or fake.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {"prompt_tokens": 42, "completion_tokens": 24, "total_tokens": 66},
        }
        self._send(200, completion, reply.headers)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping for a timeout test must not hold us
    fake: "FakeOpenAIChat"


_ANSWER_RE = re.compile(r"Ответ пользователя:\s*(.+)")
_PROMPT_RE = re.compile(r"Промпт:\s*\n(.+)")


def plausible_answer(request: dict[str, Any]) -> str:
    """A Russian description grown from the user's answer (or a reworded prompt for the
    paraphraser), so a manual run shows the LLM's text in the assembled prompt."""
    said = str(request["messages"][-1].get("content", ""))
    if match := _ANSWER_RE.search(said):
        subject = match.group(1).strip().rstrip(".")
        return (
            f"{subject[:1].upper()}{subject[1:]} крупным планом в центре кадра, выразительные "
            "детали, мягкий тёплый свет, лёгкая дымка на заднем плане, праздничное настроение"
        )
    if match := _PROMPT_RE.search(said):
        return f"{match.group(1).strip().rstrip('.')}, в новой подаче, чёткие детали"
    return "Яркая праздничная сцена, мягкий свет, выразительные детали"


class FakeOpenAIChat:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = API_KEY,
        model: str = MODEL,
        answer: Callable[[dict[str, Any]], str] | None = None,
        verbose: bool = False,
    ) -> None:
        self.lock = threading.Lock()
        self.requests: list[Seen] = []
        self.replies: deque[Reply] = deque()
        self.api_key = api_key
        self.model = model
        self.json_mode_supported = True
        self.chat_calls = 0  # requests that got past auth and the response_format checks
        self.content = "Рыжий кот сидит на черепичной крыше под полной луной, тёплый свет окон."
        self._answer = answer
        self.verbose = verbose
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, request: dict[str, Any]) -> str:
        return self._answer(request) if self._answer else self.content

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def script(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def seen(self, path: str = CHAT_PATH) -> list[Seen]:
        with self.lock:
            return [request for request in self.requests if request.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        self._server.serve_forever()


@pytest.fixture
def fake_openai_chat():
    server = FakeOpenAIChat()
    server.start()
    yield server
    server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--api-key", default="", help="require this Bearer key (default: none)")
    parser.add_argument("--model", default=MODEL)
    parser.add_argument(
        "--no-json-mode", action="store_true", help="refuse response_format with a 400"
    )
    args = parser.parse_args(argv)
    fake = FakeOpenAIChat(
        host=args.host,
        port=args.port,
        api_key=args.api_key or None,
        model=args.model,
        answer=plausible_answer,
        verbose=True,
    )
    fake.json_mode_supported = not args.no_json_mode
    print(f"Fake OpenAI-compatible chat on {fake.base_url}; use:", flush=True)
    print(f"  ENRICHER=openai OPENAI_CHAT_BASE_URL={fake.base_url} OPENAI_CHAT_MODEL={args.model}")
    if args.api_key:
        print(f"  OPENAI_CHAT_API_KEY={args.api_key}")
    try:
        fake.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake._server.server_close()


if __name__ == "__main__":
    main()
