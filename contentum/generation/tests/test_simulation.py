import io

import numpy as np
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from contentum.generation.images import prepare_image
from contentum.generation.providers.base import ImageRequest, ProviderError, get_image_provider
from contentum.generation.providers.simulation import SimulationProvider
from contentum.generation.quality import run_quality_checks

PROMPT = "Афиша городского праздника, красные и золотые акценты"


def finished(provider: SimulationProvider, request: ImageRequest):
    result = provider.poll(provider.submit(request).job_id, request)
    assert result.state in ("done", "failed")
    return result


def picture(prompt: str, width: int = 256, height: int = 256) -> Image.Image:
    request = ImageRequest(prompt=prompt, width=width, height=height)
    return Image.open(io.BytesIO(finished(SimulationProvider(), request).image_bytes))


def mean_colour(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float32).reshape(-1, 3).mean(axis=0)


def test_same_prompt_gives_the_same_png_and_another_prompt_another():
    first = finished(SimulationProvider(), ImageRequest(prompt=PROMPT, width=512, height=512))
    again = finished(SimulationProvider(), ImageRequest(prompt=PROMPT, width=512, height=512))
    other = finished(SimulationProvider(), ImageRequest(prompt="Тихий лес", width=512, height=512))

    assert first.image_bytes == again.image_bytes
    assert first.image_bytes != other.image_bytes
    assert first.image_bytes.startswith(b"\x89PNG")


def test_image_has_the_requested_size():
    assert picture(PROMPT, 640, 960).size == (640, 960)


def test_colour_words_in_the_prompt_choose_the_palette():
    red, blue = mean_colour(picture("красный плакат")), mean_colour(picture("голубой плакат"))

    assert red[0] > red[2] + 30
    assert blue[2] > blue[0] + 30


def test_mood_words_change_the_palette():
    pastel = mean_colour(picture("пастельный зелёный фон")).mean()
    dark = mean_colour(picture("тёмный зелёный фон")).mean()

    assert pastel > dark + 40


def test_job_stays_pending_until_the_latency_has_passed():
    provider = SimulationProvider(latency_seconds=30)
    request = ImageRequest(prompt=PROMPT, width=256, height=256)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        submitted = provider.submit(request)
        assert submitted.poll_after_seconds == 30

        traveller.shift(12)
        early = provider.poll(submitted.job_id, request)
        traveller.shift(19)
        late = provider.poll(submitted.job_id, request)

    assert early.state == "pending"
    assert early.poll_after_seconds == pytest.approx(18)
    assert late.state == "done"


def test_job_is_polled_by_a_fresh_provider_as_by_the_one_that_submitted_it():
    request = ImageRequest(prompt=PROMPT, width=256, height=256)
    job = SimulationProvider().submit(request)

    assert SimulationProvider().poll(job.job_id, request).state == "done"


def test_job_id_of_another_request_is_refused():
    provider = SimulationProvider()
    job = provider.submit(ImageRequest(prompt=PROMPT, width=256, height=256))

    with pytest.raises(ProviderError) as caught:
        provider.poll(job.job_id, ImageRequest(prompt="другое", width=256, height=256))

    assert caught.value.retryable is False


def test_failing_first_attempt_is_followed_by_a_good_second_one():
    provider = SimulationProvider(failure_mode="blank", failure_attempts=1)
    reports = []
    for attempt in (1, 2):
        request = ImageRequest(prompt=PROMPT, width=576, height=1024, attempt=attempt)
        image = prepare_image(finished(provider, request).image_bytes).image
        reports.append(run_quality_checks(image=image, width=576, height=1024))

    assert reports[0].failed_checks == ["not_blank", "sharpness", "contrast"]
    assert reports[1].passed


def test_without_a_count_every_attempt_fails():
    provider = SimulationProvider(failure_mode="error")

    results = [
        finished(provider, ImageRequest(prompt=PROMPT, width=256, height=256, attempt=n))
        for n in (1, 2, 5)
    ]

    assert [result.state for result in results] == ["failed"] * 3
    assert all(result.retryable for result in results)
    assert "Симуляция" in results[0].error


def test_provider_is_built_from_settings(settings):
    settings.IMAGE_PROVIDER = "simulation"
    settings.SIMULATION_LATENCY_SECONDS = 2.5
    settings.SIMULATION_FAILURE_MODE = "blurred"
    settings.SIMULATION_FAILURE_ATTEMPTS = 2

    provider = get_image_provider()

    assert provider == SimulationProvider(
        latency_seconds=2.5, failure_mode="blurred", failure_attempts=2
    )


def test_unknown_failure_mode_is_a_configuration_error(settings):
    settings.SIMULATION_FAILURE_MODE = "sometimes"

    with pytest.raises(ImproperlyConfigured, match="sometimes"):
        get_image_provider()


def test_unknown_provider_is_a_configuration_error(settings):
    settings.IMAGE_PROVIDER = "dalle"

    with pytest.raises(ImproperlyConfigured, match="dalle"):
        get_image_provider()
