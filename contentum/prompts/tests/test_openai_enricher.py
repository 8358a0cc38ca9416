"""ENRICHER=openai: the enricher and the paraphraser over an OpenAI-compatible chat endpoint,
against a fake server on a real socket (issue 18, item 3)."""

import socket
import time

import pytest

from conftest import client_for
from contentum.audit.models import AuditLog
from contentum.chats.tests.factories import ALL_BUT_LAST, DEFAULT_ANSWERS, FINAL_ANSWER, make_chat
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.paraphrase import LLMParaphraser, RuleParaphraser, get_paraphraser
from contentum.prompts import openai_chat
from contentum.prompts.enrichment import enrich_parameters, enrichment_is_local
from contentum.prompts.enrichment.builtin import BuiltinEnricher
from contentum.prompts.llm import LLMError, LLMRefused, configured_completion, llm_complete
from contentum.prompts.models import PromptHistory, PromptParameters
from contentum.prompts.openai_chat import openai_chat_complete
from contentum.prompts.tests.fake_openai_chat import (  # noqa: F401 (a fixture)
    API_KEY,
    CHAT_PATH,
    MODEL,
    Reply,
    fake_openai_chat,
    plausible_answer,
)

pytestmark = pytest.mark.django_db

ANSWERS = {"idea": "кот на крыше", "visual_style": "Акварель", "color_palette": "Тёплые тона"}
FALLBACK = "prompt.enrichment_fallback"


@pytest.fixture
def openai_server(settings, fake_openai_chat):  # noqa: F811
    """ENRICHER=openai pointed at the fake (JSON mode on, as by default), with tiny timeouts
    so failures are quick."""
    settings.ENRICHER = "openai"
    settings.ENRICH_KEYS = ["idea"]
    settings.OPENAI_CHAT_BASE_URL = fake_openai_chat.base_url
    settings.OPENAI_CHAT_API_KEY = API_KEY
    settings.OPENAI_CHAT_MODEL = MODEL
    settings.OPENAI_CHAT_JSON_MODE = True
    settings.OPENAI_CHAT_TIMEOUT_SECONDS = 0.5
    settings.OPENAI_CHAT_MAX_RETRIES = 1
    settings.OPENAI_CHAT_RETRY_BACKOFF_SECONDS = 0.01
    settings.OPENAI_CHAT_RETRY_AFTER_MAX_SECONDS = 1.0
    settings.GIGACHAT_CREDENTIALS = ""
    openai_chat.reset_client()
    yield fake_openai_chat
    openai_chat.reset_client()


def assert_enriched_by_openai(result, server) -> None:
    assert result.enriched == {"idea": server.content}
    assert result.enrichers == {"idea": "openai"}
    assert result.fallbacks == {}
    assert result.answers == ANSWERS
    assert not AuditLog.objects.filter(action=FALLBACK).exists()


def assert_fell_back(result, reason: str) -> None:
    assert result.enrichers == {"idea": "builtin"}
    assert result.fallbacks == {"idea": reason}
    assert result.enriched["idea"] == BuiltinEnricher().enrich(
        "idea", ANSWERS["idea"], context=ANSWERS
    )
    row = AuditLog.objects.get(action=FALLBACK)
    assert row.details == {
        "key": "idea",
        "enricher": "openai",
        "reason": reason,
        "fallback": "builtin",
    }


# --- The enricher -------------------------------------------------------------------------


def test_a_normal_answer_in_text_mode_enriches_the_short_idea(openai_server, settings):
    settings.OPENAI_CHAT_JSON_MODE = False

    assert_enriched_by_openai(enrich_parameters(answers=ANSWERS), openai_server)

    [request] = openai_server.seen(CHAT_PATH)
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body["model"] == MODEL
    assert "response_format" not in body
    system, user = body["messages"]
    assert system["role"] == "system" and "300 символов" in system["content"]
    assert "JSON" not in system["content"]
    assert user["role"] == "user"
    assert "Ответ пользователя: кот на крыше" in user["content"]
    assert "стиль — Акварель" in user["content"]


