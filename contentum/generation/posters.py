"""A task's poster: the provider's background fitted to the format, the text typeset on it.

The background is what the provider is asked for and what the image checks judge; the
poster is composed from it by `design.engine` and judged by the layer checks. Both are
kept, with the layout, so a text edit re-composes without asking the provider again.
"""

import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from PIL import Image

from contentum.common.exceptions import ApplicationError
from contentum.design import selectors as design
from contentum.design.engine import (
    SHIPPED_FAMILIES,
    BrandStyle,
    Canvas,
    LayoutError,
    SafeInsets,
    TextSpec,
    Upscaler,
    colour_names,
    compose,
    drawable_size,
    encode,
    fit_to_canvas,
    layer_checks,
    missing_glyphs,
    palette_adherence,
)
from contentum.design.models import Format
from contentum.generation.images import thumbnail_webp
from contentum.generation.quality import CheckResult
from contentum.generation.text import clip_words

logger = logging.getLogger(__name__)

PALETTE = "palette"
# The layer checks' names in a task's report; the engine's `size` is the poster's size,
# apart from the background's own `size` check.
LAYER_CHECK_NAMES = {"size": "poster_size"}
MAX_LINES = 4
MAX_LINE_LENGTH = 200


@dataclass(frozen=True)
class Poster:
    background_png: bytes
    poster_png: bytes
    thumbnail_webp: bytes
    layout: dict[str, Any]
    checks: tuple[CheckResult, ...]


def canvas_snapshot(fmt: Format) -> dict[str, Any]:
    """The format's size and safe zone in pixels, as a task keeps them."""
    canvas = fmt.canvas()
    safe = canvas.safe
    return {
        "format": fmt.key,
        "width": canvas.width,
        "height": canvas.height,
        "safe": [safe.top, safe.right, safe.bottom, safe.left],
    }


def canvas_of(snapshot: dict[str, Any]) -> Canvas:
    top, right, bottom, left = snapshot["safe"]
    return Canvas(snapshot["width"], snapshot["height"], SafeInsets(top, right, bottom, left))


def drawn_size(fmt: Format) -> tuple[int, int]:
    """What the provider is asked to draw: the nearest size it can, at the format's ratio."""
    return drawable_size(fmt.width, fmt.height)


def text_spec(text: dict[str, Any]) -> TextSpec:
    return TextSpec(
        title=text.get("title", ""),
        lines=tuple(text.get("lines") or ()),
        call_to_action=text.get("call_to_action", ""),
    )


def clean_text(
    *, title: Any, lines: Any = (), call_to_action: Any = "", font: str = ""
) -> dict[str, Any]:
    """The poster's text as stored: stripped, empty lines dropped; a 400 naming the field
    for anything that is not text."""
    if not isinstance(title, str) or not title.strip():
        raise ApplicationError(
            "У постера должно быть название.", errors={"title": ["Укажите название."]}
        )
    if not isinstance(lines, list | tuple) or not all(isinstance(line, str) for line in lines):
        raise ApplicationError(
            "Строки постера — список строк.", errors={"lines": ["Ожидается список строк."]}
        )
    kept = [" ".join(line.split()) for line in lines if line.strip()]
    if len(kept) > MAX_LINES or any(len(line) > MAX_LINE_LENGTH for line in kept):
        message = f"Не больше {MAX_LINES} строк, по {MAX_LINE_LENGTH} символов."
        raise ApplicationError(message, errors={"lines": [message]})
    if not isinstance(call_to_action, str):
        raise ApplicationError(
            "Призыв к действию — строка.", errors={"call_to_action": ["Ожидается строка."]}
        )
    text = {
        "title": " ".join(title.split()),
        "lines": kept,
        "call_to_action": " ".join(call_to_action.split()),
    }
    if font in SHIPPED_FAMILIES:
        text["font"] = font
    return text


def _field_of(error: LayoutError, text: dict[str, Any]) -> str:
    if error.code == "missing_glyphs":
        title_unprintable = all(missing_glyphs(text["title"], font) for font in SHIPPED_FAMILIES)
        return "title" if title_unprintable else "lines"
    return "lines" if error.code == "line_too_long" else "title"


def _refused(error: LayoutError, text: dict[str, Any]) -> ApplicationError:
    return ApplicationError(str(error), errors={_field_of(error, text): [str(error)]})


# Without a brand kit the brief's visual style picks the title's family: a grotesque for
# modern looks, the serif display face (a classic playbill) for everything else.
MODERN_STYLES = ("минимал", "3d", "киберпанк", "неон", "техно", "футур", "поп-арт", "флэт")


def font_for_style(visual_style: str) -> str:
    style = visual_style.casefold()
    return "inter" if any(word in style for word in MODERN_STYLES) else "noto-serif"


