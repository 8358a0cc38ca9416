"""The fonts we ship, uploaded fonts, and which characters a font can draw.

Pillow draws a character the font lacks as the .notdef box ("tofu"), silently. So every
string is checked against the font's character map (read with fontTools) before drawing.
"""

import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont
from PIL import ImageFont

from contentum.design.engine.errors import InvalidFont, LayoutError

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
CYRILLIC = "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюяЁё"
Role = Literal["title", "body"]
_WHITESPACE = re.compile(r"\s")


@dataclass(frozen=True)
class FamilyInfo:
    key: str
    name: str
    kind: str  # "sans" | "serif"
    title_file: Path
    body_file: Path
    licence_file: Path
    licence: str = "SIL Open Font License 1.1"


def _family(key: str, name: str, kind: str, title: str, body: str) -> FamilyInfo:
    folder = FONTS_DIR / key
    return FamilyInfo(key, name, kind, folder / title, folder / body, folder / "OFL.txt")


SHIPPED_FAMILIES: dict[str, FamilyInfo] = {
    "inter": _family("inter", "Inter", "sans", "InterDisplay-Bold.otf", "Inter-Regular.otf"),
    "noto-serif": _family(
        "noto-serif", "Noto Serif", "serif", "NotoSerifDisplay-Bold.ttf", "NotoSerif-Regular.ttf"
    ),
}


def font_path(family: str, role: Role) -> Path:
    """A shipped family's file for the role, or an uploaded font's own file for both roles."""
    info = SHIPPED_FAMILIES.get(family)
    if info is not None:
        return info.title_file if role == "title" else info.body_file
    path = Path(family)
    if not path.is_file():
        raise LayoutError(f"Шрифт «{family}» не найден.", "unknown_font")
    return path


@lru_cache(maxsize=32)
def _codepoints(path: str) -> frozenset[int]:
    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


def missing_glyphs(text: str, font: str, role: Role | None = None) -> list[str]:
    """Characters of `text` the font cannot draw, each once, in order; whitespace is free.

    `font` is a shipped family key (both its files are checked unless `role` says which)
    or a path to a font file.
    """
    roles: tuple[Role, ...] = (role,) if role else ("title", "body")
    maps = [_codepoints(str(font_path(font, r))) for r in roles]
    missing: list[str] = []
    for char in text:
        if _WHITESPACE.match(char) or char in missing:
            continue
        if any(ord(char) not in cmap for cmap in maps):
            missing.append(char)
    return missing


_local = threading.local()
_FONTS_PER_THREAD = 256


def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """Fonts are opened once per (file, size): typesetting tries many sizes.

    The cache is per thread: a FreeType face must not be used by two threads at once.
    """
    cache: OrderedDict[tuple[str, int], ImageFont.FreeTypeFont] = getattr(_local, "fonts", None)
    if cache is None:
        cache = _local.fonts = OrderedDict()
    key = (path, size)
    font = cache.get(key)
    if font is None:
        font = cache[key] = ImageFont.truetype(path, size)
        if len(cache) > _FONTS_PER_THREAD:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return font


@lru_cache(maxsize=8192)
def text_length(path: str, size: int, text: str) -> float:
    """The advance width of `text` at `size`. Fitting a title measures the same words at
    the same sizes for every zone and step of its search: each is measured once. (A font
    file's path names its content: uploads are stored under names never reused.)"""
    return load_font(path, size).getlength(text)


@lru_cache(maxsize=32)
def cap_height_ratio(path: str) -> float:
    """Cap height per pixel of font size, measured on «Н» the way it will be drawn."""
    size = 400
    _, top, _, bottom = load_font(path, size).getbbox("Н", anchor="ls")
    return (bottom - top) / size


@dataclass(frozen=True)
class FontInfo:
    family: str
    style: str
    has_cyrillic: bool
    glyph_count: int


def _name(font: TTFont, *ids: int) -> str:
    for name_id in ids:
        value = font["name"].getDebugName(name_id)
        if value:
            return value.strip()
    return ""


def inspect_font(data: bytes, *, require_cyrillic: bool = True) -> FontInfo:
    """What an uploaded font is, refusing anything we could not draw Russian text with."""
    not_a_font = "Файл не является шрифтом TrueType или OpenType (.ttf, .otf)."
    if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        raise InvalidFont(not_a_font)
    try:
        with TTFont(io.BytesIO(data), lazy=False) as font:
            cmap = font.getBestCmap() or {}
            family = _name(font, 16, 1)
            style = _name(font, 17, 2)
            glyphs = len(font.getGlyphOrder())
        ImageFont.truetype(io.BytesIO(data), 24).getbbox("Ag")  # FreeType must read it too
    except Exception as exc:  # a malformed upload can break fontTools in any way: all mean "no"
        raise InvalidFont(not_a_font) from exc
    lacking = [char for char in CYRILLIC if ord(char) not in cmap]
    if lacking and require_cyrillic:
        shown = "".join(lacking[:12]) + ("…" if len(lacking) > 12 else "")
        raise InvalidFont(
            f"В шрифте «{family or 'без названия'}» нет кириллицы: не хватает букв {shown}. "
            "Загрузите шрифт с русскими буквами, включая Ё и ё."
        )
    return FontInfo(family or "Без названия", style or "Regular", not lacking, glyphs)
