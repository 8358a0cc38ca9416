"""A slow LLM never holds the final answer: the request commits the chat with a prompt
assembled by the built-in enricher, and the worker asks the LLM and re-assembles before
the first attempt (issue 15, item 4)."""

import time

import pytest

from conftest import client_for
from contentum.audit.models import AuditLog
from contentum.chats.tests.factories import ALL_BUT_LAST, DEFAULT_ANSWERS, FINAL_ANSWER, make_chat
from contentum.generation import pipeline, steps
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.services import generation_tasks_sweep
from contentum.prompts import llm
from contentum.prompts.enrichment.builtin import BuiltinEnricher
from contentum.prompts.models import PromptHistory, PromptParameters
from contentum.prompts.tests.fake_gigachat import CHAT_PATH, Reply, fake_gigachat  # noqa: F401

pytestmark = pytest.mark.django_db

LLM_TEXT = "Вишнёвый сад в цвету под луной, старый дом с колоннами, туман над садом"


@pytest.fixture
def gigachat(settings, fake_gigachat, simulation):  # noqa: F811
    settings.ENRICHER = "gigachat"
    settings.ENRICH_KEYS = ["idea"]
    settings.ENRICH_MAX_SHORT_LENGTH = 80
    settings.GIGACHAT_CREDENTIALS = fake_gigachat.credentials
    settings.GIGACHAT_SCOPE = fake_gigachat.scope
    settings.GIGACHAT_BASE_URL = fake_gigachat.base_url
    settings.GIGACHAT_AUTH_URL = fake_gigachat.auth_url
    settings.GIGACHAT_TIMEOUT_SECONDS = 2.0
    settings.GIGACHAT_MAX_RETRIES = 0
    settings.PARAPHRASER = "rules"  # the paraphrase must not ask the fake too
    llm.reset_client()
    yield fake_gigachat
    llm.reset_client()


def final_answer(user, django_capture_on_commit_callbacks):
    """Answers the last question; returns the response and the callbacks the commit would
    run (the worker's messages), not yet run."""
    chat = make_chat(user, answers=ALL_BUT_LAST)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(user).post(
            "/api/messages/",
            {"chat": str(chat.id), "content": FINAL_ANSWER},
            format="json",
        )
    return response, callbacks


def run_worker(callbacks, django_capture_on_commit_callbacks) -> None:
    """The commit: eager Celery runs enrich, then (on each step's own commit) submit, poll."""
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()


