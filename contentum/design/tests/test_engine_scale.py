"""Drawable sizes, canvases and the cover crop that keeps the subject."""

import numpy as np
import pytest
from PIL import Image

from contentum.design.engine import (
    Box,
    Canvas,
    LanczosCoverUpscaler,
    SafeInsets,
    Upscaler,
    drawable_size,
    fit_to_canvas,
)
from contentum.design.tests import engine_images as img


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1080, 1920), (576, 1024)),
        ((1590, 400), (1024, 256)),
        ((1080, 1080), (1024, 1024)),
        ((1080, 1350), (768, 960)),  # 4:5 exactly, as generation.sizes draws it
        ((1920, 1080), (1024, 576)),
    ],
)
def test_drawable_size_keeps_the_ratio_at_the_largest_size(size, expected):
    assert drawable_size(*size) == expected


def test_drawable_size_for_a4_is_close_in_ratio_and_on_the_grid():
    width, height = drawable_size(1754, 2480)
    assert width % 64 == 0 and height % 64 == 0
    assert max(width, height) <= 1024 and min(width, height) >= 64
    assert abs((width / height) / (1754 / 2480) - 1) <= 0.03
    assert width * height >= 640 * 896


def test_drawable_size_of_an_extreme_strip_is_the_closest_possible():
    assert drawable_size(5000, 100) == (1024, 64)
    assert drawable_size(300, 300, max_side=512, step=32) == (512, 512)


def test_canvas_from_percent_turns_insets_into_pixels():
    canvas = Canvas.from_percent(1080, 1920, top_pct=14, bottom_pct=20)
    assert canvas.safe == SafeInsets(top=269, right=0, bottom=384, left=0)
    assert canvas.safe_box == Box(0, 269, 1080, 1536)
    assert (canvas.safe_box.width, canvas.safe_box.height) == (1080, 1267)


def test_canvas_refuses_insets_that_leave_nothing():
    with pytest.raises(ValueError):
        Canvas.from_percent(100, 100, top_pct=60, bottom_pct=50)


def _bright_share(image: Image.Image) -> float:
    return float((np.asarray(image.convert("L")) > 200).mean())


def test_cover_crop_keeps_an_off_centre_bright_subject():
    source = img.bright_disc(1000, 500, centre=(880, 250), radius=80)
    fitted = fit_to_canvas(source, 500, 500)
    assert fitted.size == (500, 500) and fitted.mode == "RGB"
    # The whole disc (π·80² of 500² before scaling by 1) survives the crop.
    assert _bright_share(fitted) == pytest.approx(np.pi * 80**2 / 500**2, rel=0.1)
    # A centred crop would have lost it entirely: the subject is what moved the crop.
    centred = source.crop((250, 0, 750, 500))
    assert _bright_share(centred) == 0


def test_cover_crop_keeps_a_subject_near_the_top_of_a_tall_picture():
    source = img.bright_disc(400, 1200, centre=(200, 150), radius=60)
    fitted = fit_to_canvas(source, 800, 800)  # upscaled 2×, cropped vertically
    rows = np.nonzero((np.asarray(fitted.convert("L")) > 200).any(axis=1))[0]
    assert rows.size and rows.min() > 0 and rows.max() < 800
    assert rows.max() - rows.min() == pytest.approx(240, abs=6)


def test_fit_returns_exact_size_even_from_a_sloppy_upscaler():
    class OffByOne:
        def resize(self, image, width, height):
            return image.resize((width + 1, height - 1))

    assert isinstance(LanczosCoverUpscaler(), Upscaler)
    fitted = fit_to_canvas(img.noise(576, 1024), 1080, 1920, upscaler=OffByOne())
    assert fitted.size == (1080, 1920)
