"""Colour arithmetic on numpy arrays: WCAG contrast and CIEDE2000 palette adherence.

Contrast is WCAG 2's (relative luminance of linearised sRGB). Colour distance is CIEDE2000
in CIE Lab (D65), vectorised, after Sharma, Wu & Dalal (2005).
"""

from collections.abc import Sequence

import numpy as np
from PIL import Image

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
NEAR_BLACK: RGB = (17, 17, 17)
BLACK: RGB = (0, 0, 0)


def parse_hex(value: str) -> RGB:
    """ "#rrggbb" (or "#rgb") to an RGB tuple; anything else is a ValueError."""
    text = value.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"Not a hex colour: {value!r}")
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def to_hex(rgb: Sequence[float]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(c) for c in rgb[:3]))


def _linearise_float(srgb: np.ndarray) -> np.ndarray:
    c = np.asarray(srgb, dtype=np.float32) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


_LINEAR = _linearise_float(np.arange(256)).astype(np.float32)


def linearise(srgb: np.ndarray) -> np.ndarray:
    """sRGB 0..255 to linear light 0..1 (the WCAG formula); a table lookup for 8-bit pixels."""
    srgb = np.asarray(srgb)
    if srgb.dtype == np.uint8:
        return _LINEAR[srgb]
    return _linearise_float(srgb)


def luminance_array(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance of every pixel of an (..., 3) sRGB array."""
    lin = linearise(rgb)
    return lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG relative luminance of one sRGB colour, 0 (black) .. 1 (white)."""
    return float(luminance_array(np.asarray(rgb[:3], dtype=np.float32)))


def contrast_of_luminances(l1: np.ndarray | float, l2: np.ndarray | float) -> np.ndarray:
    high, low = np.maximum(l1, l2), np.minimum(l1, l2)
    return (high + 0.05) / (low + 0.05)


def wcag_contrast(rgb1: Sequence[float], rgb2: Sequence[float]) -> float:
    """WCAG contrast ratio, 1..21; body text needs 4.5, large marks 3."""
    return float(contrast_of_luminances(relative_luminance(rgb1), relative_luminance(rgb2)))


def worst_contrast(colour: Sequence[float], backdrop: np.ndarray, percentile: float = 10) -> float:
    """Contrast of `colour` against a backdrop's pixels, at the backdrop's worse side.

    The 10th percentile of the per-pixel contrast is the bright side of the backdrop for
    light text and the dark side for dark text: a few stray pixels do not decide it.
    """
    if backdrop.size == 0:
        return 21.0
    per_pixel = contrast_of_luminances(relative_luminance(colour), luminance_array(backdrop))
    return float(np.percentile(per_pixel, percentile))


_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB 0..255 to CIE Lab under D65."""
    xyz = linearise(rgb).astype(np.float64) @ _XYZ.T / _WHITE_D65
    delta = 6 / 29
    f = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def delta_e_2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 between Lab arrays that broadcast against each other."""
    lab1, lab2 = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma_zero = (c1p * c2p) == 0

    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma_zero, 0, dh)
    d_big_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))

    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum, h_diff = h1p + h2p, np.abs(h1p - h2p)
    h_mean = np.where(
        h_diff <= 180, h_sum / 2, np.where(h_sum < 360, (h_sum + 360) / 2, (h_sum - 360) / 2)
    )
    h_mean = np.where(chroma_zero, h_sum, h_mean)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    d_theta = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * cp_mean
    s_h = 1 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return np.sqrt(
        (dl / s_l) ** 2
        + (dc / s_c) ** 2
        + (d_big_h / s_h) ** 2
        + r_t * (dc / s_c) * (d_big_h / s_h)
    )


def downsample(image: Image.Image, max_side: int = 256) -> Image.Image:
    """Statistics over a poster do not need every pixel; a box filter keeps the averages."""
    image = image.convert("RGB")
    scale = max(image.width, image.height) / max_side
    if scale <= 1:
        return image
    size = (max(1, round(image.width / scale)), max(1, round(image.height / scale)))
    return image.resize(size, Image.Resampling.BOX)


def palette_adherence(
    image: Image.Image, colors: Sequence[str], *, max_delta_e: float = 20.0
) -> float:
    """Share of pixels within CIEDE2000 `max_delta_e` of any of the named colours."""
    if not colors:
        return 0.0
    pixels = np.asarray(downsample(image)).reshape(-1, 3)
    # Posters repeat colours a lot: compare each distinct colour once.
    unique, counts = np.unique(pixels, axis=0, return_counts=True)
    lab = srgb_to_lab(unique)[:, None, :]
    palette = srgb_to_lab(np.array([parse_hex(c) for c in colors], dtype=np.float64))[None]
    close = (delta_e_2000(lab, palette) <= max_delta_e).any(axis=1)
    return float(counts[close].sum() / counts.sum())