def test_json_mode_asks_for_a_json_object_and_reads_its_text(openai_server):
    result = enrich_parameters(answers=ANSWERS)

    assert_enriched_by_openai(result, openai_server)
    [request] = openai_server.seen(CHAT_PATH)
    body = request.json()
    assert body["response_format"] == {"type": "json_object"}
    assert body["model"] == MODEL
    assert '"text"' in body["messages"][0]["content"] and "JSON" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    "content",
    [
        '```json\n{"text": "Рыжий кот на крыше"}\n```',
        '{"description": "Рыжий кот на крыше"}',
    ],
)
def test_json_mode_tolerates_a_fenced_answer_or_a_renamed_key(openai_server, content):
    openai_server.script(Reply(raw_content=content))
    result = enrich_parameters(answers=ANSWERS)
    assert result.enriched == {"idea": "Рыжий кот на крыше"}
    assert result.enrichers == {"idea": "openai"}


def test_a_server_refusing_response_format_is_asked_again_without_it_once_per_process(
    openai_server,
):
    openai_server.json_mode_supported = False

    assert_enriched_by_openai(enrich_parameters(answers=ANSWERS), openai_server)
    first, second = openai_server.seen(CHAT_PATH)
    assert first.json()["response_format"] == {"type": "json_object"}
    assert "response_format" not in second.json()
    assert "JSON" in second.json()["messages"][0]["content"]  # still asked for in words

    assert_enriched_by_openai(enrich_parameters(answers=ANSWERS), openai_server)
    third = openai_server.seen(CHAT_PATH)[2]
    assert "response_format" not in third.json()  # remembered: no second refusal
    assert len(openai_server.seen(CHAT_PATH)) == 3


def test_a_wrong_api_key_is_an_auth_failure(openai_server, settings):
    settings.OPENAI_CHAT_API_KEY = "sk-wrong"
    assert_fell_back(enrich_parameters(answers=ANSWERS), "auth")
    assert len(openai_server.seen(CHAT_PATH)) == 1  # not retried


def test_without_a_key_no_authorization_header_is_sent(openai_server, settings):
    openai_server.api_key = None  # Ollama, vLLM and LocalAI need none by default
    settings.OPENAI_CHAT_API_KEY = ""
    assert_enriched_by_openai(enrich_parameters(answers=ANSWERS), openai_server)
    [request] = openai_server.seen(CHAT_PATH)
    assert "authorization" not in request.headers


def test_a_429_is_retried_after_retry_after(openai_server):
    openai_server.script(Reply(status=429, headers={"Retry-After": "0.2"}))
    started = time.monotonic()
    result = enrich_parameters(answers=ANSWERS)
    assert time.monotonic() - started >= 0.2
    assert_enriched_by_openai(result, openai_server)
    assert openai_server.chat_calls == 2


def test_a_429_asking_to_wait_too_long_falls_back_at_once(openai_server):
    openai_server.script(Reply(status=429, headers={"Retry-After": "120"}))
    started = time.monotonic()
    result = enrich_parameters(answers=ANSWERS)
    assert time.monotonic() - started < 1
    assert_fell_back(result, "rate_limited")
    assert openai_server.chat_calls == 1


def test_a_500_is_retried(openai_server):
    openai_server.script(Reply(status=500))
    assert_enriched_by_openai(enrich_parameters(answers=ANSWERS), openai_server)
    assert openai_server.chat_calls == 2


def test_a_5xx_that_persists_falls_back_after_the_retries(openai_server):
    openai_server.script(Reply(status=502), Reply(status=503))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "server_error")
    assert openai_server.chat_calls == 2


def test_a_slow_answer_beyond_the_timeout_falls_back_without_a_retry(openai_server):
    openai_server.script(Reply(delay=1.5))
    started = time.monotonic()
    result = enrich_parameters(answers=ANSWERS)
    assert time.monotonic() - started < 1.2
    assert_fell_back(result, "timeout")
    assert openai_server.chat_calls == 1


