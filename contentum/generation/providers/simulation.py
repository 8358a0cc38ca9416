"""The offline provider: real, deterministic PNGs drawn from the prompt.

It behaves like a remote one (submit, then poll until a latency has passed) and can be told
to fail, so regeneration and failure paths run without a network. It keeps no state: the
job id carries the submit time and a digest of the request.
"""

import hashlib
import io
import logging
import math
import random
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageDraw, ImageFilter

from contentum.generation.providers.base import (
    ImageProvider,
    ImageRequest,
    PollResult,
    ProviderError,
    SubmitResult,
)
from contentum.generation.providers.palette import RGB, luminance, mix, palette_for

logger = logging.getLogger(__name__)

FAILURE_MODES = ("none", "blank", "blurred", "wrong_size", "error")
JOB_PREFIX = "sim"


def _seed(prompt: str) -> int:
    return int.from_bytes(hashlib.sha256(prompt.strip().lower().encode()).digest()[:8], "big")


def _digest(request: ImageRequest) -> str:
    key = f"{request.prompt}\n{request.width}x{request.height}\n{request.attempt}"
    if request.seed:
        key += f"\n{request.seed}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _gradient(width: int, height: int, start: RGB, end: RGB, angle: float) -> Image.Image:
    """A linear gradient at `angle`. The blend factor is computed once per pixel as one byte
    and each channel is mapped through a 256-entry table: a megapixel in a few
    milliseconds, where blending three float channels per pixel took tens (the
    simulation's cost is the pipeline overhead a benchmark measures)."""
    a = math.cos(angle) / max(width - 1, 1)
    b = math.sin(angle) / max(height - 1, 1)
    xs = np.arange(width, dtype=np.float32) * np.float32(a)
    ys = np.arange(height, dtype=np.float32) * np.float32(b)
    t = ys[:, None] + xs[None, :]
    low, high = float(t.min()), float(t.max())
    t -= low
    t *= np.float32(255 / max(high - low, 1e-6))
    blend = Image.fromarray(np.rint(t).astype(np.uint8), "L")
    channels = [
        blend.point([round(s + (e - s) * i / 255) for i in range(256)])
        for s, e in zip(start, end, strict=True)
    ]
    return Image.merge("RGB", channels)


def _rgba(colour: RGB, alpha: int) -> tuple[int, int, int, int]:
    return (*colour, alpha)


