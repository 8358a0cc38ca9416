"""A real Celery worker beside the test process: same database, same broker, same media.

The database: on PostgreSQL the worker opens pytest-django's test database by name (the
test must be `django_db(transaction=True)`, so its rows are committed and visible). On
SQLite the test database lives in this process's memory, out of the worker's reach: it is
copied (schema and data migrations) into a file under a temporary var/ directory, this
process's connection is pointed at that file for the test, and the worker runs embedded on
the same var/ (its default database file is that file).

The broker: Redis (TEST_REDIS_URL) or the embedded filesystem transport under the same
var/, with queue names unique to the test. This process's Celery app is re-pointed at it
and leaves eager mode for the test.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connections
from kombu import Exchange, Queue, pools

from contentum.celery import app as celery_app
from contentum.common.tests.subprocesses import embedded_env

QUEUES = ("generation", "polling", "maintenance")


@contextmanager
def shared_database(var_dir: Path) -> Iterator[dict[str, str]]:
    """Environment variables that point a subprocess at this test's database."""
    connection = connections["default"]
    if connection.vendor == "postgresql":
        config = connection.settings_dict
        credentials = quote(config["USER"] or "", safe="")
        if config["PASSWORD"]:
            credentials += ":" + quote(config["PASSWORD"], safe="")
        host = f"{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
        yield {"DATABASE_URL": f"postgres://{credentials}@{host}/{config['NAME']}"}
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "contentum.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    saved = connection.settings_dict
    # Closing an in-memory test database would destroy it: keep its connection aside.
    connection.connection = None
    connection.settings_dict = {**saved, "NAME": str(path)}
    try:
        yield {"DATABASE_URL": ""}
    finally:
        connection.close()
        connection.settings_dict = saved
        connection.connection = memory


def _reset_producers() -> None:
    """Forget connections and routes made for the previous broker: Celery keeps a pool
    per app and caches its queues and router, kombu a producer pool per connection."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    pools.reset()
    for cached in ("queues", "router"):
        celery_app.amqp.__dict__.pop(cached, None)
    celery_app.amqp.flush_routes()


def prefixed_queues(prefix: str) -> dict[str, str]:
    return {name: f"{prefix}{name}" for name in QUEUES}


@contextmanager
def live_broker(kind: str, var_dir: Path, redis_url: str) -> Iterator[dict[str, str]]:
    """Points this process's Celery app at the broker, out of eager mode.

    The queues get a prefix unique to this test run (GENERATION_QUEUE_PREFIX for the
    worker): two test runs sharing TEST_REDIS_URL would otherwise take each other's
    messages (seen when a colleague ran the suite at the same time)."""
    conf = celery_app.conf
    keys = (
        "broker_url",
        "broker_transport",
        "broker_transport_options",
        "task_always_eager",
        "task_routes",
        "task_queues",
    )
    saved = {key: conf[key] for key in keys}
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    queues = prefixed_queues(prefix)
    routes = {
        "generation.submit": {"queue": queues["generation"]},
        "generation.poll": {"queue": queues["polling"]},
        "generation.sweep": {"queue": queues["maintenance"]},
    }
    env = {"GENERATION_QUEUE_PREFIX": prefix}
    if kind == "redis":
        url, options = redis_url, {"visibility_timeout": 3600}
        transport = None  # kombu's own, chosen by the URL's scheme
        env["REDIS_URL"] = redis_url
    else:
        folder, processed = var_dir / "broker" / "queue", var_dir / "broker" / "processed"
        folder.mkdir(parents=True, exist_ok=True)
        processed.mkdir(parents=True, exist_ok=True)
        url, transport = "filesystem://localhost/", None
        env["REDIS_URL"] = ""
        options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "processed_folder": str(processed),
            "store_processed": False,
            # Exchange tables; kombu's default is ./control. The worker runs in var_dir
            # (see Worker), so its default lands here too, not in the repository.
            "control_folder": str(var_dir / "control"),
        }
    conf.update(
        broker_url=url,
        broker_transport=transport,
        broker_transport_options=options,
        task_always_eager=False,
        task_routes=routes,
        task_queues=[Queue(name, Exchange(name), routing_key=name) for name in queues.values()],
    )
    _reset_producers()
    try:
        yield env
    finally:
        if kind == "redis":
            import redis

            client = redis.Redis.from_url(redis_url)
            client.delete(*queues.values())
            # A killed worker's messages wait in `unacked` to be restored an hour later.
            for tag, raw in client.hscan_iter("unacked"):
                if str(json.loads(raw)[-1]).startswith(prefix):
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
            client.close()
        conf.update(saved)
        _reset_producers()


class Worker:
    """`celery -A contentum worker` in its own session, so a kill takes all its processes."""

    def __init__(self, env: dict[str, str], log_path: Path, *, args: tuple[str, ...] = ()):
        # Run where relative paths may be written: the embedded broker keeps ./control.
        self.cwd = Path(env["CONTENTUM_VAR_DIR"])
        self.env = env
        self.log_path = log_path
        self.args = args or ("--pool", "solo")
        self.process: subprocess.Popen | None = None
        self._offset = 0

    def start(self, timeout: float = 30) -> "Worker":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "contentum",
            "worker",
            "--queues",
            ",".join(prefixed_queues(self.env.get("GENERATION_QUEUE_PREFIX", "")).values()),
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"live-{uuid.uuid4().hex[:8]}@%h",
            *self.args,
        ]
        self._offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.cwd.mkdir(parents=True, exist_ok=True)
            self.process = subprocess.Popen(
                command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: " ready." in self.log(), timeout, what="the worker to start", worker=self)
        return self

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_bytes()[self._offset :].decode(errors="replace")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: nothing runs its shutdown code."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """At the end of a test nothing is left to finish: no need for a warm shutdown."""
        self.kill()


def wait_for(
    check: Callable[[], Any],
    timeout: float,
    *,
    what: str,
    worker: Worker | None = None,
    interval: float = 0.05,
) -> Any:
    """Polls `check` until it returns something truthy; fails with the worker's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if worker is not None and worker.process is not None and not worker.alive():
            break
        time.sleep(interval)
    log = worker.log()[-4000:] if worker is not None else ""
    raise AssertionError(f"Timed out waiting for {what}.\n--- worker log ---\n{log}")


def worker_env(var_dir: Path, database: dict[str, str], broker: dict[str, str], **extra) -> dict:
    """The worker's environment: embedded settings, this test's database, broker and media."""
    return embedded_env(
        var_dir,
        **database,
        **broker,
        SECRET_KEY=settings.SECRET_KEY,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        IMAGE_PROVIDER="simulation",
        SIMULATION_FAILURE_MODE="none",
        PARAPHRASER="rules",
        LOG_LEVEL="INFO",
        **{key: str(value) for key, value in extra.items()},
    )
