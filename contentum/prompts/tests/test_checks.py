"""A wrong enricher configuration stops `manage.py check` (and so `make run`) with a line
naming the setting, instead of every enrichment falling back to the built-in one."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def check_text() -> str:
    with pytest.raises(SystemCheckError) as caught:
        call_command("check")
    return str(caught.value)


def test_builtin_enricher_passes(settings):
    settings.ENRICHER = "builtin"

    call_command("check")


def test_unknown_enricher_names_the_allowed_ones(settings):
    settings.ENRICHER = "yandexgpt"

    text = check_text()

    assert "prompts.E001" in text
    assert "ENRICHER='yandexgpt' is unknown; use one of: builtin, gigachat, openai." in text


def test_gigachat_enricher_without_credentials_names_them(settings):
    settings.ENRICHER = "gigachat"
    settings.GIGACHAT_CREDENTIALS = ""

    text = check_text()

    assert "prompts.E002" in text
    assert "ENRICHER=gigachat needs GIGACHAT_CREDENTIALS" in text


@pytest.mark.parametrize("empty", ["OPENAI_CHAT_BASE_URL", "OPENAI_CHAT_MODEL"])
def test_openai_enricher_without_its_endpoint_names_the_setting(settings, empty):
    settings.ENRICHER = "openai"
    settings.OPENAI_CHAT_BASE_URL = "http://127.0.0.1:11434/v1"
    settings.OPENAI_CHAT_MODEL = "qwen2.5"
    setattr(settings, empty, "")

    text = check_text()

    assert f"ENRICHER=openai needs {empty}, which is empty." in text


def test_configured_llm_enrichers_pass(settings):
    settings.GIGACHAT_CREDENTIALS = "base64=="
    settings.OPENAI_CHAT_BASE_URL = "http://127.0.0.1:11434/v1"
    settings.OPENAI_CHAT_MODEL = "qwen2.5"
    for name in ("gigachat", "openai"):
        settings.ENRICHER = name
        call_command("check")


def test_openai_enricher_with_an_address_that_is_not_http_names_it(settings):
    settings.ENRICHER = "openai"
    settings.OPENAI_CHAT_BASE_URL = "ollama:11434"
    settings.OPENAI_CHAT_MODEL = "qwen2.5"

    text = check_text()

    assert "prompts.E003" in text
    assert "ENRICHER=openai needs OPENAI_CHAT_BASE_URL to be an http(s) address" in text
