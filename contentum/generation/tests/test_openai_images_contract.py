"""The OpenAI-compatible image client against a fake server speaking the API on a real socket."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from contentum.generation.images import InvalidImage, decode_image, prepare_image
from contentum.generation.providers.base import ImageRequest, ProviderError, get_image_provider
from contentum.generation.providers.openai_images import (
    MAX_SIDE,
    OpenAIImageConfig,
    OpenAIImageProvider,
    _shared_provider,
    engine_size,
    parse_sizes,
)
from contentum.generation.quality import run_quality_checks
from contentum.generation.tests.fake_openai_images import (
    MODEL,
    NOT_AN_IMAGE,
    RETRY_AFTER_SECONDS,
    TEST_API_KEY,
    FakeOpenAIImages,
    picture_png,
)

REQUEST = ImageRequest(
    prompt="Постер весеннего фестиваля, голубой и розовый", width=256, height=256
)
GPT_IMAGE_SIZES = {"1024x1024", "1024x1536", "1536x1024"}


@pytest.fixture
def fake():
    with FakeOpenAIImages() as server:
        yield server


@pytest.fixture
def openai(fake):
    provider = fake.provider()
    yield provider
    provider.close()


def raised(call, *args) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        call(*args)
    return caught.value


# --- A normal answer ----------------------------------------------------------------------


def test_b64_answer_is_the_image_at_the_requested_size(fake, openai):
    result = openai.draw(REQUEST)

    assert (result.state, result.censored) == ("done", False)
    prepared = prepare_image(result.image_bytes)
    assert prepared.image.size == (256, 256)
    # Drawn at the size asked: handed on as the server sent it, not re-encoded.
    assert result.image_bytes == picture_png(REQUEST.prompt, 256, 256)


def test_request_carries_model_prompt_size_and_the_key(fake, openai):
    openai.draw(REQUEST)

    [sent] = fake.generations
    assert (sent.method, sent.path) == ("POST", "/v1/images/generations")
    assert sent.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert sent.headers["content-type"] == "application/json"
    assert sent.json == {
        "model": MODEL,
        "prompt": REQUEST.prompt,
        "n": 1,
        "size": "256x256",
        "response_format": "b64_json",
    }


def test_trailing_slash_of_the_base_url_is_tolerated(fake):
    provider = fake.provider(base_url=fake.base_url + "/")

    result = provider.draw(REQUEST)
    provider.close()

    assert result.state == "done"
    assert [r.path for r in fake.generations] == ["/v1/images/generations"]


def test_without_a_key_no_authorization_header_is_sent():
    with FakeOpenAIImages(api_key=None) as fake:
        provider = fake.provider(api_key="")
        result = provider.draw(REQUEST)
        provider.close()

    assert result.state == "done"
    assert "authorization" not in fake.generations[0].headers


def test_long_prompt_is_cut_between_words(fake, openai):
    words = [f"слово{n}" for n in range(300)]

    openai.draw(ImageRequest(prompt=" ".join(words), width=256, height=256))

    prompt = fake.generations[0].json["prompt"]
    assert len(prompt) <= 1000
    assert prompt.split() == words[: len(prompt.split())]


def test_empty_prompt_is_final_and_nothing_is_sent(fake, openai):
    error = raised(openai.draw, ImageRequest(prompt="  ", width=256, height=256))

    assert error.retryable is False
    assert fake.generations == []


# --- URL answers ------------------------------------------------------------------------


def test_url_answer_is_downloaded_from_the_server(fake, openai):
    fake.outcome = "url"

    result = openai.draw(REQUEST)

    assert result.state == "done"
    assert prepare_image(result.image_bytes).image.size == (256, 256)
    [download] = fake.downloads
    assert download.method == "GET"
    # The same server: its key goes along (LocalAI and others may protect their files).
    assert download.headers["authorization"] == f"Bearer {TEST_API_KEY}"


def test_url_on_another_host_gets_no_key(fake, openai):
    fake.outcome = "url"
    fake.url_host = "localhost"  # the API is 127.0.0.1: another host, as a storage link is

    result = openai.draw(REQUEST)

    assert result.state == "done"
    assert "authorization" not in fake.downloads[0].headers


def test_url_that_fails_to_download_is_retryable(fake, openai):
    fake.outcome = "url"
    fake.image_errors = 500

    error = raised(openai.draw, REQUEST)

    assert error.retryable is True
    assert "скачать" in error.message
    assert "500" in error.message


def test_url_to_something_that_is_not_an_image_ends_as_invalid_image(fake, openai):
    fake.outcome = "url_not_image"

    result = openai.draw(REQUEST)

    assert (result.state, result.image_bytes) == ("done", NOT_AN_IMAGE)
    with pytest.raises(InvalidImage, match="не является изображением"):
        prepare_image(result.image_bytes)


# --- Sizes ------------------------------------------------------------------------------


def test_size_the_engine_lacks_is_drawn_at_the_nearest_and_fitted(fake):
    fake.sizes = GPT_IMAGE_SIZES
    provider = fake.provider(sizes=parse_sizes(sorted(GPT_IMAGE_SIZES)))

    result = provider.draw(ImageRequest(prompt="Кофейня у моря", width=576, height=1024))
    provider.close()

    assert fake.generations[0].json["size"] == "1024x1536"
    assert result.state == "done"
    image = prepare_image(result.image_bytes).image
    assert image.size == (576, 1024)
    # Covered and cropped, not letterboxed: the fitted picture passes the pipeline's checks.
    report = run_quality_checks(image=image, width=576, height=1024, censored=False)
    assert report.passed, report.failed_checks


def test_server_that_ignores_the_size_is_fitted_too(fake, openai):
    fake.answer_size = (512, 512)

    result = openai.draw(ImageRequest(prompt="Кофейня у моря", width=256, height=384))

    assert decode_image(result.image_bytes).size == (256, 384)


def test_size_the_engine_refuses_is_final_with_its_reason(fake, openai):
    fake.sizes = GPT_IMAGE_SIZES  # but the provider was not told: it asks 256x256

    error = raised(openai.draw, REQUEST)

    assert error.retryable is False
    assert error.status == 400
    assert "Invalid size '256x256'" in error.message


@pytest.mark.parametrize(
    ("width", "height", "accepted", "asked"),
    [
        (576, 1024, GPT_IMAGE_SIZES, (1024, 1536)),
        (1024, 1024, GPT_IMAGE_SIZES, (1024, 1024)),
        (1920, 1080, GPT_IMAGE_SIZES, (1536, 1024)),
        (256, 256, {"512x512", "1024x1024"}, (512, 512)),  # same ratio: the closer area
        (1200, 1200, {"512x512", "1024x1024"}, (1024, 1024)),
        (256, 256, set(), (256, 256)),
        (1080, 1920, set(), (1088, 1920)),
        (4000, 1000, set(), (MAX_SIDE, 512)),
        (10, 10, set(), (64, 64)),
    ],
)
def test_engine_size(width, height, accepted, asked):
    assert engine_size(width, height, parse_sizes(sorted(accepted))) == asked


def test_unreadable_sizes_setting_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="OPENAI_IMAGE_SIZES"):
        parse_sizes(["1024x1024", "big"])


# --- Optional fields ----------------------------------------------------------------------


def test_refused_response_format_is_asked_again_without_it_and_not_sent_again(fake, openai):
    fake.refuse_fields = {"response_format"}  # gpt-image: always base64, refuses the field

    first = openai.draw(REQUEST)
    second = openai.draw(REQUEST)

    assert (first.state, second.state) == ("done", "done")
    sent = [request.json for request in fake.generations]
    assert ["response_format" in body for body in sent] == [True, False, False]


def test_negative_prompt_is_sent_when_given(fake, openai):
    openai.draw(ImageRequest(prompt="кот", width=256, height=256, negative_prompt="размытость"))

    assert fake.generations[0].json["negative_prompt"] == "размытость"


def test_refused_negative_prompt_is_dropped(fake, openai):
    fake.refuse_fields = {"negative_prompt"}  # OpenAI: "Unrecognized request argument"
    request = ImageRequest(prompt="кот", width=256, height=256, negative_prompt="размытость")

    result = openai.draw(request)

    assert result.state == "done"
    sent = [request.json for request in fake.generations]
    assert ["negative_prompt" in body for body in sent] == [True, False]
    assert sent[1]["prompt"] == "кот"  # not folded into the prompt either


# --- Errors -----------------------------------------------------------------------------


def test_wrong_key_is_final(fake):
    provider = fake.provider(api_key="sk-stolen")

    error = raised(provider.draw, REQUEST)
    provider.close()

    assert (error.retryable, error.status) == (False, 401)
    assert "ключ не подошёл" in error.message
    assert "OPENAI_IMAGE_API_KEY" in error.message


def test_forbidden_is_final(fake, openai):
    fake.http_error = 403

    error = raised(openai.draw, REQUEST)

    assert (error.retryable, error.status) == (False, 403)


def test_rate_limit_is_retryable_after_the_servers_delay(fake, openai):
    fake.http_error = 429

    error = raised(openai.draw, REQUEST)

    assert error.retryable is True
    assert error.retry_after == RETRY_AFTER_SECONDS
    assert "429" in error.message


def test_rate_limit_with_an_http_date(fake, openai):
    fake.http_error = 429
    fake.retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)

    error = raised(openai.draw, REQUEST)

    assert error.retryable is True
    assert 25 <= error.retry_after <= 30


def test_exhausted_quota_is_final_although_it_is_a_429(fake, openai):
    fake.http_error = 429
    fake.error_code = "insufficient_quota"  # OpenAI's answer when billing ran out

    error = raised(openai.draw, REQUEST)

    assert (error.retryable, error.status) == (False, 429)
    assert "квота" in error.message


def test_server_error_is_retryable(fake, openai):
    fake.http_error = 500

    error = raised(openai.draw, REQUEST)

    assert error.retryable is True
    assert "500" in error.message


def test_wrong_base_url_is_final_with_a_hint(fake):
    provider = fake.provider(base_url=fake.base_url.removesuffix("/v1"))

    error = raised(provider.draw, REQUEST)
    provider.close()

    assert (error.retryable, error.status) == (False, 404)
    assert "OPENAI_IMAGE_BASE_URL" in error.message


def test_server_slower_than_the_timeout_is_retryable_and_may_still_draw(fake):
    provider = fake.provider(timeout_seconds=0.3)
    fake.latency_seconds = 3.0

    started = time.monotonic()
    error = raised(provider.draw, REQUEST)
    provider.close()

    assert time.monotonic() - started < 1.5
    assert error.retryable is True
    assert error.job_may_exist is True
    assert "не ответил за 0.3 с" in error.message


def test_unreachable_server_is_retryable(fake):
    provider = fake.provider()
    fake.stop()

    error = raised(provider.draw, REQUEST)
    provider.close()

    assert error.retryable is True
    assert "Нет связи" in error.message


@pytest.mark.parametrize(("outcome", "reason"), [("malformed", "JSON"), ("no_data", "data")])
def test_malformed_answer_is_final(fake, openai, outcome, reason):
    fake.outcome = outcome

    error = raised(openai.draw, REQUEST)

    assert error.retryable is False
    assert reason in error.message


def test_bytes_that_are_not_an_image_end_as_invalid_image(fake, openai):
    fake.outcome = "not_image"

    result = openai.draw(REQUEST)

    assert (result.state, result.image_bytes) == ("done", NOT_AN_IMAGE)
    with pytest.raises(InvalidImage, match="не является изображением"):
        prepare_image(result.image_bytes)


@pytest.mark.parametrize("outcome", ["censored", "censored_message"])
def test_refusal_by_the_content_filter_fails_censored_to_be_reworded(fake, openai, outcome):
    fake.outcome = outcome

    result = openai.draw(REQUEST)

    assert (result.state, result.retryable, result.censored) == ("failed", True, True)
    assert "фильтр" in result.error
    assert len(fake.generations) == 1  # no second call without optional fields


# --- Concurrency and settings -----------------------------------------------------------


def test_many_concurrent_draws_each_take_about_the_latency(fake, openai):
    fake.latency_seconds = 0.5
    requests = [ImageRequest(prompt=f"баннер {n}", width=256, height=256) for n in range(50)]

    def timed(request: ImageRequest) -> tuple[str, float]:
        started = time.monotonic()
        result = openai.draw(request)
        return result.state, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(timed, requests))
    elapsed = time.monotonic() - started

    assert [state for state, _ in results] == ["done"] * 50
    assert len(fake.generations) == 50
    assert min(seconds for _, seconds in results) >= 0.5
    # Served one after another they would take 25 s; together, about the latency (a bound
    # far from it, so that a loaded machine does not fail the test).
    assert elapsed < 50 * 0.5 / 4


@pytest.fixture
def openai_settings(settings, fake):
    settings.IMAGE_PROVIDER = "openai"
    settings.OPENAI_IMAGE_BASE_URL = fake.base_url
    settings.OPENAI_IMAGE_API_KEY = TEST_API_KEY
    settings.OPENAI_IMAGE_MODEL = MODEL
    settings.OPENAI_IMAGE_SIZES = sorted(GPT_IMAGE_SIZES)
    settings.OPENAI_IMAGE_TIMEOUT_SECONDS = 5.0
    yield settings
    _shared_provider.cache_clear()


def test_provider_from_settings_is_shared_and_draws_with_the_configured_server(
    openai_settings, fake
):
    fake.sizes = GPT_IMAGE_SIZES

    provider = get_image_provider()
    result = provider.draw(ImageRequest(prompt="Кофейня у моря", width=1080, height=1920))
    again = get_image_provider()
    provider.close()

    assert isinstance(provider, OpenAIImageProvider)
    assert again is provider
    assert (provider.name, provider.blocking, provider.model) == ("openai", True, MODEL)
    assert provider.config.sizes == ((1024, 1024), (1024, 1536), (1536, 1024))
    assert fake.generations[0].json["size"] == "1024x1536"
    assert decode_image(result.image_bytes).size == (1080, 1920)


@pytest.mark.parametrize("missing", ["OPENAI_IMAGE_BASE_URL", "OPENAI_IMAGE_MODEL"])
def test_missing_settings_are_a_configuration_error(openai_settings, missing):
    setattr(openai_settings, missing, "")

    with pytest.raises(ImproperlyConfigured, match=missing):
        get_image_provider()


def test_base_url_that_is_not_http_is_a_configuration_error(openai_settings):
    openai_settings.OPENAI_IMAGE_BASE_URL = "localhost:8080/v1"

    with pytest.raises(ImproperlyConfigured, match="http"):
        OpenAIImageConfig.from_settings()
