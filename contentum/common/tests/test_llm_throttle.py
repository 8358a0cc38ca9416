"""Requests that may call the LLM inside the request are limited per user (THROTTLE_LLM)."""

import pytest

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.common.exceptions import RUSSIAN_BY_CODE
from contentum.prompts.tests.factories import ANSWERS, make_active_template

PARAMETERS, ASSEMBLE = "/api/promptparameters/", "/api/promptactions/assemble/"


@pytest.fixture
def llm_rate(settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "llm": "2/min"}


def submit(client):
    return client.post(PARAMETERS, {"data": ANSWERS}, format="json")


@pytest.mark.django_db
def test_parameter_sets_are_limited_per_user_with_retry_after(llm_rate, employee_client):
    codes = [submit(employee_client).status_code for _ in range(2)]
    refused = submit(employee_client)

    assert codes == [201, 201]
    assert refused.status_code == 429
    assert refused.json() == {
        "status": "error",
        "message": RUSSIAN_BY_CODE["throttled"],
        "errors": {},
    }
    assert int(refused["Retry-After"]) > 0


@pytest.mark.django_db
def test_assembling_counts_against_the_same_limit(llm_rate, employee_client):
    make_active_template()
    assert submit(employee_client).status_code == 201
    body = {"parameters": {"idea": "лес"}}
    assert employee_client.post(ASSEMBLE, body, format="json").status_code == 200

    refused = employee_client.post(ASSEMBLE, body, format="json")

    assert refused.status_code == 429
    assert "Retry-After" in refused


@pytest.mark.django_db
def test_the_llm_limit_is_each_users_own(llm_rate, employee_client):
    for _ in range(3):
        submit(employee_client)

    assert submit(client_for(UserFactory())).status_code == 201


@pytest.mark.django_db
def test_reading_parameter_sets_is_not_limited(llm_rate, employee_client):
    codes = {employee_client.get(PARAMETERS).status_code for _ in range(4)}

    assert codes == {200}
    assert submit(employee_client).status_code == 201