def test_a_refused_connection_is_retried_then_falls_back(openai_server, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.OPENAI_CHAT_BASE_URL = f"http://127.0.0.1:{port}/v1"
    assert_fell_back(enrich_parameters(answers=ANSWERS), "connection")


def test_a_malformed_body_falls_back(openai_server):
    openai_server.script(Reply(raw=b'{"choices": [{"message": '))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "malformed")


def test_a_body_of_the_wrong_shape_falls_back(openai_server):
    openai_server.script(Reply(raw=b'{"object": "chat.completion", "choices": []}'))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "malformed")


@pytest.mark.parametrize(
    "content", ["Конечно! Вот описание: рыжий кот на крыше", '["рыжий кот"]', '{"a": 1}']
)
def test_in_json_mode_an_answer_that_is_no_json_object_with_text_falls_back(openai_server, content):
    openai_server.script(Reply(raw_content=content))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "malformed")


def test_a_content_filter_refusal_falls_back(openai_server):
    openai_server.script(Reply(raw_content="", finish_reason="content_filter"))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "content_filter")


def test_a_truncated_answer_falls_back(openai_server):
    openai_server.script(Reply(finish_reason="length"))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "truncated")


def test_an_over_long_answer_falls_back(openai_server):
    openai_server.script(Reply(content="очень длинное описание " * 20))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "too_long")


def test_an_unknown_model_falls_back_with_the_status(openai_server):
    openai_server.script(Reply(status=404))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "http_404")


def test_without_a_base_url_nothing_is_called_and_builtin_takes_over(openai_server, settings):
    settings.OPENAI_CHAT_BASE_URL = ""
    assert_fell_back(enrich_parameters(answers=ANSWERS), "not_configured")
    assert openai_server.requests == []


def test_two_keys_are_enriched_side_by_side_within_a_budget(openai_server, settings):
    settings.ENRICH_KEYS = ["idea", "visual_associations"]
    answers = {**ANSWERS, "visual_associations": "луна, трубы"}
    result = enrich_parameters(answers=answers, budget_seconds=2.0)
    assert result.enrichers == {"idea": "openai", "visual_associations": "openai"}
    assert openai_server.chat_calls == 2


def test_the_openai_enricher_is_not_local_so_chats_enrich_in_the_worker(settings):
    settings.ENRICHER = "openai"
    assert not enrichment_is_local()
    settings.ENRICHER = "builtin"
    assert enrichment_is_local()


def test_openai_chat_complete_returns_the_answer_and_names_a_refusal(openai_server):
    assert openai_chat_complete("Ты помощник.", "Перефразируй промпт") == openai_server.content
    openai_server.script(Reply(finish_reason="content_filter"))
    with pytest.raises(LLMRefused) as refused:
        openai_chat_complete("Ты помощник.", "Перефразируй промпт")
    assert refused.value.reason == "content_filter"
    openai_server.script(Reply(status=500), Reply(status=500))
    with pytest.raises(LLMError) as caught:
        openai_chat_complete("Ты помощник.", "Перефразируй промпт")
    assert caught.value.reason == "server_error"


# --- Which LLM the paraphraser gets -------------------------------------------------------


def test_configured_completion_is_openai_when_enricher_is_openai(openai_server, settings):
    settings.GIGACHAT_CREDENTIALS = "c2VjcmV0"  # configured too, but not chosen
    assert configured_completion() is openai_chat_complete


def test_configured_completion_is_gigachat_otherwise(settings):
    settings.GIGACHAT_CREDENTIALS = "c2VjcmV0"
    settings.OPENAI_CHAT_BASE_URL = "http://127.0.0.1:9/v1"
    settings.ENRICHER = "gigachat"
    assert configured_completion() is llm_complete
    settings.ENRICHER = "openai"
    settings.OPENAI_CHAT_BASE_URL = ""  # openai chosen but not configured
    assert configured_completion() is llm_complete


def test_configured_completion_is_none_without_an_llm(settings):
    settings.GIGACHAT_CREDENTIALS = ""
    settings.OPENAI_CHAT_BASE_URL = ""
    for enricher in ("builtin", "gigachat", "openai"):
        settings.ENRICHER = enricher
        assert configured_completion() is None


