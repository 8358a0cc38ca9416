"""GigaChat's drawing (official SDK) against a fake GigaChat on a real socket."""

import io
import socket

import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from contentum.generation.images import prepare_image
from contentum.generation.providers.base import ImageRequest, ProviderError, get_image_provider
from contentum.generation.providers.gigachat_images import GigaChatImageProvider, orientation
from contentum.prompts import llm
from contentum.prompts.tests.fake_gigachat import (
    CHAT_PATH,
    FILES_PATH,
    OAUTH_PATH,
    Reply,
    drawing,
    fake_gigachat,  # noqa: F401 (a fixture)
)

REQUEST = ImageRequest(
    prompt="Весенний фестиваль в парке, голубой и розовый, мягкий свет",
    negative_prompt="текст, надписи, водяные знаки",
    width=640,
    height=360,
)
BLACKLIST_ANSWER = "Что-то в вашем вопросе меня смущает. Может, поговорим на другую тему?"


@pytest.fixture
def gigachat(settings, fake_gigachat):  # noqa: F811
    """IMAGE_PROVIDER=gigachat pointed at the fake, with a short drawing timeout."""
    settings.IMAGE_PROVIDER = "gigachat"
    settings.GIGACHAT_CREDENTIALS = fake_gigachat.credentials
    settings.GIGACHAT_SCOPE = fake_gigachat.scope
    settings.GIGACHAT_BASE_URL = fake_gigachat.base_url
    settings.GIGACHAT_AUTH_URL = fake_gigachat.auth_url
    settings.GIGACHAT_IMAGE_MODEL = "GigaChat-2-Max"
    settings.GIGACHAT_IMAGE_TIMEOUT_SECONDS = 0.5
    fake_gigachat.content = drawing(fake_gigachat.put_file())
    llm.reset_client()
    yield fake_gigachat
    llm.reset_client()


@pytest.fixture
def provider(gigachat) -> GigaChatImageProvider:
    return get_image_provider()


def raised(provider: GigaChatImageProvider, request: ImageRequest = REQUEST) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        provider.draw(request)
    return caught.value


def test_settings_choose_a_blocking_provider_with_the_image_model(provider):
    assert isinstance(provider, GigaChatImageProvider)
    assert provider.blocking is True
    assert provider.name == "gigachat"
    assert provider.model == "GigaChat-2-Max"


def test_a_drawing_comes_back_at_the_requested_size(gigachat, provider):
    result = provider.draw(REQUEST)

    assert result.state == "done" and not result.censored
    with Image.open(io.BytesIO(result.image_bytes)) as image:
        assert image.format == "PNG"
        assert image.size == (640, 360)
    assert prepare_image(result.image_bytes).image.size == (640, 360)

    [chat] = gigachat.seen(CHAT_PATH)
    body = chat.json()
    assert body["function_call"] == "auto"
    assert body["model"] == "GigaChat-2-Max"
    system, user = body["messages"]
    assert system["role"] == "system"
    assert "фон для рекламного постера" in system["content"]
    assert "не должно быть никакого текста, букв" in system["content"]
    assert "горизонтальное" in system["content"] and "16:9" in system["content"]
    assert user == {
        "role": "user",
        "content": f"Нарисуй: {REQUEST.prompt}\nБез: текст, надписи, водяные знаки.",
    }
    [download] = [r for r in gigachat.requests if r.path.startswith(FILES_PATH)]
    assert download.path.endswith("/content")
    assert download.headers["authorization"] == chat.headers["authorization"]


def test_one_oauth_token_serves_two_drawings(gigachat, provider):
    for _ in range(2):
        assert provider.draw(REQUEST).state == "done"

    assert gigachat.chat_calls == 2
    assert gigachat.file_calls == 2
    assert gigachat.oauth_calls == 1
    assert len(gigachat.seen(OAUTH_PATH)) == 1


def test_an_expired_token_is_refreshed_once_and_the_drawing_goes_on(gigachat, provider):
    provider.draw(REQUEST)  # the token is now cached
    gigachat.script(Reply(revoke_token=True))  # …and the server has forgotten it

    assert provider.draw(REQUEST).state == "done"
    assert gigachat.oauth_calls == 2


def test_the_enricher_keeps_its_own_client_and_timeout(gigachat, provider, settings):
    settings.GIGACHAT_TIMEOUT_SECONDS = 0.2
    provider.draw(REQUEST)

    assert llm.get_client() is not llm.shared_client("images", timeout=0.5)
    assert llm.get_client()._settings.timeout == 0.2
    assert llm.shared_client("images", timeout=0.5)._settings.timeout == 0.5


