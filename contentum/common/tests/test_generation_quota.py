"""The generation limit seen from a service: the app's own QuotaExceeded, never DRF's
Throttled, rendered as the same 429 envelope with Retry-After."""

import pytest
from rest_framework.exceptions import APIException

from contentum.common.exceptions import (
    RUSSIAN_BY_CODE,
    ApplicationError,
    QuotaExceeded,
    envelope_exception_handler,
    error_body,
)
from contentum.common.throttling import count_generation_start, generation_allowed


@pytest.fixture
def one_a_minute(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "generate": "1/min"}


@pytest.mark.django_db
def test_a_check_counts_nothing(employee, one_a_minute):
    generation_allowed(employee)
    generation_allowed(employee)


@pytest.mark.django_db
def test_past_the_limit_a_service_gets_quota_exceeded_with_the_wait(
    employee, one_a_minute, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        count_generation_start(employee)

    with pytest.raises(QuotaExceeded) as caught:
        generation_allowed(employee)

    assert isinstance(caught.value, ApplicationError)
    assert not isinstance(caught.value, APIException)
    assert caught.value.status_code == 429
    assert 0 < caught.value.wait <= 60
    with pytest.raises(QuotaExceeded):
        count_generation_start(employee)


@pytest.mark.django_db
def test_a_start_counts_only_once_its_transaction_commits(
    employee, one_a_minute, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        count_generation_start(employee)  # rolled back: never committed

    generation_allowed(employee)


def test_quota_exceeded_is_the_throttled_envelope_with_retry_after():
    response = envelope_exception_handler(QuotaExceeded(wait=12.2), {})

    assert response.status_code == 429
    assert response.data == error_body(RUSSIAN_BY_CODE["throttled"])
    assert response["Retry-After"] == "13"


def test_without_a_wait_there_is_no_retry_after():
    response = envelope_exception_handler(QuotaExceeded(), {})

    assert response.status_code == 429
    assert "Retry-After" not in response
