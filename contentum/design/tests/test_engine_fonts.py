"""Shipped fonts, glyph coverage and uploaded-font inspection."""

import io
import os

import numpy as np
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from contentum.design.engine import (
    SHIPPED_FAMILIES,
    InvalidFont,
    LayoutError,
    font_path,
    inspect_font,
    missing_glyphs,
)
from contentum.design.engine.fonts import load_font

TITLE = "Вишнёвый сад"


def test_two_families_ship_with_their_licence_and_readme():
    assert set(SHIPPED_FAMILIES) == {"inter", "noto-serif"}
    for key, info in SHIPPED_FAMILIES.items():
        assert info.title_file.is_file() and info.body_file.is_file()
        licence = info.licence_file.read_text()
        assert "SIL OPEN FONT LICENSE Version 1.1" in licence
        assert "Copyright" in licence.splitlines()[0]
        assert (info.licence_file.parent / "README.md").is_file()
        assert font_path(key, "title") == info.title_file
        assert font_path(key, "body") == info.body_file


def test_font_path_accepts_an_uploaded_file_and_refuses_an_unknown_name(tmp_path):
    uploaded = tmp_path / "brand.ttf"
    uploaded.write_bytes(font_path("noto-serif", "body").read_bytes())
    assert font_path(str(uploaded), "title") == uploaded
    with pytest.raises(LayoutError) as caught:
        font_path("comic-sans", "title")
    assert caught.value.code == "unknown_font"


@pytest.mark.parametrize("family", ["inter", "noto-serif"])
def test_every_shipped_font_covers_russian_including_yo(family):
    text = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ абвгдеёжзийклмнопрстуфхцчшщъыьэюя «»—–№"
    assert missing_glyphs(text, family) == []


def test_missing_glyphs_names_each_missing_character_once_and_ignores_spaces():
    assert missing_glyphs("Сад 🎭 и 🎭\u00a0🍒", "inter") == ["🎭", "🍒"]


def _ink(text: str, path: str, size: int = 64) -> np.ndarray:
    font = load_font(path, size)
    canvas = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(canvas).text(
        (size // 2, size + size // 2), text, font=font, fill=255, anchor="ls"
    )
    return np.asarray(canvas) > 127


@pytest.mark.parametrize("family", ["inter", "noto-serif"])
@pytest.mark.parametrize("role", ["title", "body"])
def test_cyrillic_title_renders_real_glyphs_not_tofu(family, role):
    path = str(font_path(family, role))
    tofu = _ink("\U0001f3ad", path)  # a character the font lacks: Pillow draws .notdef
    letters = sorted(set(TITLE.replace(" ", "")))
    bitmaps = {char: _ink(char, path) for char in letters}
    for char, bitmap in bitmaps.items():
        assert bitmap.any(), f"{char} drew no ink"
        assert not np.array_equal(bitmap, tofu), f"{char} drew as .notdef"
    # Distinct letters look distinct (a tofu font would draw them all the same).
    distinct = {bitmap.tobytes() for bitmap in bitmaps.values()}
    assert len(distinct) == len(letters)


def test_inspect_font_reads_a_shipped_font():
    info = inspect_font(font_path("inter", "body").read_bytes())
    assert info.family == "Inter"
    assert info.has_cyrillic and info.glyph_count > 1000
    display = inspect_font(font_path("noto-serif", "title").read_bytes())
    assert display.family.startswith("Noto Serif Display")


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"OTTO" + os.urandom(2000),  # the right magic number, junk after it
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        b"",
    ],
)
def test_inspect_font_refuses_what_is_not_a_font(data):
    with pytest.raises(InvalidFont) as caught:
        inspect_font(data)
    assert "TrueType или OpenType" in caught.value.message


def _latin_only(path) -> bytes:
    font = TTFont(path)
    options = subset.Options()
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,")
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def test_inspect_font_refuses_a_font_without_cyrillic():
    data = _latin_only(font_path("noto-serif", "body"))
    with pytest.raises(InvalidFont) as caught:
        inspect_font(data)
    assert "нет кириллицы" in caught.value.message
    assert "Ё" in caught.value.message or "А" in caught.value.message
    assert inspect_font(data, require_cyrillic=False).has_cyrillic is False