PROMPT = "Постер мероприятия, яркий фон, современный стиль, сотрудники на сцене"


def paraphraser(settings):
    settings.PARAPHRASER = "auto"
    return get_paraphraser(llm_complete=configured_completion())


def test_the_paraphraser_rewords_through_the_openai_endpoint(openai_server, settings):
    openai_server.content = "Постер события на насыщенном заднем плане, коллеги на сцене"
    chosen = paraphraser(settings)
    assert isinstance(chosen, LLMParaphraser)

    assert chosen.paraphrase(PROMPT, ["sharpness"], 2) == openai_server.content
    [request] = openai_server.seen(CHAT_PATH)
    body = request.json()
    assert "response_format" not in body  # a prompt is plain text, JSON mode or not
    assert body["model"] == MODEL
    assert PROMPT in body["messages"][1]["content"]


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=401),
        Reply(status=429, headers={"Retry-After": "120"}),
        Reply(status=503),
        Reply(delay=1.5),
        Reply(raw=b"<html>Bad gateway</html>"),
        Reply(raw_content="", finish_reason="content_filter"),
        Reply(raw_content=PROMPT),  # unchanged
    ],
    ids=["401", "429", "5xx", "timeout", "malformed", "content_filter", "unchanged"],
)
def test_a_failed_paraphrase_falls_back_to_the_rules(openai_server, settings, reply):
    openai_server.script(reply, reply)  # the retry fails alike
    expected = RuleParaphraser().paraphrase(PROMPT, ["sharpness"], 2)
    assert paraphraser(settings).paraphrase(PROMPT, ["sharpness"], 2) == expected


# --- A chat's brief, enriched in the worker ----------------------------------------------

LLM_TEXT = "Вишнёвый сад в цвету под луной, старый дом с колоннами, туман над садом"


def test_a_chats_brief_is_enriched_through_the_openai_endpoint_in_the_worker(
    employee, openai_server, simulation, settings, django_capture_on_commit_callbacks
):
    settings.OPENAI_CHAT_TIMEOUT_SECONDS = 2.0
    settings.PARAPHRASER = "rules"  # the paraphrase must not ask the fake too
    openai_server.script(Reply(content=LLM_TEXT))
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(employee).post(
            "/api/messages/", {"chat": str(chat.id), "content": FINAL_ANSWER}, format="json"
        )

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert openai_server.seen(CHAT_PATH) == []  # the request did not wait on the LLM
    task = GenerationTask.objects.get(pk=data["generation_task_id"])
    assert task.enrich_first

    with django_capture_on_commit_callbacks(execute=True):  # the worker's messages
        for callback in callbacks:
            callback()

    [request] = openai_server.seen(CHAT_PATH)
    assert request.json()["response_format"] == {"type": "json_object"}
    task.refresh_from_db()
    assert task.status == TaskStatus.SUCCESS, task.last_error
    history = PromptHistory.objects.get(pk=data["prompt_history_id"])
    assert LLM_TEXT in history.assembled_prompt
    assert task.attempt_set.get(number=1).prompt == history.assembled_prompt
    parameters = PromptParameters.objects.get(pk=data["prompt_parameters_id"])
    assert parameters.enriched == {"idea": LLM_TEXT}
    assert parameters.enrichment == {"idea": {"enricher": "openai"}}
    assert parameters.data["idea"] == DEFAULT_ANSWERS["idea"]


# --- The manual fake ----------------------------------------------------------------------


def test_the_manual_fake_answers_a_plausible_russian_description():
    request = {"messages": [{"role": "user", "content": "Поле: идея.\nОтвет пользователя: кот"}]}
    text = plausible_answer(request)
    assert text.startswith("Кот ") and "свет" in text
    paraphrase = {"messages": [{"role": "user", "content": f"Промпт:\n{PROMPT}\n\nПроблемы"}]}
    assert plausible_answer(paraphrase).startswith(PROMPT)
