"""Colours the simulation reads from a Russian prompt: colour words and mood words."""

import colorsys
import re
from collections.abc import Callable

RGB = tuple[int, int, int]

# Patterns start at a word boundary so "прекрасный" is not red and "синтез" is not blue.
COLOUR_WORDS: list[tuple[str, list[RGB]]] = [
    (r"красн|алы[йея]", [(214, 40, 57), (240, 96, 80)]),
    (r"оранж", [(247, 140, 30), (255, 179, 71)]),
    (r"желт", [(250, 210, 50), (255, 232, 120)]),
    (r"золот", [(212, 175, 55), (240, 200, 90), (150, 110, 30)]),
    (r"зелен", [(46, 160, 67), (120, 200, 120)]),
    (r"изумруд", [(20, 140, 100)]),
    (r"мятн", [(152, 230, 200)]),
    (r"бирюз", [(32, 190, 190)]),
    (r"голуб", [(100, 180, 240), (170, 215, 250)]),
    (r"син(?:[иеяю]|ев)", [(30, 70, 180), (60, 110, 220)]),
    (r"фиолет", [(120, 60, 180), (160, 100, 220)]),
    (r"лилов|сирен", [(180, 130, 220)]),
    (r"розов", [(240, 130, 170), (250, 190, 210)]),
    (r"бордов", [(120, 20, 40)]),
    (r"вишнев", [(145, 30, 66), (190, 60, 90)]),
    (r"малинов", [(194, 24, 91)]),
    (r"кремов", [(245, 230, 200)]),
    (r"графит", [(58, 58, 58)]),
    (r"оливк|оливков", [(128, 128, 0)]),
    (r"коралл", [(255, 127, 100)]),
    (r"терракот", [(200, 100, 70)]),
    (r"коричн|шоколад", [(120, 75, 40), (170, 120, 80)]),
    (r"беж|песочн", [(225, 200, 165)]),
    (r"серебр", [(192, 192, 200), (150, 155, 165)]),
    (r"сер(?:ый|ая|ое|ые|ого|ой|ых)\b", [(128, 128, 135)]),
    (r"бел(?:[ыоа]|изн)", [(245, 245, 240)]),
    (r"черн", [(20, 20, 25)]),
    (r"неон", [(57, 255, 20), (255, 20, 147), (0, 240, 255)]),
]

# Used when the prompt names no colour: the text's hash picks one.
DEFAULT_PALETTES: list[list[RGB]] = [
    [(38, 70, 83), (42, 157, 143), (233, 196, 106), (244, 162, 97), (231, 111, 81)],
    [(8, 28, 21), (27, 67, 50), (45, 106, 79), (116, 198, 157), (216, 243, 220)],
    [(255, 190, 11), (251, 86, 7), (255, 0, 110), (131, 56, 236), (58, 134, 255)],
    [(13, 27, 42), (27, 38, 59), (65, 90, 119), (119, 141, 169), (224, 225, 221)],
    [(247, 37, 133), (114, 9, 183), (58, 12, 163), (67, 97, 238), (76, 201, 240)],
    [(96, 108, 56), (40, 54, 24), (254, 250, 224), (221, 161, 94), (188, 108, 37)],
]


def mix(colour: RGB, other: RGB, share: float) -> RGB:
    return tuple(round(c * (1 - share) + o * share) for c, o in zip(colour, other, strict=True))


def luminance(colour: RGB) -> float:
    """Perceived brightness (ITU-R 601, as Pillow's "L" mode) on 0..255."""
    r, g, b = colour
    return 0.299 * r + 0.587 * g + 0.114 * b


def _saturate(colour: RGB, factor: float) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
    r, g, b = colorsys.hsv_to_rgb(h, min(1.0, s * factor), v)
    return round(r * 255), round(g * 255), round(b * 255)


# Mood words change every colour; applied in this order when several are present.
MOODS: list[tuple[str, Callable[[RGB], RGB]]] = [
    (r"пастел", lambda c: mix(c, (255, 255, 255), 0.5)),
    (r"светл", lambda c: mix(c, (255, 255, 255), 0.3)),
    (r"темн|мрачн|ночн", lambda c: mix(c, (10, 10, 20), 0.45)),
    (r"ярк|насыщенн|сочн", lambda c: _saturate(c, 1.4)),
    (r"приглуш|мягк|спокойн", lambda c: _saturate(c, 0.5)),
]


def _normalise(text: str) -> str:
    return text.lower().replace("ё", "е")


def _found(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(rf"\b(?:{pattern})", text)


def palette_for(prompt: str, seed: int) -> list[RGB]:
    """At least three colours: the named ones in the order they appear, moods applied."""
    text = _normalise(prompt)
    named = sorted(
        (match.start(), colours)
        for pattern, colours in COLOUR_WORDS
        if (match := _found(pattern, text))
    )
    colours = [colour for _, group in named for colour in group]
    if not colours:
        colours = list(DEFAULT_PALETTES[seed % len(DEFAULT_PALETTES)])
    # One named colour still needs a light and a dark companion to draw with.
    companions = [mix(colours[0], (255, 255, 255), 0.4), mix(colours[0], (0, 0, 0), 0.4)]
    colours += companions[: max(0, 3 - len(colours))]
    for pattern, change in MOODS:
        if _found(pattern, text):
            colours = [change(colour) for colour in colours]
    return colours
