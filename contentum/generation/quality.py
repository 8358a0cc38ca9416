"""Automatic checks of a generated image, each reporting its value, threshold and verdict.

The built-in checks measure the pixels with numpy (luminance on 0..255). Model-based
checks (people, hands, …) plug in as `Detector` classes listed in
`QUALITY_EXTRA_DETECTORS`, so adding one changes no code here or in the pipeline.
"""

import logging
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from PIL import Image

logger = logging.getLogger(__name__)

SIZE = "size"
ASPECT_RATIO = "aspect_ratio"
NOT_BLANK = "not_blank"
SHARPNESS = "sharpness"
EXPOSURE = "exposure"
CONTRAST = "contrast"
CENSORED = "censored"

# Values and thresholds stay JSON-able: numbers, flags, [low, high] or [width, height].
Measure = float | int | bool | list[float] | list[int] | None


@dataclass(frozen=True)
class CheckResult:
    name: str
    value: Measure
    threshold: Measure
    passed: bool
    message: str


@dataclass(frozen=True)
class QualityReport:
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed_checks(self) -> list[str]:
        """Names of what failed, in check order: what the paraphraser is told to fix."""
        return [check.name for check in self.checks if not check.passed]

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "checks": [asdict(check) for check in self.checks]}


class Detector(ABC):
    """An extra check on the image; `name` is what a failure reports to the paraphraser."""

    name: ClassVar[str]

    @abstractmethod
    def check(self, image: Image.Image) -> CheckResult: ...


def _number(value: float) -> float:
    return round(float(value), 2)  # numpy scalars are not JSON-able


def _luminance(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.float32)


def check_size(image: Image.Image, *, width: int, height: int) -> CheckResult:
    actual, asked = [image.width, image.height], [width, height]
    passed = actual == asked
    message = (
        f"Размер {width}×{height}, как заказано."
        if passed
        else f"Размер {image.width}×{image.height} вместо {width}×{height}."
    )
    return CheckResult(SIZE, actual, asked, passed, message)


def check_aspect_ratio(
    image: Image.Image, *, width: int, height: int, tolerance: float
) -> CheckResult:
    actual, asked = image.width / image.height, width / height
    passed = abs(actual / asked - 1) <= tolerance
    message = (
        f"Соотношение сторон {actual:.2f}, как заказано."
        if passed
        else f"Соотношение сторон {actual:.2f} вместо {asked:.2f} (допуск {tolerance:.0%})."
    )
    return CheckResult(ASPECT_RATIO, _number(actual), _number(asked), passed, message)


def check_not_blank(luminance: np.ndarray, *, min_stddev: float) -> CheckResult:
    spread = float(luminance.std())
    passed = spread >= min_stddev
    message = (
        f"Изображение не однотонное: разброс яркости {spread:.1f}."
        if passed
        else f"Изображение пустое или почти однотонное: разброс яркости {spread:.1f} "
        f"при минимуме {min_stddev:g}."
    )
    return CheckResult(NOT_BLANK, _number(spread), min_stddev, passed, message)


def check_sharpness(luminance: np.ndarray, *, min_sharpness: float) -> CheckResult:
    """Variance of the 4-neighbour Laplacian: edges make it large, blur makes it small."""
    lum = luminance
    laplacian = (
        lum[:-2, 1:-1] + lum[2:, 1:-1] + lum[1:-1, :-2] + lum[1:-1, 2:] - 4 * lum[1:-1, 1:-1]
    )
    sharpness = float(laplacian.var()) if laplacian.size else 0.0
    passed = sharpness >= min_sharpness
    message = (
        f"Изображение резкое: {sharpness:.1f}."
        if passed
        else f"Изображение размыто: резкость {sharpness:.1f} при минимуме {min_sharpness:g}."
    )
    return CheckResult(SHARPNESS, _number(sharpness), min_sharpness, passed, message)


def check_exposure(luminance: np.ndarray, *, low: float, high: float) -> CheckResult:
    mean = float(luminance.mean())
    if mean < low:
        passed, message = (
            False,
            f"Изображение слишком тёмное: средняя яркость {mean:.1f} < {low:g}.",
        )
    elif mean > high:
        passed, message = False, f"Изображение пересвечено: средняя яркость {mean:.1f} > {high:g}."
    else:
        passed, message = True, f"Экспозиция в норме: средняя яркость {mean:.1f}."
    return CheckResult(EXPOSURE, _number(mean), [low, high], passed, message)


def check_contrast(luminance: np.ndarray, *, min_contrast: float) -> CheckResult:
    """The spread between the 5th and 95th percentile: a few stray pixels do not count."""
    low, high = np.percentile(luminance, [5, 95])
    spread = float(high - low)
    passed = spread >= min_contrast
    message = (
        f"Контраст достаточный: размах яркости {spread:.0f}."
        if passed
        else f"Слабый контраст: размах яркости {spread:.0f} при минимуме {min_contrast:g}."
    )
    return CheckResult(CONTRAST, _number(spread), min_contrast, passed, message)


def check_censored(censored: bool) -> CheckResult:
    message = (
        "Провайдер скрыл изображение фильтром цензуры." if censored else "Цензура не сработала."
    )
    return CheckResult(CENSORED, censored, False, not censored, message)


@lru_cache(maxsize=8)
def _load_detectors(paths: tuple[str, ...]) -> tuple[Detector, ...]:
    """Built once per process: a model-based detector is expensive to load."""
    detectors = []
    for path in paths:
        try:
            detector = import_string(path)()
        except ImportError as exc:
            raise ImproperlyConfigured(f"QUALITY_EXTRA_DETECTORS: cannot import {path}") from exc
        if not isinstance(detector, Detector):
            raise ImproperlyConfigured(f"QUALITY_EXTRA_DETECTORS: {path} is not a Detector")
        detectors.append(detector)
    return tuple(detectors)


def _run_detector(detector: Detector, image: Image.Image) -> CheckResult:
    """A crashing detector fails its own check, loudly in the log, and spares the others."""
    try:
        return detector.check(image)
    except Exception:
        logger.exception("Quality detector %s failed", detector.name)
        return CheckResult(
            detector.name, None, None, False, f"Проверка «{detector.name}» не выполнена: сбой."
        )


def run_quality_checks(
    *, image: Image.Image, width: int, height: int, censored: bool = False
) -> QualityReport:
    """Every check on `image`, asked at `width`×`height`, with thresholds from settings."""
    luminance = _luminance(image)
    checks = [
        check_size(image, width=width, height=height),
        check_aspect_ratio(
            image, width=width, height=height, tolerance=settings.QUALITY_ASPECT_TOLERANCE
        ),
        check_not_blank(luminance, min_stddev=settings.QUALITY_MIN_STDDEV),
        check_sharpness(luminance, min_sharpness=settings.QUALITY_MIN_SHARPNESS),
        check_exposure(
            luminance, low=settings.QUALITY_MIN_BRIGHTNESS, high=settings.QUALITY_MAX_BRIGHTNESS
        ),
        check_contrast(luminance, min_contrast=settings.QUALITY_MIN_CONTRAST),
        check_censored(censored),
    ]
    detectors = _load_detectors(tuple(settings.QUALITY_EXTRA_DETECTORS))
    checks.extend(_run_detector(detector, image) for detector in detectors)
    return QualityReport(tuple(checks))
