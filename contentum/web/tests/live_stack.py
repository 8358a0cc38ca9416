"""A whole Contentum on this machine, as `make run` starts it, for the browser tests.

Migrations, then a gunicorn web process and a Celery worker with embedded beat, all on the
embedded default (an SQLite file and kombu's filesystem broker) in a temporary var dir,
with the simulation provider at zero latency. Nothing is shared with the test process: the
browser reaches the web process over HTTP, as a person's would.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

from contentum.common.tests.subprocesses import BASE_DIR, create_var, embedded_env, manage

ADMIN_EMAIL = "admin@contentum.test"
ADMIN_PASSWORD = "admin-Pa55word-for-browser-tests"
# Settings a developer's shell (or .env) might carry that would change what the tests see.
UNSET = ("SIMULATION_FAILURE_ATTEMPTS", "PUBLIC_BASE_URL", "CORS_ALLOWED_ORIGINS")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check: Callable[[], Any], timeout: float, what: str, log: Path) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
    raise AssertionError(f"Timed out waiting for {what}.\n--- {log.name} ---\n{tail}")


class Process:
    """A child in its own session, so stopping it stops every process it started."""

    def __init__(
        self, command: list[str], env: dict[str, str], log: Path, stop_signal=signal.SIGTERM
    ) -> None:
        self.log = log
        self.stop_signal = stop_signal
        self._offset = log.stat().st_size if log.exists() else 0
        with log.open("ab") as out:
            self.popen = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_bytes()[self._offset :].decode(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10) -> None:
        """The stop signal to the main process, which stops its own children (gunicorn's
        workers, Celery's pool and beat); SIGKILL to the whole group if that takes too long."""
        if self.alive():
            self.popen.send_signal(self.stop_signal)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # whatever is left of the group
        self.popen.wait(timeout=timeout)


class LiveStack:
    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = embedded_env(
            var_dir,
            SECRET_KEY=f"browser-tests-{secrets.token_hex(16)}",
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            MEDIA_ROOT=str(var_dir / "media"),
            IMAGE_PROVIDER="simulation",
            SIMULATION_LATENCY_SECONDS="0",
            SIMULATION_FAILURE_MODE="none",
            PARAPHRASER="rules",
            ENRICHER="builtin",
            # Every test registers and logs in from 127.0.0.1: the real limits would bite.
            THROTTLE_AUTH_IP="1000/min",
            THROTTLE_AUTH_EMAIL="1000/min",
            CONTENTUM_ADMIN_EMAIL=ADMIN_EMAIL,
            CONTENTUM_ADMIN_PASSWORD=ADMIN_PASSWORD,
            LOG_LEVEL="INFO",
        )
        for name in UNSET:
            self.env.pop(name, None)
        self.web: Process | None = None
        self.worker: Process | None = None

    def start(self) -> "LiveStack":
        create_var(self.env)
        for command in (("migrate", "--noinput"), ("ensure_admin",)):
            done = manage(*command, env=self.env)
            assert done.returncode == 0, f"manage.py {' '.join(command)}:\n{done.stderr}"
        self.web = Process(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "contentum.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            self.env,
            self.var_dir / "web.log",
        )
        self.start_worker()
        wait_for(self._web_ready, 30, "the web process to answer /healthz", self.web.log)
        return self

    def _web_ready(self) -> bool:
        if not self.web.alive():
            raise AssertionError(f"gunicorn exited:\n{self.web.output()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310
                return answer.status == 200
        except OSError:
            return False

    def start_worker(self, **overrides: str) -> None:
        """A worker (with beat) on every queue the settings route to; `overrides` are
        environment variables for this worker only, e.g. SIMULATION_FAILURE_MODE="error"."""
        if self.worker is not None:
            self.worker.stop()
        queues = ",".join(["celery", *getattr(settings, "GENERATION_QUEUES", ())])
        name = f"browser-{uuid.uuid4().hex[:8]}"
        self.worker = Process(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "contentum",
                "worker",
                "-B",
                "--queues",
                queues,
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.var_dir / f"celerybeat-schedule-{name}"),
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            {**self.env, **overrides},
            self.var_dir / "worker.log",
            # Killed, not shut down: even a cold shutdown takes seconds, and the worker is
            # idle whenever a test swaps it (as in the generation app's live-worker tests).
            stop_signal=signal.SIGKILL,
        )
        worker = self.worker
        wait_for(
            lambda: " ready." in worker.output() or not worker.alive(),
            60,
            "the Celery worker to start",
            worker.log,
        )
        assert worker.alive(), f"the Celery worker exited:\n{worker.output()[-4000:]}"

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process is not None:
                process.stop()

    def logs(self) -> str:
        parts = []
        for name in ("web.log", "worker.log"):
            path = self.var_dir / name
            if path.exists():
                parts.append(f"--- {name} ---\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)
