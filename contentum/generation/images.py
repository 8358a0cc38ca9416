"""Turning a provider's bytes into what we store: a checked PNG and a small WebP preview.

Whatever a provider sends is untrusted: it is size-capped before decoding, opened only
as PNG, JPEG or WebP (Pillow would otherwise hand EPS to Ghostscript), capped in pixels
against decompression bombs, and re-encoded so no metadata or trailing bytes survive.
"""

import io
import logging
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
THUMBNAIL_SIDE = 256
THUMBNAIL_QUALITY = 80
# libwebp's effort (0-6): 2 encodes a 256 px preview twice as fast as the default 4 for a
# file ~4 % larger (2.9 ms vs 5.5 ms, in the worker for every image).
THUMBNAIL_METHOD = 2


class InvalidImage(Exception):
    """The provider's answer cannot be used as an image; `reason` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PreparedImage:
    image: Image.Image  # RGB, for the quality checks
    png: bytes
    thumbnail_webp: bytes

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} МБ"


def decode_image(data: bytes) -> Image.Image:
    """The image in `data` as RGB, or `InvalidImage` saying why it is refused."""
    limit = settings.IMAGE_MAX_BYTES
    if not data:
        raise InvalidImage("Провайдер вернул пустой ответ вместо изображения.")
    if len(data) > limit:
        raise InvalidImage(
            f"Изображение слишком большое: {_megabytes(len(data))} при допустимых "
            f"{_megabytes(limit)}."
        )
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as opened:
            pixels = opened.width * opened.height
            if pixels > settings.IMAGE_MAX_PIXELS:
                raise InvalidImage(
                    f"Изображение слишком большое: {opened.width}×{opened.height} пикселей."
                )
            opened.load()
            return _to_rgb(opened)
    except UnidentifiedImageError as exc:
        raise InvalidImage(
            "Ответ провайдера не является изображением (ожидались PNG, JPEG или WebP)."
        ) from exc
    except Image.DecompressionBombError as exc:
        raise InvalidImage("Изображение слишком большое: в нём слишком много пикселей.") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt image data
        logger.info("Provider image could not be decoded: %s", exc)
        raise InvalidImage("Изображение от провайдера повреждено и не читается.") from exc


def _to_rgb(image: Image.Image) -> Image.Image:
    """Transparent parts are laid on white: PNG or WebP alpha would turn black in JPEG viewers
    and skew the brightness checks."""
    if image.mode == "RGB":
        return image.copy()
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def prepare_image(data: bytes) -> PreparedImage:
    """Decodes and validates provider bytes, then re-encodes them for storage."""
    image = decode_image(data)
    png = io.BytesIO()
    image.save(png, "PNG", compress_level=settings.IMAGE_PNG_COMPRESS_LEVEL)
    return PreparedImage(image=image, png=png.getvalue(), thumbnail_webp=thumbnail_webp(image))


def thumbnail_webp(image: Image.Image) -> bytes:
    """A WebP preview about THUMBNAIL_SIDE px on its longer side."""
    preview = image.copy()
    preview.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    webp = io.BytesIO()
    preview.save(webp, "WEBP", quality=THUMBNAIL_QUALITY, method=THUMBNAIL_METHOD)
    return webp.getvalue()