def upscaler() -> Upscaler | None:
    """DESIGN_UPSCALER's class (a dotted path), or None for the built-in Lanczos cover."""
    path = settings.DESIGN_UPSCALER
    return import_string(path)() if path else None


def brand_style(text: dict[str, Any] | None = None) -> BrandStyle:
    """The active brand kit's fonts, colours and logo; with no kit, the engine's defaults
    with the title family the brief's style chose (`text["font"]`)."""
    kit = design.active_brand_kit()
    if kit is None and text and text.get("font"):
        return BrandStyle(title_font=text["font"])
    return design.brand_style(kit)


def validate_fits(text: dict[str, Any], snapshot: dict[str, Any], style: BrandStyle) -> None:
    """Typesets the text once on a blank canvas: a title that cannot fit even at the
    smallest legible size, or characters no shipped font has, are refused (400) before
    anything is stored or drawn."""
    canvas = canvas_of(snapshot)
    # At the canvas's own size: nothing to scale (a smaller blank would be upscaled first).
    blank = Image.new("RGB", (canvas.width, canvas.height), (128, 128, 128))
    try:
        compose(blank, text_spec(text), canvas, style)
    except LayoutError as exc:
        raise _refused(exc, text) from exc


def background_checks(image: Image.Image) -> list[CheckResult]:
    """Palette adherence of the drawn background, when the brand kit names colours."""
    palette = design.brand_palette(design.active_brand_kit())
    if not palette:
        return []
    share = palette_adherence(image, palette)
    threshold = settings.DESIGN_PALETTE_MIN_SHARE
    passed = share >= threshold
    message = (
        f"Доля пикселей в фирменных цветах {share:.0%} (нужно не меньше {threshold:.0%})."
        if passed
        else f"Фон далёк от фирменной палитры: в её цветах {share:.0%} пикселей, "
        f"нужно не меньше {threshold:.0%}."
    )
    return [CheckResult(PALETTE, round(share, 3), threshold, passed, message)]


def compose_poster(
    background: Image.Image,
    *,
    snapshot: dict[str, Any],
    text: dict[str, Any],
    style: BrandStyle | None = None,
    interactive: bool = False,
) -> Poster:
    """The poster from a background (any size: it is fitted to the canvas first). With no
    title (a scenario that does not ask for one) the poster is the fitted background.

    `interactive`: a person waits (a text edit): the background is already stored, the
    PNG is written at zlib's fastest level, and the layer checks are left to the layout's
    own measure (compose reaches the contrast target by construction)."""
    canvas = canvas_of(snapshot)
    style = style or brand_style(text)
    fitted = fit_to_canvas(background, canvas.width, canvas.height, upscaler())
    if not text.get("title"):
        png = _png(fitted)
        return Poster(png, png, thumbnail_webp(fitted), {}, ())
    try:
        composition = compose(fitted, text_spec(text), canvas, style)
    except LayoutError as exc:
        raise _refused(exc, text) from exc
    checks = (
        ()
        if interactive
        else tuple(
            CheckResult(
                LAYER_CHECK_NAMES.get(check.name, check.name),
                check.value,
                check.threshold,
                check.passed,
                check.message,
            )
            for check in layer_checks(composition, canvas)
        )
    )
    # Both encoders let go of the GIL: the preview is made while the PNG is written.
    with ThreadPoolExecutor(max_workers=1) as pool:
        preview = pool.submit(thumbnail_webp, composition.image)
        poster_png = _png(composition.image, fast=interactive)
        background_png = b"" if interactive else _png(fitted)
        preview_webp = preview.result()
    return Poster(
        background_png=background_png,
        poster_png=poster_png,
        thumbnail_webp=preview_webp,
        layout=composition.layout,
        checks=checks,
    )


def _png(image: Image.Image, *, fast: bool = False) -> bytes:
    return encode(image, "png", png_level=1 if fast else settings.IMAGE_PNG_COMPRESS_LEVEL)


def stress_palette(prompt: str) -> str:
    """The prompt for a background that drifted off the brand's colours: they are named
    again, as what dominates the picture."""
    names = colour_names(design.brand_palette(design.active_brand_kit()))
    if not names:
        return prompt
    stress = f"Главные цвета кадра — {', '.join(names)}; они занимают большую часть изображения."
    return clip_words(f"{stress} {prompt}")


def is_poster_file(name: str) -> bool:
    """Whether a stored file is a task's own poster (an attempt's image is never one)."""
    return Path(name).name.startswith("poster-")


def delete_files(storage: Any, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the replaced poster file %s", name, exc_info=True)


def open_png(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=("PNG",)) as opened:
        opened.load()
        return opened if opened.mode == "RGB" else opened.convert("RGB")
