import io

import pytest
from PIL import Image, PngImagePlugin

from contentum.generation.images import InvalidImage, decode_image, prepare_image
from contentum.generation.providers.simulation import draw_image


def encoded(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def test_provider_png_is_stored_as_the_same_pixels_with_a_small_webp_preview():
    original = draw_image("праздник в голубых тонах", 576, 1024)

    prepared = prepare_image(encoded(original))

    stored = Image.open(io.BytesIO(prepared.png))
    assert stored.format == "PNG"
    assert stored.tobytes() == original.tobytes()
    preview = Image.open(io.BytesIO(prepared.thumbnail_webp))
    assert preview.format == "WEBP"
    assert preview.size == (144, 256)
    assert (prepared.width, prepared.height) == (576, 1024)


def test_jpeg_from_the_provider_is_accepted_and_reencoded_as_png():
    prepared = prepare_image(encoded(draw_image("осень", 256, 256), "JPEG", quality=90))

    assert Image.open(io.BytesIO(prepared.png)).format == "PNG"
    assert prepared.image.mode == "RGB"


def test_transparent_parts_become_white_not_black():
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))

    decoded = decode_image(encoded(image))

    assert decoded.mode == "RGB"
    assert decoded.getpixel((10, 10)) == (255, 255, 255)


def test_metadata_from_the_provider_does_not_survive_reencoding():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "tracking-id-42")

    prepared = prepare_image(encoded(draw_image("зима", 128, 128), pnginfo=info))

    assert b"tracking-id-42" not in prepared.png


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body>502 Bad Gateway</body></html>", "не является изображением"),
        (b"", "пустой ответ"),
        (encoded(Image.new("RGB", (32, 32)), "GIF"), "не является изображением"),
        (encoded(draw_image("весна", 256, 256))[:3000], "повреждено"),
    ],
    ids=["html", "empty", "gif-not-accepted", "truncated-png"],
)
def test_unusable_answers_are_refused_with_a_reason(data, reason):
    with pytest.raises(InvalidImage) as caught:
        prepare_image(data)
    assert reason in caught.value.reason


def test_answer_over_20_megabytes_is_refused_before_decoding():
    oversized = encoded(Image.new("RGB", (8, 8))) + b"\0" * (20 * 1024 * 1024)

    with pytest.raises(InvalidImage) as caught:
        decode_image(oversized)

    assert "слишком большое" in caught.value.reason
    assert "20.0 МБ" in caught.value.reason


def test_byte_limit_comes_from_settings(settings):
    settings.IMAGE_MAX_BYTES = 1000
    data = encoded(draw_image("лето", 128, 128))
    assert len(data) > 1000

    with pytest.raises(InvalidImage, match="слишком большое"):
        decode_image(data)


def test_small_file_that_decodes_to_too_many_pixels_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    data = encoded(Image.new("RGB", (200, 200), "white"))  # a few hundred bytes

    with pytest.raises(InvalidImage, match="200×200"):
        decode_image(data)
