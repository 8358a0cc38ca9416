"""The layout engine on real pixels: zone, size, line breaks, colour, scrim, logo, glyphs."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from contentum.design.engine import (
    Box,
    BrandStyle,
    Canvas,
    LayoutError,
    TextSpec,
    compose,
    encode,
    layer_checks,
    wcag_contrast,
)
from contentum.design.engine.colour import luminance_array, parse_hex
from contentum.design.engine.fitting import break_lines
from contentum.design.engine.fonts import font_path
from contentum.design.tests import engine_images as img

STORY = Canvas.from_percent(1080, 1920, top_pct=14, bottom_pct=20)
SPEC = TextSpec("Вишнёвый сад", ("12 декабря, 19:00", "Малая сцена, театр «Современник»"))


def _title(layout: dict) -> dict:
    return next(block for block in layout["blocks"] if block["role"] == "title")


def _measured_contrast(image: Image.Image, box: list[int], colour: str) -> float:
    """Independent of the engine: the ring of pixels just around a glyph box is pure
    background (plus scrim); compare its worse side with the text colour."""
    pixels = np.asarray(image.convert("RGB"))
    left, top, right, bottom = box
    ring = np.concatenate(
        [
            pixels[top - 6 : top - 1, left:right].reshape(-1, 3),
            pixels[bottom + 1 : bottom + 6, left:right].reshape(-1, 3),
            pixels[top:bottom, left - 6 : left - 1].reshape(-1, 3),
            pixels[top:bottom, right + 1 : right + 6].reshape(-1, 3),
        ]
    )
    lum = luminance_array(ring)
    text_lum = luminance_array(np.array(parse_hex(colour), dtype=np.uint8))
    worse = np.percentile(lum, 90) if text_lum > lum.mean() else np.percentile(lum, 10)
    high, low = max(text_lum, worse), min(text_lum, worse)
    return float((high + 0.05) / (low + 0.05))


def _ink_share(image: Image.Image, box: list[int], colour: str) -> float:
    """Share of the glyph box drawn in the text colour: the text is really there."""
    region = np.asarray(image.convert("RGB").crop(box), dtype=np.int16)
    return float((np.abs(region - np.array(parse_hex(colour))).max(axis=2) <= 8).mean())


def test_story_title_goes_to_the_calm_band_inside_the_safe_area():
    calm_rows = (950, 1536)  # the lower part of the safe area is flat, the rest is noise
    background = img.noise_with_calm_band(1080, 1920, calm_rows)
    poster = compose(background, SPEC, STORY)

    layout = poster.layout
    assert poster.image.size == (1080, 1920)
    assert layout["zone"] == "bottom"
    assert layout["zones"]["bottom"]["calmness"] > 3 * layout["zones"]["top"]["calmness"]
    text_box = Box(*layout["text_box"])
    assert STORY.safe_box.contains(text_box)
    assert calm_rows[0] <= text_box.top and text_box.bottom <= calm_rows[1]
    title = _title(layout)
    assert title["cap_height"] >= 0.03 * 1920
    # Contrast read back from the poster's pixels, not taken from the layout's word.
    for block in layout["blocks"]:
        assert _measured_contrast(poster.image, block["box"], block["color"]) >= 4.5
        assert _ink_share(poster.image, block["box"], block["color"]) > 0.1


def test_a_calm_band_at_the_top_wins_over_a_busy_bottom():
    background = img.noise_with_calm_band(1080, 1920, (269, 900), rgb=(235, 225, 210))
    poster = compose(background, SPEC, STORY)
    assert poster.layout["zone"] == "top"
    assert poster.layout["text_color"] == "#111111"  # dark text on a light calm band
    assert poster.layout["scrim"] is None
    title = _title(poster.layout)
    assert _measured_contrast(poster.image, title["box"], title["color"]) >= 4.5


def test_mid_grey_background_gets_a_scrim_and_then_reads():
    grey = img.flat(1080, 1080, (121, 121, 121))  # neither white nor #111 reaches 4.5:1
    assert wcag_contrast((255, 255, 255), (121, 121, 121)) < 4.5
    assert wcag_contrast((17, 17, 17), (121, 121, 121)) < 4.5
    canvas = Canvas.from_percent(1080, 1080)
    poster = compose(grey, SPEC, canvas)

    scrim = poster.layout["scrim"]
    assert scrim is not None and 0 < scrim["opacity"] < 1
    assert scrim["direction"] == "vertical"
    title = _title(poster.layout)
    assert _measured_contrast(poster.image, title["box"], title["color"]) >= 4.5
    # The scrim fades out: far from the text the grey is untouched.
    far_row = 0 if poster.layout["zone"] == "bottom" else 1079
    assert poster.image.getpixel((540, far_row)) == (121, 121, 121)
    checks = {check.name: check for check in layer_checks(poster, canvas)}
    assert checks["text_contrast"].passed and checks["text_contrast"].value >= 4.5


def test_long_title_wraps_at_spaces_only_and_never_over_three_lines():
    title = "Вечер камерной музыки Шостаковича и Прокофьева в исполнении квартета"
    canvas = Canvas.from_percent(1080, 1350, top_pct=5, bottom_pct=5)
    poster = compose(img.flat(1080, 1350, (20, 20, 40)), TextSpec(title), canvas)
    lines = _title(poster.layout)["lines"]
    assert 2 <= len(lines) <= 3
    assert " ".join(lines) == title  # every break was a space: no word was cut
    words = set(title.split())
    assert all(set(line.split()) <= words for line in lines)


def test_break_lines_keeps_words_whole_and_balances_lines():
    path = str(font_path("inter", "title"))
    words = ["Малая", "сцена", "театра", "Современник"]
    lines = break_lines(words, path, 100, 1100, 3)
    assert lines is not None and len(lines) == 2
    assert [word for line in lines for word in line.split()] == words
    assert break_lines(["Достопримечательность"], path, 100, 300, 3) is None


def test_too_long_a_title_is_refused_naming_the_limit():
    title = " ".join(["Очень длинное название спектакля"] * 12)
    with pytest.raises(LayoutError) as caught:
        compose(img.flat(1080, 1080, (0, 0, 0)), TextSpec(title), Canvas(1080, 1080))
    assert caught.value.code == "title_too_long"
    assert "символов" in caught.value.message and "px" in caught.value.message
    assert "3 %" in caught.value.message


def test_a_word_wider_than_the_poster_is_refused_by_name():
    word = "Превысокомногорассмотрительствующий" * 2
    with pytest.raises(LayoutError) as caught:
        compose(img.flat(600, 600, (0, 0, 0)), TextSpec(word), Canvas(600, 600))
    assert caught.value.code == "word_too_long"
    assert word in caught.value.message


def test_emoji_is_refused_naming_the_character_instead_of_drawing_tofu():
    with pytest.raises(LayoutError) as caught:
        compose(img.flat(1080, 1080, (0, 0, 0)), TextSpec("Вишнёвый сад 🎭"), Canvas(1080, 1080))
    assert caught.value.code == "missing_glyphs"
    assert "🎭" in caught.value.message


def test_a_character_missing_from_the_chosen_family_falls_back_to_the_other():
    # Komi «Ԁ» is in Noto Serif but not in Inter.
    style = BrandStyle(title_font="inter", body_font="inter")
    spec = TextSpec("Ԁон Кихот", ("Сад",))
    poster = compose(img.flat(1080, 1080, (0, 0, 0)), spec, Canvas(1080, 1080), style)
    blocks = {block["role"]: block for block in poster.layout["blocks"]}
    assert blocks["title"]["font"] == "noto-serif"
    assert blocks["line"]["font"] == "inter"


def test_text_and_logo_never_overlap_and_logo_contrast_is_recorded():
    background = img.noise_with_calm_band(1080, 1920, (950, 1536))
    style = BrandStyle(logo=img.logo(colour=(240, 240, 240)), logo_corner="bottom-right")
    poster = compose(background, SPEC, STORY, style)
    logo = Box(*poster.layout["logo"]["box"])
    assert STORY.safe_box.contains(logo)
    assert logo.right > 900 and logo.bottom > 1400  # in its corner
    for block in poster.layout["blocks"]:
        for box in block["line_boxes"]:
            assert not Box(*box).intersects(logo)
    assert poster.layout["logo"]["contrast"] >= 3.0
    names = [check.name for check in layer_checks(poster, STORY)]
    assert "logo_contrast" in names and "palette" not in names


def test_a_logo_that_would_vanish_gets_a_plate():
    style = BrandStyle(logo=img.logo(colour=(30, 30, 30)), logo_corner="top-left")
    poster = compose(img.flat(1080, 1080, (25, 25, 25)), SPEC, Canvas(1080, 1080), style)
    assert poster.layout["logo"]["plate"] is not None
    assert poster.layout["logo"]["contrast"] >= 3.0


def test_landscape_cover_may_use_a_side_third():
    background = img.noise(1590, 400)
    background.paste((25, 30, 60), (0, 0, 560, 400))  # only the left third is calm
    canvas = Canvas(1590, 400)
    poster = compose(background, SPEC, canvas)
    assert set(poster.layout["zones"]) == {"top", "bottom", "left", "right"}
    assert poster.layout["zone"] == "left"
    assert Box(*poster.layout["text_box"]).right <= 560


def test_layout_is_json_and_records_what_the_brief_asks():
    poster = compose(img.painterly(576, 1024), SPEC, STORY, BrandStyle(logo=img.logo()))
    layout = json.loads(json.dumps(poster.layout))
    assert layout["canvas"] == {"width": 1080, "height": 1920}
    assert layout["safe_box"] == [0, 269, 1080, 1536]
    assert layout["zone"] in layout["zones"]
    for block in layout["blocks"]:
        assert {"text", "lines", "font", "size", "cap_height", "color", "box", "contrast"} <= set(
            block
        )
    assert [b["role"] for b in layout["blocks"]] == ["title", "line", "line"]
    assert {"box", "contrast"} <= set(layout["logo"])


def test_layer_checks_pass_on_a_good_poster_and_fail_when_it_is_spoiled():
    canvas = Canvas.from_percent(1080, 1080)
    poster = compose(img.flat(1080, 1080, (15, 20, 45)), SPEC, canvas)
    checks = layer_checks(poster, canvas, palette=["#0f142d"], palette_min_share=0.5)
    assert [c.name for c in checks] == [
        "size",
        "text_in_safe_zone",
        "text_fits",
        "text_contrast",
        "palette",
    ]
    assert all(check.passed for check in checks), checks
    json.dumps([check.__dict__ for check in checks])

    # Paint the title's surroundings in its own colour: the check must see it.
    spoiled = poster.image.copy()
    title = _title(poster.layout)
    left, top, right, bottom = title["box"]
    spoiled.paste(parse_hex(title["color"]), (left, top, right, bottom))
    failed = {c.name: c for c in layer_checks(type(poster)(spoiled, poster.layout), canvas)}
    assert not failed["text_contrast"].passed and failed["text_contrast"].value < 1.5

    moved = json.loads(json.dumps(poster.layout))
    moved["blocks"][0]["line_boxes"][0] = [-10, 5, 500, 100]
    failed = {c.name: c for c in layer_checks(type(poster)(poster.image, moved), canvas)}
    assert not failed["text_in_safe_zone"].passed and not failed["text_fits"].passed

    wrong_size = Canvas(1080, 1350)
    assert not layer_checks(poster, wrong_size)[0].passed


@pytest.mark.parametrize(
    ("fmt", "pil_format"), [("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP")]
)
def test_encode_round_trips(fmt, pil_format):
    poster = compose(img.painterly(576, 1024), SPEC, STORY)
    data = encode(poster.image, fmt)
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == pil_format and decoded.size == (1080, 1920)
    error = np.abs(
        np.asarray(decoded.convert("RGB"), dtype=np.int16)
        - np.asarray(poster.image, dtype=np.int16)
    ).mean()
    assert error < (0.01 if fmt == "png" else 6)
