"""Warming gunicorn's master up loads what the first requests would load, and connects to
nothing: every worker forked from the master inherits its sockets and threads."""

import json
import threading
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import get_default_password_validators

from contentum.common.tests.subprocesses import embedded_env, python
from contentum.common.warmup import warm_up

# A process like gunicorn's master: base settings, then warm_up(); what it holds after.
MASTER = """
import json, os, sys, threading
import django
django.setup()
from contentum.celery import app
from contentum.common.warmup import warm_up
warm_up()
descriptors = []
for fd in os.listdir("/proc/self/fd"):
    try:
        descriptors.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        pass
print(json.dumps({
    "loaded": [name for name in ("contentum.chats.apis", "jwt", "argon2") if name in sys.modules],
    "finalized": app.finalized,
    "threads": threading.active_count(),
    "sockets": [d for d in descriptors if d.startswith("socket:")],
}))
"""


@pytest.mark.django_db
def test_warm_up_runs_no_query(django_assert_num_queries):
    get_default_password_validators.cache_clear()

    with django_assert_num_queries(0):
        warm_up()

    assert get_default_password_validators.cache_info().currsize == 1


def test_warm_up_opens_no_database_connection_and_starts_no_thread():
    """Without the django_db mark pytest-django refuses any connection."""
    before = set(threading.enumerate())

    warm_up()

    assert set(threading.enumerate()) == before


def test_warm_up_does_not_contact_the_cache(settings):
    """Redis may start after the web server, or drop packets: the start must not wait on
    it. Nothing listens on the discard port, so any contact would raise here."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    warm_up()


def test_warm_up_does_not_contact_the_broker():
    """The broker may be down at the start. Nothing listens on the discard port."""
    from contentum.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        warm_up()
    finally:
        app.conf.broker_url = saved


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists descriptors in /proc")
def test_the_master_holds_the_loaded_app_and_no_socket_or_thread(tmp_path):
    env = embedded_env(tmp_path, REDIS_URL="redis://127.0.0.1:9/0")

    master = python("-c", MASTER, env=env)

    assert master.returncode == 0, master.stderr
    held = json.loads(master.stdout.strip().splitlines()[-1])
    assert held["loaded"] == ["contentum.chats.apis", "jwt", "argon2"]
    assert held["finalized"] is True
    assert held["threads"] == 1
    assert held["sockets"] == []
