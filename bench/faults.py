"""Fault injection: the three live runs of issue 15, against the fake Fusion Brain.

1. sigkill: 10 chats' images in flight; the worker is killed with SIGKILL (the whole
   process group) at the moment Fusion Brain hands out the first finished image, so that
   image is lost with it; a new worker (with beat) starts 5 s later. Counted: tasks that
   failed, and the time from the restart until every task finished (target: 0 failed,
   all within 60 s).
2. slow-status: every other status answer takes 15 s against KANDINSKY_TIMEOUT_SECONDS=10;
   3 chats. Counted: chats that end in an image (target: 3 of 3).
3. dead-redis: a web server whose REDIS_URL points at a port where nothing listens.
   Registration, login, a whole chat and its final answer: their status codes (target:
   no 500).

    .venv/bin/python -m bench.faults [sigkill|slow-status|dead-redis ...]

Needs Redis (REDIS_URL) for the first two; PostgreSQL via DATABASE_URL, else SQLite.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

from bench._harness import ROOT, Worker, bench_user, describe, environment, wait_until

ANSWERS = {
    "idea": "Афиша спектакля Вишнёвый сад",
    "event_name": "Вишнёвый сад",
    "event_genre": "спектакль",
    "visual_style": "акварель",
    "composition_focus": "цветущий вишнёвый сад у старого дома",
    "color_palette": "белый и нежно-розовый",
    "visual_associations": "вишня, туман, рассвет",
    "event_date": "12 декабря, 19:00",
    "venue": "Малая сцена",
    "platform": "VK",
    "format": "Квадрат 1:1 (VK, Telegram)",  # the fake's 1024×1024 image, fitted to 1080×1080
}


def _fake_settings(fake, **extra: object) -> dict[str, object]:
    return {
        "IMAGE_PROVIDER": "kandinsky",
        "KANDINSKY_BASE_URL": fake.base_url,
        "KANDINSKY_API_KEY": fake.api_key,
        "KANDINSKY_SECRET_KEY": fake.secret_key,
        "KANDINSKY_POLL_INTERVAL_SECONDS": 1,
        "PARAPHRASER": "rules",
        **extra,
    }


def _finish_chats(count: int) -> list[str]:
    """`count` chats answered to the end in one go; the ids of their generation tasks."""
    from contentum.chats import flow

    user = bench_user()
    task_ids = []
    for _ in range(count):
        chat = flow.chat_create(user=user).chat
        outcome = None
        while chat.current_question is not None:
            key = chat.current_question["key"]
            outcome = flow.message_answer(
                user=user, chat_id=chat.pk, content=ANSWERS.get(key, "пропустить")
            )
            chat.refresh_from_db()
        task_ids.append(outcome.extra["generation_task_id"])
    return task_ids


def _statuses(task_ids: list[str]) -> dict[str, str]:
    from contentum.generation.models import GenerationTask

    rows = GenerationTask.objects.filter(pk__in=task_ids).values_list("pk", "status")
    return {str(pk): status for pk, status in rows}


def _all_finished(task_ids: list[str]) -> bool:
    return all(s in ("SUCCESS", "FAILED", "CANCELLED") for s in _statuses(task_ids).values())


def run_sigkill(tasks: int = 10) -> None:
    from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain, small_png

    class KillOnFirstHandout(FakeFusionBrain):
        worker_pid: int | None = None
        killed_at: float | None = None

        def _status(self, job_id: str) -> tuple:
            status, body = super()._status(job_id)
            if body.get("result", {}).get("files") and self.killed_at is None and self.worker_pid:
                os.killpg(self.worker_pid, signal.SIGKILL)  # before the answer leaves
                self.killed_at = time.monotonic()
            return status, body

    fake = KillOnFirstHandout(latency_seconds=3, image_png=small_png(1024))
    with fake, environment(**_fake_settings(fake)) as env:
        print(f"sigkill: {describe(env)}")
        log = Path(tempfile.gettempdir()) / "contentum-bench-faults-worker.log"
        with Worker(env, concurrency=4, log=log) as first:
            fake.worker_pid = first.process.pid
            task_ids = _finish_chats(tasks)
            wait_until(lambda: fake.killed_at, 60, "the first finished image")
            first.process.wait(timeout=10)
        handed_out = sum(job.fetched for job in fake.jobs.values())
        print(f"  killed with SIGKILL after {handed_out} image(s) were handed out")
        print(f"  in flight at the kill: {_count(task_ids)}")
        time.sleep(5)
        with Worker(env, concurrency=4, log=log, beat=True):
            restarted = time.monotonic()
            with suppress(TimeoutError):
                wait_until(lambda: _all_finished(task_ids), 120, "every task", 0.2)
            took = time.monotonic() - restarted
        print(f"  after the restart: {_count(task_ids)}, the last one {took:.1f} s later")
        print(f"  lost jobs restarted: {_lost_jobs(task_ids)}")


def _count(task_ids: list[str]) -> str:
    statuses = list(_statuses(task_ids).values())
    return ", ".join(f"{s} {statuses.count(s)}" for s in sorted(set(statuses)))


def _lost_jobs(task_ids: list[str]) -> int:
    from django.db.models import Sum

    from contentum.generation.models import GenerationAttempt

    total = GenerationAttempt.objects.filter(task_id__in=task_ids).aggregate(n=Sum("lost_jobs"))
    return total["n"] or 0


def run_slow_status(chats: int = 3) -> None:
    from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain, small_png

    class SlowEveryOtherStatus(FakeFusionBrain):
        status_calls = 0

        def _delay(self, route: str) -> float:
            if route != "status":
                return super()._delay(route)
            with self._lock:
                self.status_calls += 1
                return 15.0 if self.status_calls % 2 else 0.0

    with SlowEveryOtherStatus(latency_seconds=3, image_png=small_png(1024)) as fake:
        settings = _fake_settings(fake, KANDINSKY_TIMEOUT_SECONDS=10)
        with environment(**settings) as env:
            print(f"slow-status: {describe(env)}")
            log = Path(tempfile.gettempdir()) / "contentum-bench-faults-worker.log"
            with Worker(env, concurrency=4, log=log, beat=True):
                started = time.monotonic()
                task_ids = _finish_chats(chats)
                with suppress(TimeoutError):
                    wait_until(lambda: _all_finished(task_ids), 300, "every task", 0.5)
                took = time.monotonic() - started
            from contentum.chats.models import Message

            images = Message.objects.filter(
                kind="generation_succeeded", content__startswith="✅ Генерация завершена!"
            ).count()
            print(
                f"  {images} of {chats} chats ended in an image ({_count(task_ids)}), {took:.0f} s"
            )
            print(f"  status calls {fake.status_calls}, lost jobs restarted {_lost_jobs(task_ids)}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_dead_redis() -> None:
    import httpx

    dead = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    port = _free_port()
    with environment(REDIS_URL=dead, IMAGE_PROVIDER="simulation") as env:
        print(f"dead-redis: {describe(env)}")
        server_env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "2"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "contentum.wsgi"],
            cwd=ROOT,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}/api"
        try:
            wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), 30, "the server")
            codes = _walk_through(httpx.Client(base_url=base, timeout=30))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        for what, code in codes:
            print(f"  {what}: {code}")
        errors = sum(code >= 500 and code != 503 for _, code in codes)
        print(f"  answers of 500 or above other than 503: {errors}")


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _walk_through(client) -> list[tuple[str, int]]:
    """Registration, login, then a whole chat to its final answer. Login refuses while its
    limits cannot be checked (503), so the chat uses a token minted here with the server's
    own key, as one issued before the outage would be."""
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    email, password = f"dead-redis-{os.getpid()}@example.com", "Вишнёвый-сад-2026"
    codes = []
    registered = client.post(
        "/users/",
        json={
            "email": email,
            "fullName": "Тест",
            "password": password,
            "passwordConfirm": password,
        },
    )
    codes.append(("register", registered.status_code))
    login = client.post("/auth/login/", json={"email": email, "password": password})
    codes.append(("login", login.status_code))
    user = get_user_model().objects.get(email=email)
    client.headers["Authorization"] = f"Bearer {AccessToken.for_user(user)}"
    chat = client.post("/chats/", json={"title": "Вишнёвый сад"})
    codes.append(("create chat", chat.status_code))
    chat_id = chat.json().get("data", {}).get("id")
    last = None
    last = None
    while True:
        question = client.get(f"/chats/{chat_id}/").json().get("current_question")
        if not question:
            break
        content = ANSWERS.get(question["key"], "пропустить")
        last = client.post("/messages/", json={"chat": chat_id, "content": content})
        if last.status_code != 201:
            break
    codes.append(("final answer", last.status_code))
    print(f"  final answer: {last.json().get('message', '')!r}")
    return codes


SCENARIOS = {"sigkill": run_sigkill, "slow-status": run_slow_status, "dead-redis": run_dead_redis}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", choices=list(SCENARIOS))
    args = parser.parse_args()
    if args.scenario:
        SCENARIOS[args.scenario]()
        return
    for name in SCENARIOS:  # each in a process of its own: Django is set up once a process
        command = [sys.executable, "-m", "bench.faults", name]
        subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 (fixed arguments)


if __name__ == "__main__":
    main()
