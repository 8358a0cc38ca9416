"""With the cache (Redis) unreachable, no limit turns into a 500: login refuses with 503
and Retry-After (its limits guard passwords), every other limit lets the request through
and logs a warning (they guard cost, not secrets)."""

import logging

import pytest

from contentum.accounts.models import User
from contentum.accounts.tests.factories import DEFAULT_PASSWORD
from contentum.common.exceptions import error_body
from contentum.common.throttling import LOGIN_UNAVAILABLE_MESSAGE, LOGIN_UNAVAILABLE_RETRY_AFTER

# Port 9 (discard) has no Redis behind it: every cache call fails to connect.
DEAD_REDIS = "redis://127.0.0.1:9/0"
LOGIN, REGISTER = "/api/auth/login/", "/api/users/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }


def test_login_is_refused_with_503_and_retry_after_while_the_cache_is_down(
    api_client, employee, cache_down, caplog
):
    with caplog.at_level(logging.WARNING, logger="contentum.common.throttling"):
        response = api_client.post(
            LOGIN, {"email": employee.email, "password": DEFAULT_PASSWORD}, format="json"
        )

    assert response.status_code == 503, response.content
    assert response.json() == error_body(LOGIN_UNAVAILABLE_MESSAGE)
    assert response["Retry-After"] == str(LOGIN_UNAVAILABLE_RETRY_AFTER)
    assert "Cache unreachable" in caplog.text


def test_admin_login_form_asks_to_wait_while_the_cache_is_down(client, admin_user, cache_down):
    response = client.post(
        "/admin/login/", {"username": admin_user.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 200  # the form again, with the reason; never a 500
    assert LOGIN_UNAVAILABLE_MESSAGE in response.content.decode()


def test_registration_goes_through_and_warns_while_the_cache_is_down(
    api_client, cache_down, caplog
):
    body = {
        "email": "ivan.petrov@example.com",
        "fullName": "Иван Петров",
        "password": "Vesna-Kraski-2026",
        "passwordConfirm": "Vesna-Kraski-2026",
    }
    with caplog.at_level(logging.WARNING, logger="contentum.common.throttling"):
        response = api_client.post(REGISTER, body, format="json")

    assert response.status_code == 201, response.content
    assert User.objects.filter(email="ivan.petrov@example.com").exists()
    assert "AuthAddressThrottle not applied" in caplog.text
    assert "AuthEmailThrottle not applied" in caplog.text
