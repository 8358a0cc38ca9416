"""(background, text, canvas, brand) → poster image + layout JSON.

The steps: fit the background to the canvas, place the logo, typeset the text for every
candidate zone, keep the calmest, pick the text colour with the best measured contrast,
and add a scrim only when no colour reaches 4.5:1 on the pixels behind the glyphs.
"""

import io
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from PIL import Image, ImageDraw

from contentum.design.engine.colour import (
    BLACK,
    NEAR_BLACK,
    RGB,
    WHITE,
    parse_hex,
    to_hex,
    wcag_contrast,
    worst_contrast,
)
from contentum.design.engine.errors import LayoutError
from contentum.design.engine.fitting import Typeset, typeset
from contentum.design.engine.fonts import load_font
from contentum.design.engine.geometry import Box, Canvas
from contentum.design.engine.logo import paste_logo, place_logo
from contentum.design.engine.placement import CalmnessMap, Zone, candidate_zones, position
from contentum.design.engine.scale import fit_to_canvas

TEXT_MIN_CONTRAST = 4.5
_TARGET = 4.7  # aim a little higher: antialiasing and rounding eat a few hundredths
_SAMPLE = 20_000  # pixels per glyph box are plenty to choose a colour or a scrim
LAYOUT_VERSION = 1


@dataclass(frozen=True)
class TextSpec:
    """What the poster says: the event's name, then e.g. date and venue, then a call."""

    title: str
    lines: tuple[str, ...] = ()
    call_to_action: str = ""


@dataclass(frozen=True)
class BrandStyle:
    """A brand kit as the engine sees it; fonts are shipped family keys or font file paths."""

    title_font: str = "noto-serif"
    body_font: str = "inter"
    text_color: str | None = None
    colors: tuple[str, ...] = ()
    logo: Image.Image | None = field(default=None, compare=False)
    logo_corner: str = "bottom-right"
    logo_width_pct: float = 18.0


@dataclass
class Composition:
    """The poster (RGB, canvas size) and the layout that explains and re-creates it."""

    image: Image.Image
    layout: dict[str, Any]


@dataclass
class _Candidate:
    zone: Zone
    typeset: Typeset
    dx: int
    dy: int
    calmness: float

    @property
    def title_size(self) -> int:
        return self.typeset.blocks[0].size

    def line_boxes(self) -> list[Box]:
        return [line.box.shift(self.dx, self.dy) for b in self.typeset.blocks for line in b.lines]


def _details(spec: TextSpec) -> list[tuple[str, str]]:
    details = [("line", text.strip()) for text in spec.lines if text.strip()]
    if spec.call_to_action.strip():
        details.append(("call_to_action", spec.call_to_action.strip()))
    return details


def _candidates(
    background: Image.Image, spec: TextSpec, canvas: Canvas, style: BrandStyle, logo_box: Box | None
) -> list[_Candidate]:
    calm = CalmnessMap(background)
    found, errors = [], []
    for zone in candidate_zones(canvas, logo_box):
        if zone.box.width <= 0 or zone.box.height <= 0:
            continue
        try:
            result = typeset(
                spec.title,
                _details(spec),
                title_font=style.title_font,
                body_font=style.body_font,
                width=zone.box.width,
                max_height=zone.box.height,
                canvas_size=(canvas.width, canvas.height),
                align=zone.align,
            )
        except LayoutError as exc:
            if exc.code in ("missing_glyphs", "title_empty", "unknown_font"):
                raise
            errors.append((zone.box.width, exc))
            continue
        if result is not None:
            dx, dy = position(zone, result.box)
            found.append(_Candidate(zone, result, dx, dy, calm.calmness(result.box.shift(dx, dy))))
    if not found:
        if errors:
            raise max(errors, key=lambda item: item[0])[1]
        raise LayoutError(
            "Текст не помещается ни в одну свободную зону постера. Сократите строки "
            "или выберите формат крупнее.",
            "no_room",
        )
    return found


def _score(candidate: _Candidate, largest: int) -> float:
    """Calm first; a zone that shrinks the title much pays for it."""
    return candidate.calmness * (0.75 + 0.25 * candidate.title_size / largest)


