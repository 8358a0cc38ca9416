"""The real GigaChat enricher (official SDK) against a fake GigaChat on a real socket."""

import time
import uuid
from urllib.parse import parse_qs

import pytest

from contentum.audit.models import AuditLog
from contentum.prompts.enrichment import enrich_parameters
from contentum.prompts.enrichment.builtin import BuiltinEnricher
from contentum.prompts.llm import LLMError, LLMRefused, llm_complete, llm_configured
from contentum.prompts.tests.fake_gigachat import CHAT_PATH, OAUTH_PATH, Reply

pytestmark = pytest.mark.django_db

ANSWERS = {"idea": "кот на крыше", "visual_style": "Акварель", "color_palette": "Тёплые тона"}
FALLBACK = "prompt.enrichment_fallback"


def assert_enriched_by_gigachat(result, server) -> None:
    assert result.enriched == {"idea": server.content}
    assert result.enrichers == {"idea": "gigachat"}
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
        "enricher": "gigachat",
        "reason": reason,
        "fallback": "builtin",
    }


def test_a_normal_answer_enriches_the_short_idea(gigachat):
    result = enrich_parameters(answers=ANSWERS)
    assert_enriched_by_gigachat(result, gigachat)

    [oauth] = gigachat.seen(OAUTH_PATH)
    assert oauth.headers["authorization"] == f"Basic {gigachat.credentials}"
    uuid.UUID(oauth.headers["rquid"])
    assert parse_qs(oauth.body.decode()) == {"scope": ["GIGACHAT_API_PERS"]}

    [chat] = gigachat.seen(CHAT_PATH)
    assert chat.headers["authorization"].startswith("Bearer token-")
    body = chat.json()
    assert body["model"] == "GigaChat"
    system, user = body["messages"]
    assert system["role"] == "system" and "300 символов" in system["content"]
    assert user["role"] == "user"
    assert "Ответ пользователя: кот на крыше" in user["content"]
    assert "стиль — Акварель" in user["content"]


def test_one_oauth_token_serves_many_enrichments(gigachat, settings):
    settings.ENRICH_KEYS = ["idea", "visual_associations"]
    for _ in range(5):
        result = enrich_parameters(answers={**ANSWERS, "visual_associations": "луна, трубы"})
        assert result.enrichers == {"idea": "gigachat", "visual_associations": "gigachat"}
    assert gigachat.chat_calls == 10
    assert gigachat.oauth_calls == 1


def test_a_401_on_a_cached_token_triggers_exactly_one_refresh(gigachat):
    enrich_parameters(answers=ANSWERS)  # the token is now cached
    gigachat.script(Reply(revoke_token=True))  # …and the server has forgotten it
    result = enrich_parameters(answers=ANSWERS)
    assert_enriched_by_gigachat(result, gigachat)
    assert gigachat.oauth_calls == 2
    assert gigachat.chat_calls == 3


def test_a_401_after_the_refresh_falls_back(gigachat):
    enrich_parameters(answers=ANSWERS)
    gigachat.script(Reply(revoke_token=True), Reply(revoke_token=True))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "auth")
    assert gigachat.oauth_calls == 2
    assert gigachat.chat_calls == 3


def test_a_401_on_a_fresh_token_is_an_auth_failure_not_a_loop(gigachat):
    gigachat.script(Reply(revoke_token=True))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "auth")
    assert (gigachat.oauth_calls, gigachat.chat_calls) == (1, 1)


def test_wrong_credentials_fall_back_without_a_chat_call(gigachat, settings):
    settings.GIGACHAT_CREDENTIALS = "d3Jvbmc6Y3JlZGVudGlhbHM="
    assert_fell_back(enrich_parameters(answers=ANSWERS), "auth")
    assert gigachat.chat_calls == 0


def test_a_429_is_retried_after_retry_after(gigachat):
    gigachat.script(Reply(status=429, headers={"Retry-After": "0.2"}))
    started = time.monotonic()
    result = enrich_parameters(answers=ANSWERS)
    assert time.monotonic() - started >= 0.2
    assert_enriched_by_gigachat(result, gigachat)
    assert gigachat.chat_calls == 2


def test_a_429_asking_to_wait_too_long_falls_back_at_once(gigachat):
    gigachat.script(Reply(status=429, headers={"Retry-After": "120"}))
    started = time.monotonic()
    result = enrich_parameters(answers=ANSWERS)
    assert time.monotonic() - started < 1
    assert_fell_back(result, "rate_limited")
    assert gigachat.chat_calls == 1


def test_a_500_is_retried(gigachat):
    gigachat.script(Reply(status=500))
    assert_enriched_by_gigachat(enrich_parameters(answers=ANSWERS), gigachat)
    assert gigachat.chat_calls == 2


def test_a_500_that_persists_falls_back_after_the_retries(gigachat):
    gigachat.script(Reply(status=500), Reply(status=503))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "server_error")
    assert gigachat.chat_calls == 2


def test_a_slow_answer_beyond_the_timeout_falls_back_without_a_retry(gigachat):
    gigachat.script(Reply(delay=1.5))
    started = time.monotonic()
    result = enrich_parameters(answers=ANSWERS)
    assert time.monotonic() - started < 1.2
    assert_fell_back(result, "timeout")
    assert gigachat.chat_calls == 1


def test_malformed_json_falls_back(gigachat):
    gigachat.script(Reply(raw=b'{"choices": [{"message": '))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "malformed")


def test_json_of_the_wrong_shape_falls_back(gigachat):
    gigachat.script(Reply(raw=b'{"unexpected": true}'))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "malformed")


def test_a_blacklist_refusal_falls_back(gigachat):
    gigachat.script(Reply(content="Не люблю менять тему разговора.", finish_reason="blacklist"))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "blacklist")


def test_an_over_long_answer_falls_back(gigachat):
    gigachat.script(Reply(content="очень длинное описание " * 20))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "too_long")


def test_a_truncated_answer_falls_back(gigachat):
    gigachat.script(Reply(finish_reason="length"))
    assert_fell_back(enrich_parameters(answers=ANSWERS), "truncated")


def test_without_credentials_nothing_is_called_and_builtin_takes_over(gigachat, settings):
    settings.GIGACHAT_CREDENTIALS = ""
    assert not llm_configured()
    assert_fell_back(enrich_parameters(answers=ANSWERS), "not_configured")
    assert gigachat.requests == []


def test_llm_complete_returns_the_answer_and_names_a_refusal(gigachat):
    assert llm_configured()
    assert llm_complete("Ты помощник.", "Перефразируй промпт") == gigachat.content
    gigachat.script(Reply(finish_reason="blacklist"))
    with pytest.raises(LLMRefused):
        llm_complete("Ты помощник.", "Перефразируй промпт")
    gigachat.script(Reply(status=500), Reply(status=500))
    with pytest.raises(LLMError) as caught:
        llm_complete("Ты помощник.", "Перефразируй промпт")
    assert caught.value.reason == "server_error"
    assert gigachat.oauth_calls == 1


def test_parameters_posted_over_http_are_enriched_by_gigachat(gigachat, employee_client):
    response = employee_client.post("/api/promptparameters/", {"data": ANSWERS}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["data"] == ANSWERS
    assert body["enriched"] == {"idea": gigachat.content}
    assert body["enrichment"] == {"idea": {"enricher": "gigachat"}}
