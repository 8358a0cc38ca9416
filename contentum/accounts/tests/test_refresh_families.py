"""Refresh tokens: a reused one revokes its whole login; no rotation outlives the session."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts.tests.factories import DEFAULT_PASSWORD
from contentum.accounts.tokens import (
    FAMILY_CLAIM,
    REUSE_AUDIT_ACTION,
    REUSED_MESSAGE,
    SESSION_EXPIRED,
    SESSION_START_CLAIM,
)
from contentum.audit.models import AuditLog

LOGIN, REFRESH, LOGOUT = "/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/"


def log_in(user) -> str:
    body = {"email": user.email, "password": DEFAULT_PASSWORD}
    response = APIClient().post(LOGIN, body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["refresh"]


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


def rotated(token: str) -> str:
    response = refresh(token)
    assert response.status_code == 200, response.content
    return response.json()["refresh"]


def claims(token: str) -> dict:
    return RefreshToken(token, verify=False).payload


@pytest.mark.django_db
def test_rotation_keeps_the_login_as_family_and_start_time(employee):
    first = log_in(employee)
    second = rotated(first)
    third = rotated(second)

    root = claims(first)
    for token in (second, third):
        assert claims(token)[FAMILY_CLAIM] == root["jti"]
        assert claims(token)[SESSION_START_CLAIM] == root["iat"]
    assert len({claims(t)["jti"] for t in (first, second, third)}) == 3


@pytest.mark.django_db
def test_a_rotated_token_coming_back_revokes_every_token_of_its_login(employee):
    stolen = log_in(employee)
    latest = rotated(rotated(stolen))

    replay = refresh(stolen)

    assert replay.status_code == 401
    assert replay.json() == {
        "status": "error",
        "message": REUSED_MESSAGE,
        "errors": {"refresh": [REUSED_MESSAGE]},
    }
    assert refresh(latest).status_code == 401  # the owner's newest token is gone too
    row = AuditLog.objects.get(action=REUSE_AUDIT_ACTION)
    assert row.actor == employee
    assert row.details == {"family": claims(stolen)["jti"], "revoked": 1}


@pytest.mark.django_db
def test_reuse_in_one_login_leaves_the_users_other_logins_alone(employee):
    phone = log_in(employee)
    laptop = log_in(employee)
    rotated(phone)

    assert refresh(phone).status_code == 401

    assert refresh(laptop).status_code == 200


@pytest.mark.django_db
def test_a_logged_out_token_is_refused_without_a_reuse_alarm(employee):
    tokens = APIClient().post(
        LOGIN, {"email": employee.email, "password": DEFAULT_PASSWORD}, format="json"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    logout = client.post(LOGOUT, {"refresh": tokens.json()["refresh"]}, format="json")
    assert logout.status_code == 200

    response = refresh(tokens.json()["refresh"])

    assert response.status_code == 401
    assert response.json()["message"] != REUSED_MESSAGE
    assert not AuditLog.objects.filter(action=REUSE_AUDIT_ACTION).exists()


@pytest.mark.django_db
@override_settings(JWT_MAX_SESSION_DAYS=2)
def test_rotation_cannot_keep_a_session_alive_past_its_maximum(employee):
    with time_machine.travel("2030-01-01 09:00:00Z", tick=False) as clock:
        token = log_in(employee)
        started = claims(token)["iat"]
        for _ in range(3):  # a refresh every 15 hours keeps each token fresh
            clock.shift(timedelta(hours=15))
            token = rotated(token)
        assert claims(token)["exp"] == started + 2 * 24 * 3600  # expiry capped at the end

        clock.shift(timedelta(hours=4))  # 49 hours after the login
        response = refresh(token)

    assert response.status_code == 401
    assert response.json()["status"] == "error"


@pytest.mark.django_db
@override_settings(JWT_MAX_SESSION_DAYS=2)
def test_a_login_token_older_than_the_session_maximum_is_refused(employee):
    """Even when JWT_REFRESH_DAYS alone would let it live longer."""
    with time_machine.travel("2030-01-01 09:00:00Z", tick=False) as clock:
        token = log_in(employee)
        clock.shift(timedelta(days=2, seconds=1))
        response = refresh(token)

    assert response.status_code == 401
    assert response.json()["message"] == SESSION_EXPIRED


@pytest.mark.django_db
def test_each_refresh_issues_exactly_one_successor(employee):
    token = log_in(employee)
    rotated(token)
    refresh(token)  # reuse: refused, and nothing new issued

    assert OutstandingToken.objects.filter(user=employee).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reuse_revokes_the_family_even_with_atomic_requests(employee, monkeypatch):
    """The 401 rolls back a request's transaction; the revocation must stay."""
    from django.db import connection

    stolen = log_in(employee)
    latest = rotated(stolen)
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)

    assert refresh(stolen).status_code == 401

    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", False)
    assert refresh(latest).status_code == 401
