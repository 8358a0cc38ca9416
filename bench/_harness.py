"""What every benchmark needs: a throwaway database, a Redis broker, a real worker.

- Redis: REDIS_URL (default redis://127.0.0.1:6379/14), with queue names of its own
  (GENERATION_QUEUE_PREFIX), so a worker already running on that Redis takes nothing.
- Database: with DATABASE_URL (PostgreSQL) a fresh database `contentum_bench_<pid>` is
  created on that server and dropped at the end; without it an embedded SQLite file in a
  temporary directory. Media go to that directory too.
- The worker: `celery -A contentum worker` on the three generation queues, prefork.
The benchmark process itself is a Django process on the same settings: it queues tasks
through the real services and reads the timings the pipeline writes.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median, quantiles
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
QUEUES = ("generation", "polling", "maintenance")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def _postgres(url: str) -> Iterator[str]:
    import psycopg

    name = f"contentum_bench_{os.getpid()}"
    server = _with_database(url, "postgres")  # the maintenance database always exists
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(url, name)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def environment(**settings: object) -> Iterator[dict[str, str]]:
    """Sets up the database, broker and settings; yields the environment of both processes.

    `settings` are Contentum settings read from the environment (IMAGE_PROVIDER, …)."""
    workdir = Path(tempfile.mkdtemp(prefix="contentum-bench-"))
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        with _postgres(database_url) if database_url else _nothing() as bench_database:
            env = {
                "DJANGO_SETTINGS_MODULE": "contentum.settings.base",
                "CONTENTUM_VAR_DIR": str(workdir / "var"),
                "MEDIA_ROOT": str(workdir / "media"),
                "DATABASE_URL": bench_database or "",
                "REDIS_URL": redis_url,
                "SECRET_KEY": secrets.token_urlsafe(50),
                "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
                "LOG_LEVEL": "WARNING",
                "GENERATION_QUEUE_PREFIX": f"bench{os.getpid()}-",
                "PYTHONPATH": str(ROOT),
                **{key: str(value) for key, value in settings.items()},
            }
            os.environ.update(env)
            import django

            django.setup()
            from django.core.management import call_command

            from contentum.settings import var

            var.create()  # `make run`'s first step: settings only read var/

            call_command("migrate", verbosity=0)
            yield {**os.environ}
            _purge(redis_url)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _purge(redis_url: str) -> None:
    """Drops what a killed worker left in this run's queues."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(redis_url)
    try:
        client.delete(*settings.GENERATION_QUEUES)
    except redis.ConnectionError:
        pass  # a run against a Redis that is down on purpose
    finally:
        client.close()


def describe(env: dict[str, str]) -> str:
    database = "PostgreSQL" if env.get("DATABASE_URL") else "SQLite (embedded file)"
    return f"broker Redis {env['REDIS_URL']}, database {database}, Python {sys.version.split()[0]}"


class Worker:
    def __init__(
        self,
        env: dict[str, str],
        *,
        concurrency: int,
        log: Path,
        beat: bool = False,
        pool: str = "prefork",
        queues: tuple[str, ...] = QUEUES,
    ) -> None:
        self.env, self.concurrency, self.log_path, self.beat = env, concurrency, log, beat
        self.pool, self.queues = pool, queues
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Worker":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "contentum",
            "worker",
            "--queues",
            ",".join(self.env["GENERATION_QUEUE_PREFIX"] + name for name in self.queues),
            "--pool",
            self.pool,
            "--concurrency",
            str(self.concurrency),
            "--loglevel",
            "INFO",  # "ready." is an INFO line; each task adds two short ones
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"bench-{uuid.uuid4().hex[:6]}@%h",
            *(["--beat"] if self.beat else []),  # the periodic sweep
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(lambda: b" ready." in self.log_path.read_bytes(), 60, "the worker to start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _children(self) -> list[int]:
        return [pid for pid in _all_pids() if _parent(pid) == self.process.pid]

    def rss_megabytes(self) -> tuple[float, list[float]]:
        """(the main process, each pool process) resident memory in MB, from /proc."""
        return _rss(self.process.pid), [_rss(pid) for pid in self._children()]

    def pss_megabytes(self) -> float:
        """Proportional set size of the whole worker: pages the forked pool processes still
        share with the main process are counted once, unlike the sum of their RSS."""
        return sum(_pss(pid) for pid in [self.process.pid, *self._children()])

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time (user + system) used so far by (the main process, its pool processes)."""
        return _cpu(self.process.pid), sum(_cpu(pid) for pid in self._children())


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _parent(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def wait_until(check: Callable[[], object], timeout: float, what: str, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"Timed out after {timeout:g} s waiting for {what}.")


def bench_user():
    from django.contrib.auth import get_user_model

    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    return get_user_model().objects.create_user(email, "Bench-Pass-2026", full_name="Бенчмарк")


def milliseconds(seconds: list[float]) -> str:
    values = sorted(s * 1000 for s in seconds)
    p90 = quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
    return (
        f"median {median(values):.0f} ms, p90 {p90:.0f} ms, "
        f"min {values[0]:.0f} ms, max {values[-1]:.0f} ms (n={len(values)})"
    )
