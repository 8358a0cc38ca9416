"""Checks of the composed poster ("layer checks"), each with value, threshold and verdict.

They re-measure the final pixels rather than trust the layout's own numbers: the text
contrast is read from the poster itself, with the glyphs masked out by drawing them again
from the layout.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from contentum.design.engine.colour import palette_adherence, parse_hex, worst_contrast
from contentum.design.engine.compose import TEXT_MIN_CONTRAST, Composition
from contentum.design.engine.fitting import MAX_TITLE_LINES
from contentum.design.engine.fonts import font_path, load_font
from contentum.design.engine.geometry import Box, Canvas
from contentum.design.engine.logo import LOGO_MIN_CONTRAST

Measure = float | int | bool | list[float] | list[int] | None


@dataclass(frozen=True)
class LayerCheck:
    name: str
    value: Measure
    threshold: Measure
    passed: bool
    message: str


def _line_boxes(layout: dict) -> list[Box]:
    return [Box(*box) for block in layout["blocks"] for box in block["line_boxes"]]


def check_size(image: Image.Image, canvas: Canvas) -> LayerCheck:
    actual, asked = [image.width, image.height], [canvas.width, canvas.height]
    passed = actual == asked
    message = (
        f"Размер постера {canvas.width}×{canvas.height}, как в формате."
        if passed
        else f"Размер постера {image.width}×{image.height} вместо {canvas.width}×{canvas.height}."
    )
    return LayerCheck("size", actual, asked, passed, message)


def check_safe_zone(layout: dict, canvas: Canvas) -> LayerCheck:
    safe = canvas.safe_box
    outside = sum(not safe.contains(box) for box in _line_boxes(layout))
    message = (
        "Весь текст внутри безопасной зоны."
        if not outside
        else f"Строк за пределами безопасной зоны: {outside} — их закроет интерфейс площадки."
    )
    return LayerCheck("text_in_safe_zone", outside, 0, outside == 0, message)


def check_fits(layout: dict, canvas: Canvas) -> LayerCheck:
    zone = Box(*layout["zone_box"])
    overflow = sum(
        not (zone.contains(box) and canvas.box.contains(box)) for box in _line_boxes(layout)
    )
    title_lines = sum(len(b["lines"]) for b in layout["blocks"] if b["role"] == "title")
    passed = overflow == 0 and title_lines <= MAX_TITLE_LINES
    if passed:
        message = f"Текст помещается: название в {title_lines} стр., без выхода за края."
    elif overflow:
        message = f"Строк, вылезающих за свою зону или край постера: {overflow}."
    else:
        message = f"Название занимает {title_lines} строки, допустимо не больше {MAX_TITLE_LINES}."
    return LayerCheck("text_fits", [title_lines, overflow], [MAX_TITLE_LINES, 0], passed, message)


def measured_text_contrast(image: Image.Image, layout: dict) -> float:
    """Worst contrast of any line against the poster's own pixels around its glyphs."""
    pixels = np.asarray(image.convert("RGB"))
    worst = 21.0
    for block in layout["blocks"]:
        colour = parse_hex(block["color"])
        path = str(font_path(block["font"], block["font_role"]))
        font = load_font(path, block["size"])
        for text, box_list, (x, y) in zip(
            block["lines"], block["line_boxes"], block["origins"], strict=True
        ):
            box = Box(*box_list).clamp(Box(0, 0, image.width, image.height))
            if box.area == 0:
                continue
            pad = 3
            mask = Image.new("L", (box.width + 2 * pad, box.height + 2 * pad), 0)
            origin = (x - box.left + pad, y - box.top + pad)
            ImageDraw.Draw(mask).text(origin, text, font=font, fill=255, anchor=block["anchor"])
            mask = mask.filter(ImageFilter.MaxFilter(5)).crop(
                (pad, pad, pad + box.width, pad + box.height)
            )
            region = pixels[box.top : box.bottom, box.left : box.right]
            behind = region[np.asarray(mask) == 0]
            if behind.size:
                worst = min(worst, worst_contrast(colour, behind))
    return round(worst, 2)


def check_text_contrast(image: Image.Image, layout: dict) -> LayerCheck:
    value = measured_text_contrast(image, layout)
    passed = value >= TEXT_MIN_CONTRAST
    message = (
        f"Контраст текста {value:.1f}:1 — читается."
        if passed
        else f"Контраст текста {value:.1f}:1 ниже {TEXT_MIN_CONTRAST}:1 — текст плохо читается."
    )
    return LayerCheck("text_contrast", value, TEXT_MIN_CONTRAST, passed, message)


def check_logo_contrast(layout: dict) -> LayerCheck:
    value = float(layout["logo"]["contrast"])
    passed = value >= LOGO_MIN_CONTRAST
    message = (
        f"Логотип заметен: контраст {value:.1f}:1."
        if passed
        else f"Логотип сливается с фоном: контраст {value:.1f}:1 ниже {LOGO_MIN_CONTRAST}:1."
    )
    return LayerCheck("logo_contrast", value, LOGO_MIN_CONTRAST, passed, message)


def check_palette(image: Image.Image, palette: Sequence[str], min_share: float) -> LayerCheck:
    share = round(palette_adherence(image, palette), 3)
    passed = share >= min_share
    message = (
        f"Цвета бренда занимают {share:.0%} постера."
        if passed
        else f"Цвета бренда занимают {share:.0%} постера, нужно не меньше {min_share:.0%}."
    )
    return LayerCheck("palette", share, min_share, passed, message)


def layer_checks(
    composition: Composition,
    canvas: Canvas,
    *,
    palette: Sequence[str] = (),
    palette_min_share: float = 0.15,
) -> list[LayerCheck]:
    """Every layer check that applies: logo only with a logo, palette only with colours."""
    image, layout = composition.image, composition.layout
    checks = [
        check_size(image, canvas),
        check_safe_zone(layout, canvas),
        check_fits(layout, canvas),
        check_text_contrast(image, layout),
    ]
    if layout.get("logo"):
        checks.append(check_logo_contrast(layout))
    if palette:
        checks.append(check_palette(image, palette, palette_min_share))
    return checks
