"""From the size a provider can draw to the exact size of the format.

Providers draw sides up to 1024 in steps of 64, formats are e.g. 1080×1920. We ask for the
nearest drawable size with the same ratio, then scale to cover the format and crop around
the picture's centre of interest, so an off-centre subject is not cut away.
"""

import math
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image

# A crop of ≤ 1 % is invisible; up to 3 % is acceptable for a bigger, sharper drawing.
_RATIO_TIERS = (0.01, 0.03)


def drawable_size(
    width: int, height: int, *, max_side: int = 1024, step: int = 64
) -> tuple[int, int]:
    """The largest size in multiples of `step` (≤ `max_side`) with nearly this ratio."""
    if width <= 0 or height <= 0:
        raise ValueError(f"Size must be positive, got {width}×{height}")
    target = math.log(width / height)
    sides = range(step, max_side + 1, step)
    candidates = [(abs(math.log(w / h) - target), w * h, w, h) for w in sides for h in sides]
    for tolerance in _RATIO_TIERS:
        close = [c for c in candidates if c[0] <= math.log1p(tolerance)]
        if close:
            _, _, w, h = max(close, key=lambda c: (c[1], -c[0]))
            return w, h
    _, _, w, h = min(candidates, key=lambda c: (round(c[0], 6), -c[1]))
    return w, h


@runtime_checkable
class Upscaler(Protocol):
    """Turns a background into exactly width×height; a model-based upscaler plugs in here."""

    def resize(self, image: Image.Image, width: int, height: int) -> Image.Image: ...


def centre_of_interest(image: Image.Image) -> tuple[float, float]:
    """Where the picture's subject is, as fractions (x, y) of its size.

    The centroid of "interest": edge energy plus distance from the mean colour, on a small
    copy. A flat background scores nothing, the subject (edges, a bright or dark mass)
    pulls the centroid towards itself. Falls back to the middle for a blank image.
    """
    small = image.convert("L")
    small.thumbnail((128, 128), Image.Resampling.BOX)
    lum = np.asarray(small, dtype=np.float32)
    gy, gx = np.gradient(lum)
    weight = np.hypot(gx, gy) + np.abs(lum - np.median(lum))
    weight = weight**2  # let strong features dominate a noisy but even texture
    total = float(weight.sum())
    if total <= 1e-6:
        return 0.5, 0.5
    ys, xs = np.mgrid[0 : lum.shape[0], 0 : lum.shape[1]]
    cx = float((weight * (xs + 0.5)).sum() / total / lum.shape[1])
    cy = float((weight * (ys + 0.5)).sum() / total / lum.shape[0])
    return cx, cy


class LanczosCoverUpscaler:
    """Lanczos scaling to cover the target, cropped around the centre of interest."""

    def resize(self, image: Image.Image, width: int, height: int) -> Image.Image:
        image = image.convert("RGB")
        scale = max(width / image.width, height / image.height)
        # The crop, in source pixels, that scales to exactly width×height.
        crop_w, crop_h = width / scale, height / scale
        cx, cy = centre_of_interest(image)
        left = min(max(cx * image.width - crop_w / 2, 0.0), image.width - crop_w)
        top = min(max(cy * image.height - crop_h / 2, 0.0), image.height - crop_h)
        box = (left, top, left + crop_w, top + crop_h)
        return image.resize((width, height), Image.Resampling.LANCZOS, box=box)


def fit_to_canvas(
    image: Image.Image, width: int, height: int, upscaler: Upscaler | None = None
) -> Image.Image:
    """The background as RGB at exactly width×height."""
    if image.size == (width, height):
        return image.convert("RGB")
    fitted = (upscaler or LanczosCoverUpscaler()).resize(image, width, height).convert("RGB")
    if fitted.size != (width, height):
        # A plug-in upscaler may return a near size; the canvas size is not negotiable.
        fitted = LanczosCoverUpscaler().resize(fitted, width, height)
    return fitted
