"""/healthz says the process answers; /readyz says the database and the broker do too."""

import time

import pytest
from django.db import OperationalError

from contentum.celery import app as celery_app
from contentum.common import views

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broken_database(monkeypatch):
    def fail() -> None:
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(views, "_check_database", fail)


@pytest.mark.django_db
def test_healthz_answers_without_a_token_or_the_database(api_client, broken_database):
    response = api_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_200_when_database_and_broker_are_reachable(api_client):
    response = api_client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_readyz_is_503_naming_the_broker_when_it_is_unreachable(api_client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", UNREACHABLE_BROKER)
    started = time.monotonic()
    response = api_client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")
    # One connection attempt, no back-off sleeps: a probe must answer before it times out.
    assert elapsed < 1.5


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_when_it_is_unreachable(api_client, broken_database):
    response = api_client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "error: OperationalError",
        "broker": "ok",
    }


@pytest.mark.django_db
def test_readyz_does_not_leak_connection_details(api_client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://:hunter2@127.0.0.1:1/0")
    response = api_client.get("/readyz")
    assert response.status_code == 503
    assert b"hunter2" not in response.content
    assert b"127.0.0.1" not in response.content
