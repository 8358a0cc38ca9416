"""Python instructions per chat flow, counted by callgrind: repeatable where timings drift.

`scripts/flow_instructions.sh` runs this under valgrind. It serves whole chat flows
in-process through Django's WSGI handler (no HTTP server, no client threads): creates one
user, runs two warm-up flows, zeroes callgrind's counters, runs FLOWS flows (a new chat,
its answers, the final one) and dumps the counters. The database is DATABASE_URL's (migrated),
the answers are the flow benchmark's own (`../shared/bench/flow_bench.py`).
"""

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, os.environ.get("FLOW_BENCH_DIR", str(ROOT.parent / "shared" / "bench")))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contentum.settings.base")

import django  # noqa: E402

django.setup()

import flow_bench  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

APP = WSGIHandler()


def call(method: str, path: str, body: object, token: str | None = None) -> object:
    raw = json.dumps(body, ensure_ascii=False).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "CONTENT_TYPE": "application/json; charset=utf-8",
        "CONTENT_LENGTH": str(len(raw)),
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    statuses: list[str] = []
    response = APP(environ, lambda status, headers: statuses.append(status))
    content = b"".join(response)
    response.close()
    if not statuses[0].startswith("2"):
        raise SystemExit(f"{method} {path}: {statuses[0]} {content[:300]!r}")
    return json.loads(content)


def one_flow(token: str) -> None:
    body = call("POST", "/api/chats/", {"title": "Афиша"}, token)
    chat, question = flow_bench.chat_id_of(body), flow_bench.first_question_of(body)
    for step in range(50):
        answer = {"chat": chat, "content": flow_bench.pick_answer(question, step)}
        question, _ = flow_bench.next_question_of(call("POST", "/api/messages/", answer, token))
        if not question:
            return
    raise SystemExit("the flow did not finish in 50 answers")


def callgrind(flag: str) -> None:
    """`callgrind_control` talks to valgrind through a file it polls while this process runs
    instructions: keep running some (a few thousand, against a flow's tens of millions)."""
    control = subprocess.Popen(  # noqa: S603
        ["callgrind_control", flag, str(os.getpid())],  # noqa: S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while control.poll() is None:
        sum(range(1000))


def a_signed_in_user() -> str:
    """An access token for a new account, made without hashing a password: the figure is
    about chat flows, not logins (and an Argon2 library built with `make argon2-native`
    may use AVX-512, which valgrind cannot run)."""
    account = get_user_model().objects.create_user(
        email=f"instr-{uuid.uuid4().hex[:12]}@example.com", full_name="Иван"
    )
    return str(AccessToken.for_user(account))


def main() -> None:
    flows = int(os.environ.get("FLOWS", "5"))
    token = a_signed_in_user()
    for _ in range(2):
        one_flow(token)
    callgrind("-z")
    for _ in range(flows):
        one_flow(token)
    callgrind("-d")


if __name__ == "__main__":
    main()
