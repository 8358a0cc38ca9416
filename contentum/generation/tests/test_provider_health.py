"""Each provider's recent health, read from its attempts: the selector and /readyz?verbose=1."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from contentum.common import views
from contentum.generation.health import provider_health
from contentum.generation.models import AttemptStatus
from contentum.generation.tests.factories import GenerationAttemptFactory

pytestmark = pytest.mark.django_db

SLACK = timedelta(seconds=5)
SECRET_ERROR = "Сервер изображений ответил 500: http://10.0.0.7:8080/v1 token=sk-hunter2"


def attempt(provider: str, status: str, *, ago: float, took: float = 10.0, **fields):
    """A finished attempt of `provider`, `ago` seconds ago, `took` seconds at the provider."""
    finished = timezone.now() - timedelta(seconds=ago)
    return GenerationAttemptFactory(
        provider=provider,
        status=status,
        submitted_at=finished - timedelta(seconds=took),
        finished_at=finished,
        **fields,
    )


def by_name(healths):
    return {health.provider: health for health in healths}


def test_the_configured_provider_is_shown_even_without_attempts(settings):
    settings.IMAGE_PROVIDER = "kandinsky"

    [health] = provider_health()

    assert (health.provider, health.configured, health.attempts) == ("kandinsky", True, 0)
    assert health.last_success_at is None and health.last_error_at is None
    assert health.latency_p50 is None


def test_last_success_last_error_and_latency_per_provider(settings):
    settings.IMAGE_PROVIDER = "kandinsky"
    attempt("kandinsky", AttemptStatus.SUCCESS, ago=300, took=20, model="Kandinsky 3.1")
    attempt("kandinsky", AttemptStatus.REJECTED, ago=200, took=40)
    attempt("kandinsky", AttemptStatus.SUCCESS, ago=100, took=30, model="Kandinsky 3.1")
    attempt("kandinsky", AttemptStatus.FAILED, ago=50, took=600, error="Kandinsky не ответил.")
    attempt("kandinsky", AttemptStatus.FAILED, ago=400, error="старая ошибка")
    attempt("kandinsky", AttemptStatus.CANCELLED, ago=10, took=1)

    [health] = provider_health()

    assert health.attempts == 6
    assert (health.succeeded, health.rejected, health.failed) == (2, 1, 2)
    assert health.models == ("Kandinsky 3.1",)
    assert timezone.now() - health.last_success_at == pytest.approx(
        timedelta(seconds=100), abs=SLACK
    )
    assert timezone.now() - health.last_error_at == pytest.approx(timedelta(seconds=50), abs=SLACK)
    assert health.last_error == "Kandinsky не ответил."
    # Drawn attempts only (20, 40, 30 s): a failed one may be a timeout, a cancelled one ours.
    assert health.latency_p50 == 30.0


def test_other_providers_are_shown_when_they_drew_lately(settings):
    settings.IMAGE_PROVIDER = "openai"
    attempt("kandinsky", AttemptStatus.SUCCESS, ago=3600)
    attempt("gigachat", AttemptStatus.SUCCESS, ago=3 * 24 * 3600)  # outside the window
    attempt("dalle", AttemptStatus.SUCCESS, ago=60)  # no such provider (any more)

    healths = provider_health()

    assert [(h.provider, h.configured) for h in healths] == [("openai", True), ("kandinsky", False)]
    assert by_name(healths)["kandinsky"].succeeded == 1


def test_only_the_latest_attempts_of_each_provider_count(settings):
    settings.IMAGE_PROVIDER = "kandinsky"
    attempt("kandinsky", AttemptStatus.SUCCESS, ago=500, took=99)
    for ago in (40, 30, 20):
        attempt("kandinsky", AttemptStatus.FAILED, ago=ago, error=f"ошибка {ago}")
    attempt("simulation", AttemptStatus.SUCCESS, ago=10, took=2)

    healths = by_name(provider_health(limit=3))

    kandinsky = healths["kandinsky"]
    assert (kandinsky.attempts, kandinsky.failed, kandinsky.last_success_at) == (3, 3, None)
    assert kandinsky.last_error == "ошибка 20"
    assert healths["simulation"].latency_p50 == 2.0  # another provider's limit is its own


def test_attempts_still_running_are_not_counted(settings):
    settings.IMAGE_PROVIDER = "kandinsky"
    GenerationAttemptFactory(provider="kandinsky", status=AttemptStatus.RUNNING)

    [health] = provider_health()

    assert health.attempts == 0


def test_one_query_however_many_providers_and_attempts(settings, django_assert_num_queries):
    settings.IMAGE_PROVIDER = "kandinsky"
    for provider in ("kandinsky", "openai", "gigachat", "simulation"):
        for ago in (10, 20, 30):
            attempt(provider, AttemptStatus.SUCCESS, ago=ago)

    with django_assert_num_queries(1):
        healths = provider_health()

    assert len(healths) == 4


def test_readyz_without_verbose_is_unchanged(api_client, settings):
    attempt("simulation", AttemptStatus.FAILED, ago=10, error=SECRET_ERROR)

    response = api_client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_verbose_shows_figures_without_messages_or_models(api_client, settings):
    settings.IMAGE_PROVIDER = "kandinsky"
    attempt("kandinsky", AttemptStatus.SUCCESS, ago=100, took=12, model="secret-model-v9")
    attempt("kandinsky", AttemptStatus.FAILED, ago=10, error=SECRET_ERROR)

    response = api_client.get("/readyz", {"verbose": "1"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    kandinsky = body["providers"]["kandinsky"]
    assert kandinsky["configured"] is True
    assert (kandinsky["attempts"], kandinsky["succeeded"], kandinsky["failed"]) == (2, 1, 1)
    assert kandinsky["latency_p50_seconds"] == 12.0
    assert kandinsky["last_success_at"] and kandinsky["last_error_at"]
    for secret in (b"hunter2", b"10.0.0.7", b"secret-model-v9", "ответил".encode()):
        assert secret not in response.content


def test_readyz_verbose_without_a_database_skips_the_figures(api_client, monkeypatch):
    def fail() -> None:
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(views, "_check_database", fail)

    response = api_client.get("/readyz", {"verbose": "1"})

    assert response.status_code == 503
    assert "providers" not in response.json()


def test_readyz_verbose_survives_a_failing_selector(api_client, monkeypatch):
    def fail() -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_provider_figures", fail)

    response = api_client.get("/readyz", {"verbose": "1"})

    assert response.status_code == 200
    assert "providers" not in response.json()