@pytest.mark.parametrize(
    "size, words",
    [
        ((1080, 1920), ("вертикальное", "9:16")),
        ((1024, 1024), ("квадратное", "1:1")),
        ((1000, 1414), ("вертикальное", "1:1.41")),
    ],
)
def test_the_prompt_names_the_shape(size, words):
    assert orientation(*size) == words


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_final(gigachat, provider, status):
    # A 401 makes the SDK fetch a new token and ask once more: it is refused again.
    gigachat.script(Reply(status=status), Reply(status=status))

    error = raised(provider)

    assert not error.retryable
    assert error.status == status
    assert "GIGACHAT_CREDENTIALS" in error.message


def test_wrong_credentials_fail_at_oauth_and_are_final(gigachat, provider, settings):
    settings.GIGACHAT_CREDENTIALS = "d3Jvbmc6a2V5"  # base64 of "wrong:key"

    error = raised(provider)

    assert not error.retryable and error.status == 401
    assert gigachat.chat_calls == 0


def test_429_is_retryable_after_its_retry_after(gigachat, provider):
    gigachat.script(Reply(status=429, headers={"Retry-After": "7"}))

    error = raised(provider)

    assert error.retryable and error.retry_after == 7.0 and error.status == 429
    assert gigachat.chat_calls == 1  # no retries inside draw


def test_429_on_the_download_is_retryable_too(gigachat, provider):
    gigachat.content = drawing(gigachat.put_file(Reply(status=429, headers={"Retry-After": "3"})))

    error = raised(provider)

    assert error.retryable and error.retry_after == 3.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(gigachat, provider, status):
    gigachat.script(Reply(status=status))

    error = raised(provider)

    assert error.retryable and error.status == status
    assert gigachat.chat_calls == 1


def test_a_timeout_is_retryable(gigachat, provider):
    gigachat.script(Reply(delay=1.0))

    error = raised(provider)

    assert error.retryable
    assert "0.5 с" in error.message


def test_no_connection_is_retryable(gigachat, provider, settings):
    with socket.socket() as free:  # a port nobody listens on once closed
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.GIGACHAT_BASE_URL = f"http://127.0.0.1:{port}/api/v1"
    settings.GIGACHAT_AUTH_URL = f"http://127.0.0.1:{port}/api/v2/oauth"

    error = raised(provider)

    assert error.retryable
    assert "Нет связи" in error.message


@pytest.mark.parametrize(
    "raw", [b"{not json", b'{"choices": "none"}', b'{"choices": [], "created": 1}']
)
def test_malformed_answers_are_final(gigachat, provider, raw):
    gigachat.script(Reply(raw=raw))

    error = raised(provider)

    assert not error.retryable
    assert "GigaChat прислал" in error.message


def test_an_odd_file_id_is_refused(gigachat, provider):
    gigachat.script(Reply(content='<img src="../../oauth" fuse="true"/>'))

    error = raised(provider)

    assert not error.retryable
    assert gigachat.file_calls == 0


def test_bytes_that_are_not_an_image_fail_the_attempt(gigachat, provider):
    gigachat.content = drawing(gigachat.put_file(b"<html>not an image</html>"))

    result = provider.draw(REQUEST)

    assert result.state == "failed" and result.retryable and not result.censored
    assert "не является изображением" in result.error


@pytest.mark.parametrize(
    "reply",
    [
        Reply(content=BLACKLIST_ANSWER, finish_reason="blacklist"),
        Reply(content="", finish_reason="blacklist"),
        Reply(content="К сожалению, я не могу нарисовать такое изображение."),
    ],
)
def test_a_censored_answer_fails_as_censored(gigachat, provider, reply):
    gigachat.script(reply)

    result = provider.draw(REQUEST)

    assert result.state == "failed"
    assert result.censored and result.retryable
    assert "отказался рисовать" in result.error
    assert gigachat.file_calls == 0


def test_a_text_answer_without_an_image_is_retryable(gigachat, provider):
    gigachat.script(Reply(content="Весенний фестиваль: голубое небо, розовые цветы, гирлянды."))

    result = provider.draw(REQUEST)

    assert result.state == "failed"
    assert result.retryable and not result.censored
    assert "текстом вместо изображения" in result.error


def test_missing_credentials_are_improperly_configured(settings):
    settings.IMAGE_PROVIDER = "gigachat"
    settings.GIGACHAT_CREDENTIALS = ""

    with pytest.raises(ImproperlyConfigured, match="GIGACHAT_CREDENTIALS"):
        get_image_provider()
