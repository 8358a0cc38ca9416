"""How much a poster costs next to the PNG encode every result pays anyway.

`compose_vs_encode_ratio` times the whole poster step for a 1080×1920 story (fit from a
576×1024 background, typeset, layer checks, PNG encode) against one plain PNG encode of
the same-size image. The target is at most 4×.
"""

import io
import statistics
import time
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from contentum.design.engine.checks import layer_checks
from contentum.design.engine.compose import BrandStyle, TextSpec, compose, encode
from contentum.design.engine.geometry import Canvas

TARGET_RATIO = 4.0


def _background(width: int, height: int, seed: int = 7) -> Image.Image:
    """A provider-like picture: a gradient, soft blobs and fine texture."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    base = np.array([30, 35, 70]) * (1 - y) + np.array([150, 60, 70]) * y
    pixels = base + rng.normal(0, 6, (height, width, 3))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    blobs = ImageDraw.Draw(image)
    for _ in range(12):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(40, 160)
        colour = tuple(int(c) for c in rng.integers(80, 255, 3))
        blobs.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    return image.filter(ImageFilter.GaussianBlur(3))


def _median_of(repeat: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def compose_vs_encode_ratio(repeat: int = 5) -> dict:
    """Median seconds of the poster step and of one PNG encode, and their ratio."""
    canvas = Canvas.from_percent(1080, 1920, top_pct=14, bottom_pct=20)
    background = _background(576, 1024)
    spec = TextSpec("Вишнёвый сад", ("12 декабря, 19:00", "Малая сцена, театр «Современник»"))
    logo = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse([0, 0, 199, 199], fill=(240, 240, 240, 255))
    style = BrandStyle(logo=logo)
    full_size = background.resize((1080, 1920), Image.Resampling.LANCZOS)

    def poster() -> None:
        composition = compose(background, spec, canvas, style)
        layer_checks(composition, canvas, palette=("#8b0000",))
        encode(composition.image, "png")

    def plain_encode() -> None:
        full_size.save(io.BytesIO(), "PNG")

    poster()  # fonts and caches warm, as in a running worker
    compose_seconds = _median_of(repeat, poster)
    encode_seconds = _median_of(repeat, plain_encode)
    ratio = compose_seconds / encode_seconds
    return {
        "compose_seconds": round(compose_seconds, 4),
        "encode_seconds": round(encode_seconds, 4),
        "ratio": round(ratio, 2),
        "target": TARGET_RATIO,
        "passed": ratio <= TARGET_RATIO,
    }


if __name__ == "__main__":
    print(compose_vs_encode_ratio())
