"""The poster layout engine: pure functions from a background and text to a poster.

No database, HTTP or settings here: callers pass everything in, so it is tested on pixels.
"""

from contentum.design.engine.checks import LayerCheck, layer_checks
from contentum.design.engine.colour import palette_adherence, relative_luminance, wcag_contrast
from contentum.design.engine.compose import BrandStyle, Composition, TextSpec, compose, encode
from contentum.design.engine.errors import InvalidFont, InvalidLogo, LayoutError
from contentum.design.engine.fonts import (
    SHIPPED_FAMILIES,
    FamilyInfo,
    FontInfo,
    font_path,
    inspect_font,
    missing_glyphs,
)
from contentum.design.engine.geometry import Box, Canvas, SafeInsets
from contentum.design.engine.logo import load_logo
from contentum.design.engine.names import colour_name, colour_names
from contentum.design.engine.scale import (
    LanczosCoverUpscaler,
    Upscaler,
    drawable_size,
    fit_to_canvas,
)

__all__ = [
    "SHIPPED_FAMILIES",
    "Box",
    "BrandStyle",
    "Canvas",
    "Composition",
    "FamilyInfo",
    "FontInfo",
    "InvalidFont",
    "InvalidLogo",
    "LanczosCoverUpscaler",
    "LayerCheck",
    "LayoutError",
    "SafeInsets",
    "TextSpec",
    "Upscaler",
    "colour_name",
    "colour_names",
    "compose",
    "drawable_size",
    "encode",
    "fit_to_canvas",
    "font_path",
    "inspect_font",
    "layer_checks",
    "load_logo",
    "missing_glyphs",
    "palette_adherence",
    "relative_luminance",
    "wcag_contrast",
]
