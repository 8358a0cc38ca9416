"""A finished chat starts a generation, so it counts against THROTTLE_GENERATE with
`generate/` and `retry/`: past the limit the final answer is 429 and nothing is written."""

import pytest

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.chats.models import ChatStatus, Message
from contentum.chats.tests.factories import ALL_BUT_LAST, FINAL_ANSWER, make_chat
from contentum.common.exceptions import RUSSIAN_BY_CODE, error_body
from contentum.generation.models import GenerationTask
from contentum.prompts.models import PromptParameters, PromptTemplate
from contentum.prompts.tests.factories import PromptParametersFactory

pytestmark = pytest.mark.django_db

FINAL = FINAL_ANSWER


@pytest.fixture
def one_a_minute(settings, simulation):
    """One generation a minute; what a commit sends runs at once (eager Celery) on the
    offline provider, so a counted start is a real one."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "generate": "1/min"}


def final_answer(user, chat):
    return client_for(user).post(
        "/api/messages/", {"chat": str(chat.id), "content": FINAL}, format="json"
    )


def test_past_the_limit_the_final_answer_is_429_and_writes_nothing(
    employee, one_a_minute, django_capture_on_commit_callbacks
):
    first = make_chat(employee, answers=ALL_BUT_LAST)
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, first).status_code == 201
    second = make_chat(employee, answers=ALL_BUT_LAST)
    messages = Message.objects.filter(chat=second).count()

    refused = final_answer(employee, second)

    assert refused.status_code == 429, refused.content
    assert refused.json() == error_body(RUSSIAN_BY_CODE["throttled"])
    assert 0 < int(refused["Retry-After"]) <= 60
    second.refresh_from_db()
    assert (second.status, second.flow_step) == (ChatStatus.COLLECTING, ALL_BUT_LAST)
    assert Message.objects.filter(chat=second).count() == messages
    assert PromptParameters.objects.filter(user=employee).count() == 1
    assert GenerationTask.objects.filter(owner=employee).count() == 1


def test_a_finished_chat_and_generate_share_one_limit(
    employee, one_a_minute, django_capture_on_commit_callbacks
):
    chat = make_chat(employee, answers=ALL_BUT_LAST)
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, chat).status_code == 201
    parameters = PromptParametersFactory(user=employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(employee).post(
            "/api/promptactions/generate/",
            {"prompt_parameters_id": str(parameters.pk)},
            format="json",
        )

    assert response.status_code == 429
    assert response.json() == error_body(RUSSIAN_BY_CODE["throttled"])
    assert 0 < int(response["Retry-After"]) <= 60


def test_past_the_limit_the_final_answer_is_refused_as_generate_is(
    employee, one_a_minute, django_capture_on_commit_callbacks
):
    """The chat's refusal comes from a service (QuotaExceeded), generate/'s from a DRF
    throttle: the client sees one and the same 429."""
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, make_chat(employee, answers=ALL_BUT_LAST)).status_code == 201
    parameters = PromptParametersFactory(user=employee)
    throttled = client_for(employee).post(
        "/api/promptactions/generate/", {"prompt_parameters_id": str(parameters.pk)}, format="json"
    )

    refused = final_answer(employee, make_chat(employee, answers=ALL_BUT_LAST))

    assert (refused.status_code, refused.json()) == (throttled.status_code, throttled.json())
    assert abs(int(refused["Retry-After"]) - int(throttled["Retry-After"])) <= 1


def test_the_limit_is_per_user(employee, one_a_minute, django_capture_on_commit_callbacks):
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, make_chat(employee, answers=ALL_BUT_LAST)).status_code == 201
        assert final_answer(other, make_chat(other, answers=ALL_BUT_LAST)).status_code == 201


def test_a_final_answer_that_fails_does_not_use_up_the_limit(
    employee, one_a_minute, django_capture_on_commit_callbacks
):
    """The start is counted when the chat's transaction commits: a completion refused
    later in the hand-off (here: no active template) costs nothing."""
    chat = make_chat(employee, answers=ALL_BUT_LAST)
    active = list(PromptTemplate.objects.filter(is_active=True).values_list("pk", flat=True))
    PromptTemplate.objects.update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, chat).status_code == 409

    PromptTemplate.objects.filter(pk__in=active).update(is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, chat).status_code == 201


def test_past_the_limit_a_network_enricher_is_not_called(
    employee, one_a_minute, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With an LLM enricher the final answer enriches before its second lock: past the
    limit it is refused before any call."""
    with django_capture_on_commit_callbacks(execute=True):
        assert final_answer(employee, make_chat(employee, answers=ALL_BUT_LAST)).status_code == 201
    chat = make_chat(employee, answers=ALL_BUT_LAST)
    settings.ENRICHER = "gigachat"
    calls = []
    monkeypatch.setattr(
        "contentum.prompts.enrichment.gigachat.llm_complete",
        lambda *args, **kwargs: calls.append(args) or "описание",
    )

    refused = final_answer(employee, chat)

    assert refused.status_code == 429
    assert calls == []
