"""A wrong provider configuration stops `manage.py check` (and so migrate and `make run`)
with a line naming the setting, instead of every generation failing later."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def check_fails(*names: str) -> str:
    with pytest.raises(SystemCheckError) as caught:
        call_command("check")
    text = str(caught.value)
    for name in names:
        assert name in text
    return text


def test_the_default_configuration_passes():
    call_command("check")


def test_unknown_provider_names_the_allowed_ones(settings):
    settings.IMAGE_PROVIDER = "dalle"

    text = check_fails("IMAGE_PROVIDER", "'dalle'")

    assert "generation.E001" in text
    assert "simulation, kandinsky, openai, gigachat" in text


@pytest.mark.parametrize(
    ("provider", "empty", "named"),
    [
        ("kandinsky", ["KANDINSKY_API_KEY", "KANDINSKY_SECRET_KEY"], ["KANDINSKY_API_KEY"]),
        ("kandinsky", ["KANDINSKY_SECRET_KEY"], ["KANDINSKY_SECRET_KEY"]),
        ("openai", ["OPENAI_IMAGE_BASE_URL", "OPENAI_IMAGE_MODEL"], ["OPENAI_IMAGE_BASE_URL"]),
        ("openai", ["OPENAI_IMAGE_MODEL"], ["OPENAI_IMAGE_MODEL"]),
        ("gigachat", ["GIGACHAT_CREDENTIALS"], ["GIGACHAT_CREDENTIALS"]),
    ],
)
def test_provider_without_its_settings_names_them(settings, provider, empty, named):
    settings.IMAGE_PROVIDER = provider
    for name in ("KANDINSKY_API_KEY", "KANDINSKY_SECRET_KEY", "GIGACHAT_CREDENTIALS"):
        setattr(settings, name, "set")
    settings.OPENAI_IMAGE_BASE_URL = "http://127.0.0.1:8080/v1"
    settings.OPENAI_IMAGE_MODEL = "sd-turbo"
    for name in empty:
        setattr(settings, name, "  ")

    text = check_fails(f"IMAGE_PROVIDER={provider}", *named)

    assert "generation.E002" in text
    for name in {"KANDINSKY_API_KEY", "KANDINSKY_SECRET_KEY", "OPENAI_IMAGE_MODEL"} - set(empty):
        assert f"needs {name}" not in text


@pytest.mark.parametrize(
    ("provider", "values"),
    [
        ("kandinsky", {"KANDINSKY_API_KEY": "key", "KANDINSKY_SECRET_KEY": "secret"}),
        ("openai", {"OPENAI_IMAGE_BASE_URL": "http://127.0.0.1/v1", "OPENAI_IMAGE_MODEL": "m"}),
        ("gigachat", {"GIGACHAT_CREDENTIALS": "base64=="}),
    ],
)
def test_provider_with_its_settings_passes(settings, provider, values):
    settings.IMAGE_PROVIDER = provider
    for name, value in values.items():
        setattr(settings, name, value)

    call_command("check")


def test_the_message_is_one_line_with_a_hint_naming_the_variable(settings):
    settings.IMAGE_PROVIDER = "openai"
    settings.OPENAI_IMAGE_BASE_URL = ""
    settings.OPENAI_IMAGE_MODEL = "m"

    text = check_fails()

    [line] = [line for line in text.splitlines() if "generation.E002" in line]
    assert line.endswith("IMAGE_PROVIDER=openai needs OPENAI_IMAGE_BASE_URL, which is empty.")
    assert "HINT: Set OPENAI_IMAGE_BASE_URL in the environment or .env" in text


def test_gigachat_without_an_image_model_names_it(settings):
    settings.IMAGE_PROVIDER = "gigachat"
    settings.GIGACHAT_CREDENTIALS = "base64=="
    settings.GIGACHAT_IMAGE_MODEL = ""

    check_fails("IMAGE_PROVIDER=gigachat needs GIGACHAT_IMAGE_MODEL, which is empty.")


@pytest.mark.parametrize(
    ("provider", "setting"),
    [("openai", "OPENAI_IMAGE_BASE_URL"), ("kandinsky", "KANDINSKY_BASE_URL")],
)
def test_an_address_that_is_not_http_names_the_setting_not_its_value(settings, provider, setting):
    settings.IMAGE_PROVIDER = provider
    settings.KANDINSKY_API_KEY, settings.KANDINSKY_SECRET_KEY = "key", "secret"
    settings.OPENAI_IMAGE_BASE_URL, settings.OPENAI_IMAGE_MODEL = "http://127.0.0.1/v1", "m"
    setattr(settings, setting, "localhost:8080/v1?token=hunter2")

    text = check_fails(f"IMAGE_PROVIDER={provider} needs {setting} to be an http(s) address.")

    assert "generation.E003" in text
    assert "hunter2" not in text
