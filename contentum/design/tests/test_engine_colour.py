"""WCAG contrast and CIEDE2000 palette adherence against known values."""

import numpy as np
import pytest

from contentum.design.engine import palette_adherence, relative_luminance, wcag_contrast
from contentum.design.engine.colour import delta_e_2000, parse_hex, srgb_to_lab
from contentum.design.tests import engine_images as img

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", test data pairs.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_delta_e_2000_matches_sharma_reference_pairs(lab1, lab2, expected):
    assert float(delta_e_2000(np.array(lab1), np.array(lab2))) == pytest.approx(expected, abs=1e-4)
    # Symmetric, and vectorised over many pairs at once.
    assert float(delta_e_2000(np.array(lab2), np.array(lab1))) == pytest.approx(expected, abs=1e-4)


def test_delta_e_2000_is_vectorised():
    first = np.array([pair[0] for pair in SHARMA])
    second = np.array([pair[1] for pair in SHARMA])
    expected = np.array([pair[2] for pair in SHARMA])
    assert np.allclose(delta_e_2000(first, second), expected, atol=1e-4)


def test_srgb_to_lab_of_white_and_a_known_red():
    assert np.allclose(
        srgb_to_lab(np.array([255, 255, 255], dtype=np.uint8)), [100, 0, 0], atol=0.01
    )
    # #ff0000 in CIE Lab (D65) is about (53.24, 80.09, 67.20).
    assert np.allclose(srgb_to_lab(np.array([255, 0, 0])), [53.24, 80.09, 67.20], atol=0.05)


def test_palette_adherence_of_a_pure_colour_image():
    dark_red = img.flat(300, 200, parse_hex("#8B0000"))
    assert palette_adherence(dark_red, ["#8B0000"]) == 1.0
    assert palette_adherence(dark_red, ["#00FF00"]) == 0.0
    assert palette_adherence(dark_red, []) == 0.0


def test_palette_adherence_counts_the_share_of_close_pixels():
    image = img.flat(400, 400, (255, 255, 255))
    image.paste((139, 0, 0), (0, 0, 400, 100))  # a quarter dark red
    image.paste((150, 10, 10), (0, 100, 400, 140))  # 10 % a near shade: ΔE2000 well under 20
    assert palette_adherence(image, ["#8b0000"]) == pytest.approx(0.35, abs=0.01)
    # Only the downsampled seam rows (blends of red and white) fall outside both.
    assert palette_adherence(image, ["#8b0000", "#ffffff"]) == pytest.approx(1.0, abs=0.01)


def test_wcag_contrast_known_values():
    assert wcag_contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert wcag_contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert wcag_contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    assert relative_luminance((0, 0, 0)) == 0.0


@pytest.mark.parametrize(
    ("hex_value", "name"),
    [
        ("#8B0000", "бордовый"),
        ("#F5E6C8", "кремовый"),
        ("#0A1A3F", "тёмно-синий"),
        ("#FFFFFF", "белый"),
    ],
)
def test_brand_colours_get_the_russian_name_a_prompt_can_carry(hex_value, name):
    from contentum.design.engine import colour_name

    assert colour_name(hex_value) == name