def _backdrops(image: Image.Image, boxes: list[Box], sample: int = 0) -> list[np.ndarray]:
    """The pixels behind each glyph box; `sample` thins them out for quick comparisons."""
    found = []
    for box in boxes:
        pixels = np.asarray(image.crop(box.as_list())).reshape(-1, 3)
        if sample and len(pixels) > sample:
            pixels = pixels[:: len(pixels) // sample]
        found.append(pixels)
    return found


def _contrast(colour: RGB, backdrops: list[np.ndarray]) -> float:
    return min(worst_contrast(colour, backdrop) for backdrop in backdrops)


def _scrim_profile(
    canvas: Canvas, zone: Zone, block: Box, pad: int
) -> tuple[str, np.ndarray, list[int]]:
    """Opacity (0..1) along the scrim's axis: full behind the text, easing out to nothing."""
    vertical = zone.name in ("top", "bottom")
    length = canvas.height if vertical else canvas.width
    ramp = max(2 * pad, round(0.12 * length))
    profile = np.zeros(length, dtype=np.float32)
    if zone.name in ("bottom", "right"):
        solid_from = (block.top if vertical else block.left) - pad
        start = max(0, solid_from - ramp)
        steps = np.linspace(0, 1, max(1, solid_from - start), dtype=np.float32)
        profile[start:solid_from] = steps * steps * (3 - 2 * steps)
        profile[max(0, solid_from) :] = 1
        span = [start, length]
    else:
        solid_to = (block.bottom if vertical else block.right) + pad
        end = min(length, solid_to + ramp)
        steps = np.linspace(1, 0, max(1, end - solid_to), dtype=np.float32)
        profile[solid_to:end] = steps * steps * (3 - 2 * steps)
        profile[: min(length, solid_to)] = 1
        span = [0, end]
    return ("vertical" if vertical else "horizontal"), profile, span


def _apply_scrim(
    image: Image.Image, direction: str, profile: np.ndarray, colour: RGB, opacity: float
) -> Image.Image:
    alpha = np.rint(profile * opacity * 255).astype(np.uint8)
    shape = (image.height, image.width)
    alpha = alpha[:, None] if direction == "vertical" else alpha[None, :]
    mask = Image.fromarray(np.ascontiguousarray(np.broadcast_to(alpha, shape)), "L")
    return Image.composite(Image.new("RGB", image.size, colour), image, mask)


def _options(style: BrandStyle) -> list[RGB]:
    return [WHITE, NEAR_BLACK] + ([parse_hex(style.text_color)] if style.text_color else [])


def _choose_colour(image: Image.Image, boxes: list[Box], style: BrandStyle) -> tuple[RGB, float]:
    backdrops = _backdrops(image, boxes, sample=_SAMPLE)
    scored = [(colour, _contrast(colour, backdrops)) for colour in _options(style)]
    return max(scored, key=lambda item: item[1])


def _choose_scrim(
    image: Image.Image, boxes: list[Box], style: BrandStyle
) -> tuple[RGB, RGB, float]:
    """(text colour, scrim colour, opacity): the lightest scrim that reaches the target."""
    backdrops = [b.astype(np.float32) for b in _backdrops(image, boxes, sample=_SAMPLE)]
    opacities = np.arange(0.1, 0.951, 0.05)
    best: tuple[float, float, RGB, RGB] | None = None
    for colour in _options(style):
        tint = BLACK if wcag_contrast(colour, BLACK) >= wcag_contrast(colour, WHITE) else WHITE

        def contrast_at(index: int, colour: RGB = colour, tint: RGB = tint) -> float:
            opacity = opacities[index]
            blended = [
                np.rint(b * (1 - opacity) + np.asarray(tint) * opacity).astype(np.uint8)
                for b in backdrops
            ]
            return _contrast(colour, blended)

        # A denser scrim of the contrasting tint only raises the contrast: the lightest
        # one that reaches the target is found by bisection, not by trying each in turn.
        low, high = 0, len(opacities)
        while low < high:
            middle = (low + high) // 2
            if contrast_at(middle) >= _TARGET:
                high = middle
            else:
                low = middle + 1
        if low < len(opacities):
            contrast = contrast_at(low)
            key = (round(float(opacities[low]), 2), -contrast)
            if best is None or key < (best[0], best[1]):
                best = (key[0], key[1], colour, tint)
    if best is None:  # unreachable for white on black, kept as a guard for odd brand colours
        return WHITE, BLACK, 0.95
    return best[2], best[3], best[0]


def compose(
    background: Image.Image, spec: TextSpec, canvas: Canvas, style: BrandStyle = BrandStyle()
) -> Composition:
    """The poster: background fitted to the canvas, text laid out, logo placed."""
    image = fit_to_canvas(background, canvas.width, canvas.height)
    logo_image, logo_box = None, None
    if style.logo is not None:
        logo_image, logo_box = place_logo(
            style.logo, canvas, style.logo_corner, style.logo_width_pct
        )

    candidates = _candidates(image, spec, canvas, style, logo_box)
    largest = max(c.title_size for c in candidates)
    chosen = max(candidates, key=lambda c: _score(c, largest))  # first wins ties: top, bottom…
    boxes = chosen.line_boxes()
    block_box = Box.union(boxes)

    colour, contrast = _choose_colour(image, boxes, style)
    scrim = None
    if contrast < TEXT_MIN_CONTRAST:
        colour, tint, opacity = _choose_scrim(image, boxes, style)
        pad = max(8, round(0.35 * chosen.title_size))
        direction, profile, span = _scrim_profile(canvas, chosen.zone, block_box, pad)
        image = _apply_scrim(image, direction, profile, tint, opacity)
        scrim = {"color": to_hex(tint), "opacity": opacity, "direction": direction, "span": span}

    logo_layout = None
    if logo_image is not None and logo_box is not None:
        logo_layout = paste_logo(image, logo_image, logo_box)
        logo_layout["corner"] = style.logo_corner

    blocks = _draw_text(image, chosen, colour)
    layout = {
        "version": LAYOUT_VERSION,
        "canvas": {"width": canvas.width, "height": canvas.height},
        "safe_box": canvas.safe_box.as_list(),
        "zone": chosen.zone.name,
        "zone_box": chosen.zone.box.as_list(),
        "align": chosen.zone.align,
        "zones": {
            c.zone.name: {
                "box": c.zone.box.as_list(),
                "calmness": c.calmness,
                "title_size": c.title_size,
                "score": round(_score(c, largest), 4),
            }
            for c in candidates
        },
        "text_box": block_box.as_list(),
        "text_color": to_hex(colour),
        "contrast": min(block["contrast"] for block in blocks),
        "blocks": blocks,
        "scrim": scrim,
        "logo": logo_layout,
    }
    return Composition(image=image, layout=layout)


def _draw_text(image: Image.Image, chosen: _Candidate, colour: RGB) -> list[dict[str, Any]]:
    """Draw every line and describe each block, with contrast measured on what lies behind."""
    line_boxes = [
        [ln.box.shift(chosen.dx, chosen.dy) for ln in b.lines] for b in chosen.typeset.blocks
    ]
    # Measured before any glyph is drawn: what lies behind the text, scrim included.
    contrasts = [_contrast(colour, _backdrops(image, boxes)) for boxes in line_boxes]
    draw = ImageDraw.Draw(image)
    described = []
    for block, boxes, contrast in zip(chosen.typeset.blocks, line_boxes, contrasts, strict=True):
        font = load_font(block.path, block.size)
        origins = [[line.x + chosen.dx, line.y + chosen.dy] for line in block.lines]
        for line, (x, y) in zip(block.lines, origins, strict=True):
            draw.text((x, y), line.text, font=font, fill=colour, anchor="ls")
        described.append(
            {
                "role": block.role,
                "text": block.text,
                "lines": [line.text for line in block.lines],
                "font": block.font,
                "font_role": block.font_role,
                "font_file": block.path.rsplit("/", 1)[-1],
                "size": block.size,
                "cap_height": block.cap_height,
                "color": to_hex(colour),
                "box": Box.union(boxes).as_list(),
                "line_boxes": [box.as_list() for box in boxes],
                "origins": origins,
                "anchor": "ls",
                "contrast": round(contrast, 2),
            }
        )
    return described


def encode(
    image: Image.Image, fmt: Literal["png", "jpeg", "webp"] = "png", *, png_level: int = 6
) -> bytes:
    """The poster as file bytes; downloads convert on the way out. `png_level`: zlib's
    effort, 6 by default; a web request that waits on it may trade size for time."""
    buffer = io.BytesIO()
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    if fmt == "png":
        rgb.save(buffer, "PNG", compress_level=png_level)
    elif fmt == "jpeg":
        rgb.save(buffer, "JPEG", quality=90, optimize=True, progressive=True)
    elif fmt == "webp":
        rgb.save(buffer, "WEBP", quality=90, method=4)
    else:
        raise ValueError(f"Unknown image format {fmt!r}; expected png, jpeg or webp")
    return buffer.getvalue()