def test_the_final_answer_asks_no_llm_and_the_worker_enriches_before_drawing(
    employee, gigachat, django_capture_on_commit_callbacks
):
    gigachat.script(Reply(content=LLM_TEXT))

    response, callbacks = final_answer(employee, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["message"].startswith("Flow завершён")
    data = body["data"]
    assert {"prompt_parameters_id", "prompt_history_id", "generation_task_id"} <= set(data)
    assert gigachat.seen(CHAT_PATH) == []  # the request did not wait on the LLM
    task = GenerationTask.objects.get(pk=data["generation_task_id"])
    assert task.enrich_first and task.status == TaskStatus.PENDING
    draft = BuiltinEnricher().enrich("idea", DEFAULT_ANSWERS["idea"], context=DEFAULT_ANSWERS)
    assert draft[:40] in task.prompt
    assert "дополняю описание" in data["system_message"]["content"]

    run_worker(callbacks, django_capture_on_commit_callbacks)

    assert len(gigachat.seen(CHAT_PATH)) == 1
    task.refresh_from_db()
    assert task.status == TaskStatus.SUCCESS, task.last_error
    assert not task.enrich_first
    history = PromptHistory.objects.get(pk=data["prompt_history_id"])
    assert LLM_TEXT in history.assembled_prompt
    assert task.prompt == history.assembled_prompt
    assert task.attempt_set.get(number=1).prompt == history.assembled_prompt
    parameters = PromptParameters.objects.get(pk=data["prompt_parameters_id"])
    assert parameters.enriched == {"idea": LLM_TEXT}
    assert parameters.enrichment == {"idea": {"enricher": "gigachat"}}
    assert parameters.data["idea"] == DEFAULT_ANSWERS["idea"]  # the answer itself, verbatim


def test_an_llm_that_fails_leaves_the_draft_and_the_image_still_comes(
    employee, gigachat, django_capture_on_commit_callbacks
):
    gigachat.script(Reply(status=500))

    response, callbacks = final_answer(employee, django_capture_on_commit_callbacks)
    draft_prompt = GenerationTask.objects.get().prompt
    run_worker(callbacks, django_capture_on_commit_callbacks)

    assert response.status_code == 201
    task = GenerationTask.objects.get()
    assert task.status == TaskStatus.SUCCESS
    assert task.prompt == draft_prompt
    [fallback] = AuditLog.objects.filter(action="prompt.enrichment_fallback")
    assert fallback.details["enricher"] == "gigachat"


def test_an_llm_past_the_step_time_limit_submits_the_draft(
    employee, gigachat, django_capture_on_commit_callbacks
):
    response, _ = final_answer(employee, django_capture_on_commit_callbacks)
    task = GenerationTask.objects.get(pk=response.json()["data"]["generation_task_id"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pipeline.enrich_timed_out(str(task.pk), task.step_token)

    task.refresh_from_db()
    assert not task.enrich_first
    assert task.deadline_at is not None
    assert len(callbacks) == 1  # the submit message, sent on commit
    assert gigachat.seen(CHAT_PATH) == []


def test_a_lost_enrich_message_is_resumed_by_the_sweeper_at_enrich(
    employee, gigachat, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    final_answer(employee, django_capture_on_commit_callbacks)  # its message is lost
    task = GenerationTask.objects.get()
    assert steps.resume_step(task) == steps.ENRICH

    with django_capture_on_commit_callbacks(execute=True):
        result = generation_tasks_sweep(now=timezone.now() + timedelta(hours=1))

    assert result.resumed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskStatus.SUCCESS
    assert len(gigachat.seen(CHAT_PATH)) == 1


def test_parameters_posted_directly_wait_no_longer_than_the_budget(
    employee_client, gigachat, settings
):
    """POST promptparameters/ still enriches in the request, within its budget: past it
    the built-in enricher stands in and the audit says why."""
    settings.ENRICH_REQUEST_BUDGET_SECONDS = 0.1
    gigachat.script(Reply(content=LLM_TEXT, delay=0.8))

    response = employee_client.post(
        "/api/promptparameters/", {"data": {"idea": "кот на крыше"}}, format="json"
    )

    assert response.status_code == 201, response.content
    stored = PromptParameters.objects.get(pk=response.json()["id"])
    assert stored.enrichment["idea"]["enricher"] == "builtin"
    assert stored.enrichment["idea"]["reason"] == "over_budget"
    assert AuditLog.objects.filter(
        action="prompt.enrichment_fallback", details__reason="over_budget"
    ).exists()
    time.sleep(1.0)  # the abandoned call ends before the fake server stops


def test_a_brief_of_variants_is_enriched_once_then_every_variant_draws_the_enriched_prompt(
    employee, gigachat, django_capture_on_commit_callbacks
):
    gigachat.script(Reply(content=LLM_TEXT))
    chat = make_chat(employee, answers=list(DEFAULT_ANSWERS).index("variant_count"))
    for value in ["3", *list(DEFAULT_ANSWERS.values())[len(chat.answers) + 1 : -1]]:
        client_for(employee).post(
            "/api/messages/", {"chat": str(chat.id), "content": value}, format="json"
        )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(employee).post(
            "/api/messages/", {"chat": str(chat.id), "content": FINAL_ANSWER}, format="json"
        )
    brief = GenerationTask.objects.get(pk=response.json()["data"]["generation_task_id"])
    assert brief.has_variants and not brief.variants.exists()  # launched once enriched

    run_worker(callbacks, django_capture_on_commit_callbacks)

    assert len(gigachat.seen(CHAT_PATH)) == 1  # one LLM call for the brief, not one each
    brief.refresh_from_db()
    assert brief.status == TaskStatus.SUCCESS, brief.last_error
    variants = list(brief.variants.order_by("variant_number"))
    assert len(variants) == 3
    assert all(LLM_TEXT in v.attempt_set.get(number=1).prompt for v in variants)
