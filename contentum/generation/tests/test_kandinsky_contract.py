"""The Kandinsky client against a fake Fusion Brain speaking its HTTP API on a real socket."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ImproperlyConfigured

from contentum.generation.images import InvalidImage, prepare_image
from contentum.generation.providers.base import ImageRequest, ProviderError, get_image_provider
from contentum.generation.providers.kandinsky import KandinskyProvider, _shared_provider
from contentum.generation.quality import run_quality_checks
from contentum.generation.tests.fake_fusionbrain import PIPELINE_ID, RETRY_AFTER_SECONDS

REQUEST = ImageRequest(
    prompt="Постер весеннего фестиваля, голубой и розовый", width=256, height=256
)


def run_to_end(provider: KandinskyProvider, request: ImageRequest = REQUEST, limit: float = 5.0):
    """Submit, then poll as the pipeline will: after each answer's own delay."""
    job = provider.submit(request)
    deadline = time.monotonic() + limit
    result = provider.poll(job.job_id, request)
    while result.state == "pending":
        assert time.monotonic() < deadline, "job never finished"
        time.sleep(result.poll_after_seconds)
        result = provider.poll(job.job_id, request)
    return job, result


def raised(call, *args) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        call(*args)
    return caught.value


@pytest.mark.parametrize("id_field", ["id", "uuid"])
def test_pipeline_id_is_found_under_id_or_uuid(fusionbrain, kandinsky, id_field):
    fusionbrain.id_field = id_field

    assert kandinsky.pipeline_id() == PIPELINE_ID


def test_pipeline_is_looked_up_once_for_many_jobs(fusionbrain, kandinsky):
    for _ in range(3):
        kandinsky.submit(REQUEST)

    assert len(fusionbrain.requests_to("pipelines")) == 1
    assert len(fusionbrain.requests_to("run")) == 3


def test_every_request_carries_the_key_and_secret_headers(fusionbrain, kandinsky):
    run_to_end(kandinsky)

    assert {request.route for request in fusionbrain.received} == set(
        ["pipelines", "availability", "run", "status"]
    )
    for request in fusionbrain.received:
        assert request.headers["x-key"] == "Key test-key"
        assert request.headers["x-secret"] == "Secret test-secret"


def test_run_sends_a_multipart_form_with_json_params(fusionbrain, kandinsky):
    kandinsky.submit(REQUEST)

    [run] = fusionbrain.requests_to("run")
    assert run.headers["content-type"].startswith("multipart/form-data")
    assert run.form["pipeline_id"] == PIPELINE_ID
    assert run.form["params"] == {
        "type": "GENERATE",
        "numImages": 1,
        "width": 256,
        "height": 256,
        "generateParams": {"query": REQUEST.prompt},
    }


def test_style_and_negative_prompt_are_sent_when_given(fusionbrain):
    provider = fusionbrain.provider(style="UHD")
    request = ImageRequest(prompt="кот", width=512, height=512, negative_prompt="размытость")

    provider.submit(request)
    provider.close()

    params = fusionbrain.requests_to("run")[0].form["params"]
    assert params["style"] == "UHD"
    assert params["negativePromptDecoder"] == "размытость"


def test_long_prompt_is_cut_to_1000_characters_between_words(fusionbrain, kandinsky):
    words = [f"слово{n}" for n in range(300)]
    kandinsky.submit(ImageRequest(prompt=" ".join(words), width=256, height=256))

    query = fusionbrain.requests_to("run")[0].form["params"]["generateParams"]["query"]
    assert len(query) <= 1000
    assert query.split() == words[: len(query.split())]


def test_job_is_polled_through_initial_and_processing_to_done(fusionbrain, kandinsky):
    fusionbrain.latency_seconds = 0.3

    job, result = run_to_end(kandinsky)

    assert job.poll_after_seconds == 0.05
    assert len(fusionbrain.requests_to("status")) >= 3
    assert result.state == "done"
    assert result.censored is False
    assert prepare_image(result.image_bytes).image.size == (256, 256)


def test_image_is_handed_out_only_once(fusionbrain, kandinsky):
    job, first = run_to_end(kandinsky)

    again = kandinsky.poll(job.job_id, REQUEST)

    assert first.state == "done"
    assert again.state == "lost"  # DONE with no files: handed out already, not a failure


def test_full_queue_at_availability_is_retryable_and_nothing_is_run(fusionbrain, kandinsky):
    fusionbrain.pipeline_status = "DISABLED_BY_QUEUE"

    error = raised(kandinsky.submit, REQUEST)

    assert error.retryable is True
    assert "DISABLED_BY_QUEUE" in error.message
    assert fusionbrain.requests_to("run") == []


def test_pipeline_disabled_for_maintenance_is_retryable(fusionbrain, kandinsky):
    fusionbrain.pipeline_status = "DISABLED_MANUALLY"

    assert raised(kandinsky.submit, REQUEST).retryable is True
    assert fusionbrain.requests_to("run") == []


def test_full_queue_answered_by_run_is_retryable(fusionbrain, kandinsky):
    fusionbrain.queue_full = True

    error = raised(kandinsky.submit, REQUEST)

    assert error.retryable is True
    assert "DISABLED_BY_QUEUE" in error.message


