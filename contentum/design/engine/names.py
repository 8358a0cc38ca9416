"""Russian names for brand colours: an image model reads «бордовый», not «#8B0000»."""

from collections.abc import Sequence

import numpy as np

from contentum.design.engine.colour import delta_e_2000, parse_hex, srgb_to_lab

# Common names a prompt can carry, each at a typical sRGB value.
NAMED_COLOURS: dict[str, str] = {
    "белый": "#FFFFFF",
    "кремовый": "#F5E6C8",
    "бежевый": "#D8C3A5",
    "светло-серый": "#C8C8C8",
    "серый": "#808080",
    "графитовый": "#3A3A3A",
    "чёрный": "#000000",
    "красный": "#D62828",
    "алый": "#FF2400",
    "бордовый": "#7B1E2B",
    "вишнёвый": "#911E42",
    "розовый": "#F4A6C1",
    "малиновый": "#C2185B",
    "оранжевый": "#F28C28",
    "коричневый": "#6F4E37",
    "жёлтый": "#F7D633",
    "золотой": "#C9A227",
    "оливковый": "#808000",
    "ярко-зелёный": "#32E032",
    "зелёный": "#2E9E4F",
    "тёмно-зелёный": "#1F4D2B",
    "мятный": "#98E0C0",
    "бирюзовый": "#30B5B0",
    "голубой": "#7EC8F0",
    "синий": "#1F4FC1",
    "тёмно-синий": "#14213D",
    "фиолетовый": "#7B3FA0",
    "сиреневый": "#B59AD8",
}
_NAMES = list(NAMED_COLOURS)
_LAB = srgb_to_lab(np.array([parse_hex(v) for v in NAMED_COLOURS.values()], dtype=np.float64))


def colour_name(hex_value: str) -> str:
    """The nearest named colour by CIEDE2000."""
    lab = srgb_to_lab(np.array([parse_hex(hex_value)], dtype=np.float64))
    distances = delta_e_2000(np.repeat(lab, len(_NAMES), axis=0), _LAB)
    return _NAMES[int(np.argmin(distances))]


def colour_names(hex_values: Sequence[str]) -> list[str]:
    """Names for a palette, each once, in the palette's order."""
    names: list[str] = []
    for value in hex_values:
        name = colour_name(value)
        if name not in names:
            names.append(name)
    return names
