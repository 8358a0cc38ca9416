"""Factories and upload builders for the design tests: real PNG/WebP/fonts, made in memory."""

import io
import logging
from functools import cache

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image

from contentum.design.engine import SHIPPED_FAMILIES
from contentum.design.models import BrandKit, Format

BASIC_LATIN = range(0x20, 0x7F)
CYRILLIC = range(0x400, 0x460)


class FormatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Format

    key = factory.Sequence(lambda n: f"test-format-{n}")
    name = factory.Sequence(lambda n: f"Тестовый формат {n}")
    platform = "any"
    width = 1200
    height = 800
    sort_order = 500


class BrandKitFactory(factory.django.DjangoModelFactory):
    """A kit written straight to the table (no files); tests of the services use them."""

    class Meta:
        model = BrandKit

    name = factory.Sequence(lambda n: f"Стиль {n}")
    colors = factory.LazyFunction(
        lambda: [
            {"hex": "#1a2b3c", "role": "primary"},
            {"hex": "#ff8800", "role": "accent"},
            {"hex": "#fafafa", "role": "text"},
        ]
    )
    style_words = "фирменный минимализм"
    negative_prompt = "кислотные цвета"


def png_bytes(size: tuple[int, int] = (64, 32), *, noise: bool = False) -> bytes:
    """An opaque-enough RGBA logo; `noise` makes it incompressible (large on disk)."""
    if noise:
        image = Image.frombytes("RGBA", size, bytes(_noise(size[0] * size[1] * 4)))
    else:
        image = Image.new("RGBA", size, (0, 0, 0, 0))
        image.paste((200, 30, 30, 255), (4, 4, size[0] - 4, size[1] - 4))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _noise(count: int) -> bytes:
    state, out = 12345, bytearray()
    for _ in range(count):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((state >> 16) & 0xFF | 0x01)  # never fully transparent
    return bytes(out)


def webp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 40), (10, 120, 200, 255)).save(buffer, format="WEBP")
    return buffer.getvalue()


def animated_png_bytes() -> bytes:
    frames = [
        Image.new("RGBA", (32, 32), (255, 0, 0, 255)),
        Image.new("RGBA", (32, 32), (0, 0, 255, 255)),
    ]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="PNG", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 128, 0)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _subset(family: str, unicodes: list[int]) -> bytes:
    logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # it lists every glyph
    font = TTFont(SHIPPED_FAMILIES[family].body_file)
    subsetter = subset.Subsetter(options=subset.Options())
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@cache
def cyrillic_font_bytes() -> bytes:
    """A shipped TrueType font cut down to Latin and Cyrillic: small, and accepted."""
    return _subset("noto-serif", [*BASIC_LATIN, *CYRILLIC])


@cache
def latin_only_font_bytes() -> bytes:
    """A real font without a single Russian letter: must be refused."""
    return _subset("noto-serif", list(BASIC_LATIN))


def upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def logo_upload(data: bytes | None = None, name: str = "logo.png"):
    return upload(png_bytes() if data is None else data, name, "image/png")


def font_upload(data: bytes | None = None, name: str = "brand.ttf"):
    return upload(cyrillic_font_bytes() if data is None else data, name, "font/ttf")


def stored_files(media) -> list[str]:
    """Every file in storage, as names relative to the media folder."""
    if not media.exists():
        return []
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