def test_failed_job_is_final_with_the_providers_reason(fusionbrain, kandinsky):
    fusionbrain.outcome = "fail"

    _, result = run_to_end(kandinsky)

    assert result.state == "failed"
    assert result.retryable is False
    assert "Модель не ответила" in result.error


def test_censored_image_is_done_but_fails_the_censored_check(fusionbrain, kandinsky):
    fusionbrain.outcome = "censored"

    _, result = run_to_end(kandinsky)

    assert (result.state, result.censored) == ("done", True)
    image = prepare_image(result.image_bytes).image
    report = run_quality_checks(image=image, width=256, height=256, censored=result.censored)
    assert "censored" in report.failed_checks


def test_censored_job_without_an_image_fails_but_may_be_retried_reworded(fusionbrain, kandinsky):
    fusionbrain.outcome = "censored_no_image"

    _, result = run_to_end(kandinsky)

    assert (result.state, result.retryable, result.censored) == ("failed", True, True)
    assert "цензуры" in result.error


def test_non_image_bytes_in_files_end_as_invalid_image(fusionbrain, kandinsky):
    fusionbrain.outcome = "not_image"

    _, result = run_to_end(kandinsky)

    assert result.state == "done"
    with pytest.raises(InvalidImage, match="не является изображением"):
        prepare_image(result.image_bytes)


def test_wrong_keys_are_final(fusionbrain):
    provider = fusionbrain.provider(secret_key="stolen")

    error = raised(provider.submit, REQUEST)
    provider.close()

    assert error.retryable is False
    assert "401" in error.message
    assert "KANDINSKY_SECRET_KEY" in error.message


def test_request_the_server_rejects_is_final(fusionbrain, kandinsky):
    error = raised(kandinsky.submit, ImageRequest(prompt="кот", width=1000, height=1000))

    assert error.retryable is False
    assert "400" in error.message
    assert "кратен 64" in error.message


def test_rate_limit_is_retryable_after_the_servers_delay(fusionbrain, kandinsky):
    fusionbrain.http_errors["run"] = 429

    error = raised(kandinsky.submit, REQUEST)

    assert error.retryable is True
    assert error.retry_after == RETRY_AFTER_SECONDS


def test_server_error_while_polling_is_retryable_and_the_job_survives(fusionbrain, kandinsky):
    job = kandinsky.submit(REQUEST)
    fusionbrain.http_errors["status"] = 500

    error = raised(kandinsky.poll, job.job_id, REQUEST)
    del fusionbrain.http_errors["status"]

    assert error.retryable is True
    assert "500" in error.message
    assert kandinsky.poll(job.job_id, REQUEST).state == "done"


def test_server_slower_than_the_timeout_is_retryable(fusionbrain):
    provider = fusionbrain.provider(timeout_seconds=0.2)
    fusionbrain.delays["pipelines"] = 2.0

    started = time.monotonic()
    error = raised(provider.submit, REQUEST)
    provider.close()

    assert time.monotonic() - started < 1.5
    assert error.retryable is True
    assert "не ответил за 0.2 с" in error.message


@pytest.mark.parametrize("route", ["pipelines", "run", "status"])
def test_malformed_json_is_retryable(fusionbrain, kandinsky, route):
    fusionbrain.malformed.add(route)

    error = raised(run_to_end, kandinsky)

    assert error.retryable is True
    assert "JSON" in error.message


def test_unreachable_service_is_retryable(fusionbrain):
    provider = fusionbrain.provider()
    fusionbrain.stop()

    error = raised(provider.submit, REQUEST)
    provider.close()

    assert error.retryable is True
    assert "Нет связи" in error.message


def test_many_concurrent_jobs_finish_together_after_the_latency(fusionbrain):
    fusionbrain.latency_seconds = 0.5
    provider = fusionbrain.provider(poll_interval_seconds=0.2)
    requests = [ImageRequest(prompt=f"баннер {n}", width=256, height=256) for n in range(60)]

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=60) as pool:
        results = list(pool.map(lambda request: run_to_end(provider, request)[1], requests))
    elapsed = time.monotonic() - started
    provider.close()

    assert [result.state for result in results] == ["done"] * 60
    assert len(fusionbrain.jobs) == 60
    # Side by side, not one after another: a serial run would take at least 60 × 0.5 s.
    # (A bound far from the real figure, ~1 s: a loaded machine must not fail it.)
    assert elapsed < 60 * fusionbrain.latency_seconds / 4


def test_provider_from_settings_is_shared_and_talks_to_the_configured_service(
    settings, fusionbrain
):
    settings.IMAGE_PROVIDER = "kandinsky"
    settings.KANDINSKY_BASE_URL = fusionbrain.base_url
    settings.KANDINSKY_API_KEY = fusionbrain.api_key
    settings.KANDINSKY_SECRET_KEY = fusionbrain.secret_key
    settings.KANDINSKY_POLL_INTERVAL_SECONDS = 0.05

    provider = get_image_provider()
    _, result = run_to_end(provider)
    again = get_image_provider()
    provider.close()
    _shared_provider.cache_clear()

    assert isinstance(provider, KandinskyProvider)
    assert again is provider
    assert result.state == "done"


def test_kandinsky_without_keys_is_a_configuration_error(settings):
    settings.IMAGE_PROVIDER = "kandinsky"
    settings.KANDINSKY_API_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="KANDINSKY_API_KEY"):
        get_image_provider()
