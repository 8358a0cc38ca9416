"""Fixtures every app's tests share: an API client, users, and service gates."""

import os
import socket
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

# Eager Celery (test settings) runs a message in place only when its task is registered,
# and the pipeline sends its steps by task name (generation/steps.py): register the tasks
# here, as a worker's autodiscovery does.
from contentum.generation import tasks as generation_tasks  # noqa: F401

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_REDIS_URL = (
    os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
)


def _redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1
        ) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A transactional test flushes the database when it ends, and the data migrations'
    rows (the default scenario, content types) come back only with serialized_rollback;
    without it, a later serialized test fails on duplicate content types, far from the
    cause. Refuse such a test where it is written."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: runs when DATABASE_URL=postgres://… (CI's second pass)")
    if item.get_closest_marker("redis") and not _redis_reachable(TEST_REDIS_URL):
        message = f"needs Redis at {TEST_REDIS_URL}"
        if IN_CI:
            pytest.fail(f"{message}, and CI must run it")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def employee(db):
    from contentum.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def admin_user(db):
    from contentum.accounts.tests.factories import AdminFactory

    return AdminFactory()


def client_for(user) -> APIClient:
    """A client carrying a real access token for `user`, as a logged-in browser would."""
    from rest_framework_simplejwt.tokens import RefreshToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def employee_client(employee) -> APIClient:
    return client_for(employee)


@pytest.fixture
def admin_client_api(admin_user) -> APIClient:
    return client_for(admin_user)


@pytest.fixture
def admin_browser(admin_user) -> Client:
    """The Django admin as a signed-in admin sees it (a session, not a token)."""
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def media(settings, tmp_path):
    """Each test stores its images in its own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def simulation(settings, media):
    """The offline provider with no latency: in eager Celery a countdown does not wait, so
    a job must be done by its first poll (or the polls would chain without pause)."""
    settings.IMAGE_PROVIDER = "simulation"
    settings.SIMULATION_LATENCY_SECONDS = 0.0
    settings.SIMULATION_FAILURE_MODE = "none"
    settings.SIMULATION_FAILURE_ATTEMPTS = None
    settings.PARAPHRASER = "rules"
    settings.PUBLIC_BASE_URL = ""
    return settings
