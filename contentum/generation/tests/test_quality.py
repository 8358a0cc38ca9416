import json

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

from contentum.generation.images import prepare_image
from contentum.generation.providers.base import ImageRequest
from contentum.generation.providers.simulation import SimulationProvider, draw_image
from contentum.generation.quality import CheckResult, Detector, run_quality_checks
from contentum.generation.sizes import ASPECT_RATIOS

PROMPTS = [
    "Постер весеннего фестиваля в пастельных тонах, голубой и розовый",
    "Тёмный ночной город, неоновые вывески",
    "Золотой логотип на чёрном фоне",
    "Белый минимализм, много воздуха",
    "Корпоративный праздник для сотрудников",
    "Приглушённые серые тона, офис",
    "Мягкие пастельные белые облака",
    "Яркий оранжевый и бирюзовый летний баннер",
]


def simulated(mode: str, prompt: str = PROMPTS[0], width: int = 576, height: int = 1024):
    provider = SimulationProvider(failure_mode=mode)
    request = ImageRequest(prompt=prompt, width=width, height=height)
    result = provider.poll(provider.submit(request).job_id, request)
    return prepare_image(result.image_bytes).image


def report_for(image: Image.Image, width: int = 576, height: int = 1024, censored=False):
    return run_quality_checks(image=image, width=width, height=height, censored=censored)


def check(report, name: str) -> CheckResult:
    return next(item for item in report.checks if item.name == name)


def from_luminance(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L").convert("RGB")


@pytest.mark.parametrize("prompt", PROMPTS)
@pytest.mark.parametrize("ratio", list(ASPECT_RATIOS))
def test_simulated_images_pass_every_check_at_every_ratio(prompt, ratio):
    size = ASPECT_RATIOS[ratio]
    image = draw_image(prompt, size.width, size.height)

    report = report_for(image, size.width, size.height)

    assert report.passed, report.to_dict()


def test_report_lists_each_check_with_value_threshold_and_verdict_as_json():
    report = report_for(simulated("none"))

    data = json.loads(json.dumps(report.to_dict()))

    assert data["passed"] is True
    names = [item["name"] for item in data["checks"]]
    assert names == [
        "size", "aspect_ratio", "not_blank", "sharpness", "exposure", "contrast", "censored"
    ]  # fmt: skip
    for item in data["checks"]:
        assert set(item) == {"name", "value", "threshold", "passed", "message"}
        assert item["message"]
    assert check(report, "size").value == [576, 1024]
    assert check(report, "exposure").threshold == [25.0, 235.0]


def test_blank_image_fails_as_blank_flat_and_without_contrast():
    report = report_for(simulated("blank"))

    assert not report.passed
    assert report.failed_checks == ["not_blank", "sharpness", "contrast"]
    assert check(report, "not_blank").value == 0.0
    assert "однотонное" in check(report, "not_blank").message


def test_blurred_image_fails_only_on_sharpness():
    report = report_for(simulated("blurred"))

    assert report.failed_checks == ["sharpness"]
    sharpness = check(report, "sharpness")
    assert sharpness.value < sharpness.threshold
    assert "размыто" in sharpness.message


def test_wrong_size_fails_size_and_aspect_ratio():
    report = report_for(simulated("wrong_size"))

    assert report.failed_checks == ["size", "aspect_ratio"]
    assert check(report, "size").value == [256, 1024]
    assert "256×1024 вместо 576×1024" in check(report, "size").message


def test_almost_uniform_image_with_faint_noise_counts_as_blank():
    noise = np.random.default_rng(1).normal(0, 1.5, (256, 256))

    report = report_for(from_luminance(128 + noise), 256, 256)

    assert "not_blank" in report.failed_checks


def test_too_dark_and_too_bright_images_fail_exposure():
    stripes = np.tile(np.array([0, 40] * 128, dtype=np.float32), (256, 1))
    dark = report_for(from_luminance(stripes), 256, 256)
    bright = report_for(from_luminance(220 + stripes), 256, 256)

    assert "exposure" in dark.failed_checks
    assert "тёмное" in check(dark, "exposure").message
    assert "exposure" in bright.failed_checks
    assert "пересвечено" in check(bright, "exposure").message


def test_washed_out_gradient_fails_contrast_but_not_exposure():
    ramp = np.tile(np.linspace(118, 138, 256), (256, 1))

    report = report_for(from_luminance(ramp), 256, 256)

    assert "contrast" in report.failed_checks
    assert "exposure" not in report.failed_checks


def test_censored_answer_fails_the_censored_check():
    report = report_for(simulated("none"), censored=True)

    assert report.failed_checks == ["censored"]
    assert "цензуры" in check(report, "censored").message


def test_thresholds_come_from_settings(settings):
    image = simulated("none")
    settings.QUALITY_MIN_SHARPNESS = 1e9

    report = report_for(image)

    assert report.failed_checks == ["sharpness"]
    assert check(report, "sharpness").threshold == 1e9


class RedShareDetector(Detector):
    """A stand-in for a model-based check: fails images that are mostly red."""

    name = "red_share"

    def check(self, image: Image.Image) -> CheckResult:
        pixels = np.asarray(image, dtype=np.int16)
        red = (pixels[..., 0] > pixels[..., 1] + 40) & (pixels[..., 0] > pixels[..., 2] + 40)
        share = float(red.mean())
        return CheckResult(self.name, round(share, 3), 0.5, share <= 0.5, "Доля красного")


class BrokenDetector(Detector):
    name = "hands"

    def check(self, image: Image.Image) -> CheckResult:
        raise RuntimeError("model weights missing")


def test_extra_detectors_from_settings_run_after_the_built_in_checks(settings):
    settings.QUALITY_EXTRA_DETECTORS = [f"{__name__}.RedShareDetector"]
    red = Image.new("RGB", (256, 256), (220, 30, 30))
    blue = draw_image("голубое небо", 256, 256)

    red_report = report_for(red, 256, 256)
    blue_report = report_for(blue, 256, 256)

    assert red_report.checks[-1].name == "red_share"
    assert red_report.checks[-1].value == 1.0
    assert "red_share" in red_report.failed_checks
    assert blue_report.passed, blue_report.to_dict()


def test_crashing_detector_fails_its_own_check_and_the_others_still_run(settings):
    settings.QUALITY_EXTRA_DETECTORS = [f"{__name__}.BrokenDetector"]

    report = report_for(simulated("none"))

    assert report.failed_checks == ["hands"]
    assert len(report.checks) == 8
    assert "сбой" in check(report, "hands").message


@pytest.mark.parametrize("path", ["contentum.nowhere.Detector", "collections.OrderedDict"])
def test_misconfigured_detector_is_reported_as_configuration_error(settings, path):
    settings.QUALITY_EXTRA_DETECTORS = [path]

    with pytest.raises(ImproperlyConfigured, match=path):
        report_for(simulated("none"))
