"""Brand logos: strict loading of uploads, and their place and contrast on a poster."""

import io
import math
import warnings

import numpy as np
from PIL import Image, ImageDraw

from contentum.design.engine.colour import BLACK, WHITE, to_hex, wcag_contrast
from contentum.design.engine.errors import InvalidLogo
from contentum.design.engine.geometry import Box, Canvas

CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
LOGO_MIN_CONTRAST = 3.0
_FORMATS = {"PNG": "PNG", "WEBP": "WebP"}


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",")


def load_logo(data: bytes, *, max_bytes: int = 2_000_000, max_side: int = 2048) -> Image.Image:
    """An uploaded logo as RGBA, or InvalidLogo saying what is wrong with it."""
    if len(data) > max_bytes:
        raise InvalidLogo(
            f"Файл логотипа весит {_megabytes(len(data))} МБ, допустимо не больше "
            f"{_megabytes(max_bytes)} МБ."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Exception as exc:  # Pillow raises many types for junk bytes; all mean "not an image"
        raise InvalidLogo(
            "Файл логотипа не распознан как изображение: нужен PNG или WebP."
        ) from exc
    if image.format not in _FORMATS:
        raise InvalidLogo(
            f"Логотип в формате {image.format or 'неизвестном'}: принимаются только PNG и WebP."
        )
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        raise InvalidLogo(f"Логотип анимирован ({frames} кадров): нужна статичная картинка.")
    if max(image.size) > max_side:
        raise InvalidLogo(
            f"Логотип {image.width}×{image.height} пикселей: каждая сторона должна быть "
            f"не больше {max_side}."
        )
    try:
        image.load()
    except Exception as exc:
        raise InvalidLogo("Файл логотипа повреждён: не удалось прочитать изображение.") from exc
    logo = image.convert("RGBA")
    if logo.getchannel("A").getbbox() is None:
        raise InvalidLogo("Логотип полностью прозрачный: на постере его не будет видно.")
    return logo


def logo_margin(canvas: Canvas) -> int:
    return max(8, round(0.05 * min(canvas.width, canvas.height)))  # the text margin too


def place_logo(
    logo: Image.Image, canvas: Canvas, corner: str, width_pct: float
) -> tuple[Image.Image, Box]:
    """The logo scaled to `width_pct` of the canvas width and its box in the safe corner."""
    if corner not in CORNERS:
        raise ValueError(f"Unknown logo corner {corner!r}; expected one of {CORNERS}")
    logo = logo.convert("RGBA")
    trimmed = logo.getbbox()  # transparent margins would push the visible mark off its corner
    if trimmed:
        logo = logo.crop(trimmed)
    safe, margin = canvas.safe_box, logo_margin(canvas)
    width = max(1, round(canvas.width * width_pct / 100))
    height = max(1, round(width * logo.height / logo.width))
    max_h = max(1, round(0.3 * safe.height))  # a tall logo must not eat a landscape cover
    max_w = max(1, safe.width // 2 - margin)
    factor = min(1.0, max_h / height, max_w / width)
    width, height = max(1, math.floor(width * factor)), max(1, math.floor(height * factor))
    scaled = logo.resize((width, height), Image.Resampling.LANCZOS)
    left = safe.left + margin if corner.endswith("left") else safe.right - margin - width
    top = safe.top + margin if corner.startswith("top") else safe.bottom - margin - height
    return scaled, Box(left, top, left + width, top + height)


def logo_contrast(logo: Image.Image, backdrop: Image.Image) -> float:
    """WCAG contrast of the logo's alpha-weighted colour against what lies behind it."""
    rgba = np.asarray(logo.convert("RGBA"), dtype=np.float64)
    alpha = rgba[..., 3:4] / 255.0
    weight = float(alpha.sum())
    if weight == 0:
        return 1.0
    mark = (rgba[..., :3] * alpha).sum(axis=(0, 1)) / weight
    behind = np.asarray(backdrop.convert("RGB"), dtype=np.float64)
    under = (behind * alpha).sum(axis=(0, 1)) / weight
    return wcag_contrast(mark, under)


def paste_logo(image: Image.Image, logo: Image.Image, box: Box) -> dict:
    """Paste the logo; if it would not stand out (< 3:1), first lay a plate behind it."""
    region = image.crop(box.as_list())
    contrast, plate = logo_contrast(logo, region), None
    if contrast < LOGO_MIN_CONTRAST:
        plate = _add_plate(image, logo, box)
        contrast = logo_contrast(logo, image.crop(box.as_list()))
    image.paste(logo, (box.left, box.top), logo)
    return {"box": box.as_list(), "contrast": round(contrast, 2), "plate": plate}


def _add_plate(image: Image.Image, logo: Image.Image, box: Box) -> dict | None:
    """A rounded plate of white or black, just opaque enough to lift the logo to 3:1."""
    pad = max(4, round(0.15 * min(box.width, box.height)))
    plate_box = box.expand(pad).clamp(Box(0, 0, image.width, image.height))
    original = image.crop(plate_box.as_list())
    mark_box = box.shift(-plate_box.left, -plate_box.top)
    best = None
    for colour in (WHITE, BLACK):
        for opacity in np.arange(0.3, 1.01, 0.1):
            mask = Image.new("L", original.size, 0)
            ImageDraw.Draw(mask).rounded_rectangle(
                [0, 0, original.width - 1, original.height - 1], radius=pad, fill=int(255 * opacity)
            )
            trial = Image.composite(Image.new("RGB", original.size, colour), original, mask)
            contrast = logo_contrast(logo, trial.crop(mark_box.as_list()))
            if contrast >= LOGO_MIN_CONTRAST:
                if best is None or opacity < best[1]:
                    best = (trial, round(float(opacity), 2), colour)
                break
    if best is None:
        return None
    trial, opacity, colour = best
    image.paste(trial, (plate_box.left, plate_box.top))
    return {"box": plate_box.as_list(), "color": to_hex(colour), "opacity": opacity}
