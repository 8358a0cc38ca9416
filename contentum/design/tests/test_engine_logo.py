"""Logo uploads: only static PNG/WebP within limits, each refusal saying why."""

import io

import pytest
from PIL import Image

from contentum.design.engine import InvalidLogo, load_logo
from contentum.design.tests import engine_images as img


def test_a_png_with_alpha_loads_as_rgba():
    logo = load_logo(img.png_bytes(img.logo()))
    assert logo.mode == "RGBA" and logo.size == (400, 200)
    assert logo.getpixel((0, 199)) == (0, 0, 0, 0)


def test_a_webp_loads():
    logo = load_logo(img.png_bytes(img.logo(), "WEBP", lossless=True))
    assert logo.mode == "RGBA"


def test_bytes_that_are_not_an_image_are_refused():
    with pytest.raises(InvalidLogo) as caught:
        load_logo(b"%PDF-1.7 definitely not a picture")
    assert "не распознан как изображение" in caught.value.message


def test_a_jpeg_is_refused_by_format():
    with pytest.raises(InvalidLogo) as caught:
        load_logo(img.png_bytes(img.flat(50, 50, (200, 0, 0)), "JPEG"))
    assert "JPEG" in caught.value.message and "PNG и WebP" in caught.value.message


def _frames():
    return [img.flat(40, 40, colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]


def test_an_animated_png_is_refused():
    first, *rest = _frames()
    data = img.png_bytes(first, "PNG", save_all=True, append_images=rest, duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 3
    with pytest.raises(InvalidLogo) as caught:
        load_logo(data)
    assert "анимирован" in caught.value.message


def test_an_animated_gif_is_refused():
    first, *rest = _frames()
    data = img.png_bytes(first, "GIF", save_all=True, append_images=rest, duration=100)
    with pytest.raises(InvalidLogo):
        load_logo(data)


def test_a_file_too_heavy_is_refused_before_decoding():
    data = img.png_bytes(img.noise(400, 400))
    with pytest.raises(InvalidLogo) as caught:
        load_logo(data, max_bytes=len(data) - 1)
    assert "МБ" in caught.value.message


def test_a_picture_with_too_long_a_side_is_refused():
    with pytest.raises(InvalidLogo) as caught:
        load_logo(img.png_bytes(img.flat(3000, 20, (0, 0, 0))), max_side=2048)
    assert "3000×20" in caught.value.message and "2048" in caught.value.message


def test_a_fully_transparent_logo_is_refused():
    blank = Image.new("RGBA", (100, 50), (255, 255, 255, 0))
    with pytest.raises(InvalidLogo) as caught:
        load_logo(img.png_bytes(blank))
    assert "прозрачный" in caught.value.message