def draw_image(prompt: str, width: int, height: int, seed: int = 0) -> Image.Image:
    """The prompt's picture: its palette on a gradient, with shapes its hash places.

    Pastel or single-colour palettes have little contrast of their own, so the gradient
    runs from a shade to a tint and dark "ink" accents are added, as an illustrator would;
    shapes are drawn without anti-aliasing and finished with fine details, so the image
    passes the contrast and sharpness checks.
    """
    seed = _seed(prompt) ^ seed  # the prompt's palette, the seed's composition
    rng = random.Random(seed)
    colours = palette_for(prompt, _seed(prompt))
    ink = mix(min(colours, key=luminance), (0, 0, 0), 0.6)
    paper = mix(max(colours, key=luminance), (255, 255, 255), 0.6)
    side = min(width, height)
    start, end = mix(colours[0], (0, 0, 0), 0.3), mix(colours[-1], (255, 255, 255), 0.3)
    image = _gradient(width, height, start, end, rng.uniform(0, math.pi))
    draw = ImageDraw.Draw(image, "RGBA")

    def point() -> tuple[float, float]:
        return rng.uniform(0, width), rng.uniform(0, height)

    for _ in range(rng.randint(3, 5)):  # large translucent forms set the composition
        x, y = point()
        r = rng.uniform(0.2, 0.45) * side
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(rng.choice(colours), 110))
    for _ in range(rng.randint(10, 16)):  # mid-size figures carry the palette
        x, y = point()
        r = rng.uniform(0.05, 0.16) * side
        colour = _rgba(rng.choice(colours), rng.randint(190, 255))
        outline, stroke = _rgba(ink, 255), max(2, side // 150)
        kind = rng.randrange(4)
        if kind == 0:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=outline, width=stroke)
        elif kind == 1:
            draw.ellipse((x - r, y - r, x + r, y + r), outline=colour, width=max(3, side // 60))
        else:
            corners = 3 if kind == 2 else 4
            turn = rng.uniform(0, math.tau)
            corner_points = [
                (
                    x + r * math.cos(turn + i * math.tau / corners),
                    y + r * math.sin(turn + i * math.tau / corners),
                )
                for i in range(corners)
            ]
            draw.polygon(corner_points, fill=colour, outline=outline, width=stroke)
    x0, y0 = point()  # a band of thin parallel lines
    step = max(4, side // 64)
    for i in range(rng.randint(8, 16)):
        offset = i * step
        draw.line((x0 + offset, y0, x0 + offset + side * 0.3, y0 + side * 0.3), ink, 2)
    details = [*colours, ink, paper]
    for _ in range(rng.randint(150, 250)):  # confetti: small crisp details everywhere
        x, y = point()
        r = rng.uniform(0.004, 0.012) * side
        draw.rectangle((x - r, y - r, x + r, y + r), fill=_rgba(rng.choice(details), 255))
    return image


@dataclass(frozen=True)
class SimulationProvider(ImageProvider):
    name = "simulation"

    latency_seconds: float = 0.0
    failure_mode: str = "none"
    failure_attempts: int | None = None

    def __post_init__(self) -> None:
        if self.failure_mode not in FAILURE_MODES:
            raise ImproperlyConfigured(
                f"SIMULATION_FAILURE_MODE={self.failure_mode!r} is unknown; "
                f"use one of: {', '.join(FAILURE_MODES)}."
            )

    @classmethod
    def from_settings(cls) -> "SimulationProvider":
        return cls(
            latency_seconds=settings.SIMULATION_LATENCY_SECONDS,
            failure_mode=settings.SIMULATION_FAILURE_MODE,
            failure_attempts=settings.SIMULATION_FAILURE_ATTEMPTS,
        )

    @property
    def model(self) -> str:
        return "simulation"

    def submit(self, request: ImageRequest) -> SubmitResult:
        # Whole milliseconds, rounded down: a job must never look submitted in the future.
        job_id = f"{JOB_PREFIX}-{int(time.time() * 1000)}-{_digest(request)}"
        return SubmitResult(job_id=job_id, poll_after_seconds=self.latency_seconds)

    def poll(self, job_id: str, request: ImageRequest) -> PollResult:
        submitted_at = self._submitted_at(job_id, request)
        remaining = submitted_at + self.latency_seconds - time.time()
        if remaining > 0:
            return PollResult.pending(poll_after_seconds=remaining)
        mode = self._mode_for(request.attempt)
        if mode == "error":
            return PollResult.failed(
                error="Симуляция: провайдер временно не смог сгенерировать изображение.",
                retryable=True,
            )
        image = self._render(request, mode)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)  # speed over size: it is re-encoded
        logger.info("Simulated job %s finished (%s)", job_id, mode)
        return PollResult.done(image_bytes=buffer.getvalue())

    def _submitted_at(self, job_id: str, request: ImageRequest) -> float:
        prefix, _, rest = job_id.partition("-")
        stamp, _, digest = rest.rpartition("-")
        if prefix != JOB_PREFIX or not stamp.isdigit() or digest != _digest(request):
            raise ProviderError(
                f"Симуляция: задание {job_id} не относится к этому запросу.", retryable=False
            )
        return int(stamp) / 1000

    def _mode_for(self, attempt: int) -> str:
        if self.failure_attempts is not None and attempt > self.failure_attempts:
            return "none"
        return self.failure_mode

    def _render(self, request: ImageRequest, mode: str) -> Image.Image:
        width, height = request.width, request.height
        if mode == "wrong_size":
            width = max(64, width // 128 * 64)
        if mode == "blank":
            colour = palette_for(request.prompt, _seed(request.prompt))[0]
            return Image.new("RGB", (width, height), colour)
        image = draw_image(request.prompt, width, height, request.seed)
        if mode == "blurred":
            image = image.filter(ImageFilter.GaussianBlur(radius=min(width, height) / 48))
        return image
