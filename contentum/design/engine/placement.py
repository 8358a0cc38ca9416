"""Where the text block may go, and which of those places is calmest on this picture."""

from dataclasses import dataclass

import numpy as np
from PIL import Image

from contentum.design.engine.geometry import Box, Canvas

# Bands take this share of the safe area's height: the middle stays for the subject.
BAND_SHARE = {"portrait": 0.45, "landscape": 0.5}


@dataclass(frozen=True)
class Zone:
    name: str  # "top" | "bottom" | "left" | "right"
    box: Box  # where the text block may lie: inside the safe area, clear of the logo
    anchor: str  # the block sits at the zone's "top", "bottom" or "middle"
    align: str  # "left" | "center" | "right"


def text_margin(canvas: Canvas) -> int:
    """Breathing room between the safe area's edge and the text: 7 % of the shorter side,
    and on a wide banner (a VK cover, 1590×400) at least 3 % of the longer one."""
    short, long = sorted((canvas.width, canvas.height))
    return max(8, round(max(0.07 * short, 0.03 * long)))


def candidate_zones(canvas: Canvas, logo_box: Box | None = None) -> list[Zone]:
    """Top and bottom bands; for landscape formats also the left and right thirds."""
    m = text_margin(canvas)
    inner = Box(*(canvas.safe_box.as_list()))
    inner = Box(inner.left + m, inner.top + m, inner.right - m, inner.bottom - m)
    share = BAND_SHARE["landscape" if canvas.landscape else "portrait"]
    band = round(inner.height * share)
    zones = [
        Zone("top", Box(inner.left, inner.top, inner.right, inner.top + band), "top", "center"),
        Zone(
            "bottom",
            Box(inner.left, inner.bottom - band, inner.right, inner.bottom),
            "bottom",
            "center",
        ),
    ]
    if canvas.landscape:
        third = inner.width // 3
        zones += [
            Zone(
                "left",
                Box(inner.left, inner.top, inner.left + third, inner.bottom),
                "middle",
                "left",
            ),
            Zone(
                "right",
                Box(inner.right - third, inner.top, inner.right, inner.bottom),
                "middle",
                "left",
            ),
        ]
    if logo_box is None:
        return zones
    return [_clear_of_logo(zone, logo_box.expand(m // 2)) for zone in zones]


def _clear_of_logo(zone: Zone, logo: Box) -> Zone:
    """Trim the zone away from the logo: beside it if that keeps most width, else above/below."""
    box = zone.box
    if not box.intersects(logo):
        return zone
    logo_on_right = logo.left + logo.width / 2 > box.left + box.width / 2
    beside = (
        Box(box.left, box.top, logo.left, box.bottom)
        if logo_on_right
        else Box(logo.right, box.top, box.right, box.bottom)
    )
    logo_below = logo.top + logo.height / 2 > box.top + box.height / 2
    clear = (
        Box(box.left, box.top, box.right, logo.top)
        if logo_below
        else Box(box.left, logo.bottom, box.right, box.bottom)
    )
    band = zone.name in ("top", "bottom")
    prefer_beside = beside.width >= 0.6 * box.width if band else clear.height < 0.5 * box.height
    if prefer_beside and beside.width > 0:
        align = "left" if logo_on_right else ("right" if band else "left")
        return Zone(zone.name, beside, zone.anchor, align)
    return Zone(zone.name, clear, zone.anchor, zone.align)


def position(zone: Zone, block: Box) -> tuple[int, int]:
    """Offset that puts a typeset block at the zone's anchor.

    The block is already aligned within the zone's width, so only its top is moved.
    """
    if zone.anchor == "top":
        y = zone.box.top
    elif zone.anchor == "bottom":
        y = zone.box.bottom - block.height
    else:
        y = zone.box.top + (zone.box.height - block.height) // 2
    return zone.box.left, y - block.top


class CalmnessMap:
    """Luminance and edge energy of the background on a quarter-size copy, for quick looks."""

    def __init__(self, image: Image.Image, factor: int = 4) -> None:
        self.factor = factor
        small = image.convert("L").reduce(factor)
        lum = np.asarray(small, dtype=np.float32)
        self.lum = lum
        edges = np.zeros_like(lum)
        edges[:, :-1] += np.abs(np.diff(lum, axis=1))
        edges[:-1, :] += np.abs(np.diff(lum, axis=0))
        self.edges = edges

    def calmness(self, box: Box) -> float:
        """1 for a flat area, towards 0 the busier it is (edges and luminance spread)."""
        f = self.factor
        rows = slice(max(0, box.top // f), max(box.top // f + 1, box.bottom // f))
        cols = slice(max(0, box.left // f), max(box.left // f + 1, box.right // f))
        lum, edges = self.lum[rows, cols], self.edges[rows, cols]
        if lum.size == 0:
            return 0.0
        # Edges (texture, strokes) break glyphs apart; a smooth luminance swing is what the
        # colour choice and the scrim handle, so it weighs less.
        busyness = float(edges.mean()) / 4.0 + float(lum.std()) / 100.0
        return round(1.0 / (1.0 + busyness), 4)
