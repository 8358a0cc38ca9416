"""Synthetic backgrounds and logos for the engine's tests: known pixels, no provider."""

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def flat(width: int, height: int, rgb: tuple[int, int, int]) -> Image.Image:
    return Image.new("RGB", (width, height), rgb)


def noise(width: int, height: int, *, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


def noise_with_calm_band(
    width: int, height: int, band: tuple[int, int], rgb=(30, 40, 70), *, seed: int = 0
) -> Image.Image:
    """Busy noise everywhere except one flat horizontal band (rows band[0]..band[1])."""
    image = noise(width, height, seed=seed)
    image.paste(rgb, (0, band[0], width, band[1]))
    return image


def painterly(width: int, height: int, *, seed: int = 1, light: bool = False) -> Image.Image:
    """A vertical gradient with soft colour blobs; the lower half busy with sharp strokes."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    top, bottom = (
        (np.array([236, 228, 214]), np.array([250, 244, 232]))
        if light
        else (np.array([22, 28, 58]), np.array([120, 40, 60]))
    )
    base = top * (1 - y) + bottom * y
    image = Image.fromarray(np.broadcast_to(base, (height, width, 3)).astype(np.uint8), "RGB")
    blobs = Image.new("RGB", (width, height))
    mask = Image.new("L", (width, height))
    draw, draw_mask = ImageDraw.Draw(blobs), ImageDraw.Draw(mask)
    for _ in range(14):
        cx, cy = rng.uniform(0, width), rng.uniform(0.15 * height, height)
        r = rng.uniform(0.08, 0.25) * min(width, height)
        colour = (
            tuple(int(c) for c in rng.integers(120, 255, 3))
            if not light
            else (tuple(int(c) for c in rng.integers(190, 250, 3)))
        )
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
        draw_mask.ellipse([cx - r, cy - r, cx + r, cy + r], fill=150)
    blur = max(4, min(width, height) // 25)
    image.paste(
        blobs.filter(ImageFilter.GaussianBlur(blur)),
        mask=mask.filter(ImageFilter.GaussianBlur(blur)),
    )
    if not light:  # a busy lower half: crisp strokes like foliage or a crowd
        draw = ImageDraw.Draw(image)
        for _ in range(260):
            x, yy = rng.uniform(0, width), rng.uniform(0.55 * height, height)
            length = rng.uniform(10, 60) * width / 1000
            colour = tuple(int(c) for c in rng.integers(0, 255, 3))
            draw.line([x, yy, x + length, yy - length * rng.uniform(-1, 1)], fill=colour, width=3)
    return image


def bright_disc(width: int, height: int, centre: tuple[int, int], radius: int) -> Image.Image:
    """A dark picture with one bright disc: a subject the crop must keep."""
    image = flat(width, height, (20, 20, 30))
    x, y = centre
    ImageDraw.Draw(image).ellipse(
        [x - radius, y - radius, x + radius, y + radius], fill=(250, 240, 200)
    )
    return image


def logo(width: int = 400, height: int = 200, colour=(200, 30, 40)) -> Image.Image:
    """A two-part mark on transparency: a filled circle and a bar."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([0, 0, height - 1, height - 1], fill=(*colour, 255))
    draw.rectangle(
        [height + height // 6, height // 3, width - 1, 2 * height // 3], fill=(*colour, 255)
    )
    return image


def png_bytes(image: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()
