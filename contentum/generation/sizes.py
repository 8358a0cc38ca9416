"""Aspect ratios as pixel sizes the providers accept: sides up to 1024, multiples of 64."""

from dataclasses import dataclass

from contentum.common.exceptions import ApplicationError

SIDE_STEP = 64
MIN_SIDE = 64
MAX_SIDE = 1024


@dataclass(frozen=True)
class ImageSize:
    width: int
    height: int

    @property
    def ratio(self) -> float:
        return self.width / self.height


# Kandinsky draws best near a megapixel; 4:5 and 2:3 cannot be exact at 1024 in steps of
# 64, so they use the largest exact multiples below it.
ASPECT_RATIOS: dict[str, ImageSize] = {
    "1:1": ImageSize(1024, 1024),
    "9:16": ImageSize(576, 1024),
    "16:9": ImageSize(1024, 576),
    "4:5": ImageSize(768, 960),
    "2:3": ImageSize(640, 960),
}


class UnsupportedSize(ApplicationError):
    """An aspect ratio or a size no provider can draw; views show it as a 400."""


def size_for_ratio(ratio: str) -> ImageSize:
    """The pixel size for an aspect ratio such as "16:9"."""
    key = ratio.strip().replace(" ", "")
    try:
        return ASPECT_RATIOS[key]
    except KeyError:
        known = ", ".join(ASPECT_RATIOS)
        message = f"Соотношение сторон «{ratio}» не поддерживается. Доступны: {known}."
        raise UnsupportedSize(message, errors={"aspect_ratio": [message]}) from None


def validate_size(*, width: int, height: int) -> ImageSize:
    """A requested size, refused unless each side is 64..1024 and a multiple of 64."""
    problems = [
        f"{label} {value} px"
        for label, value in (("ширина", width), ("высота", height))
        if not (MIN_SIDE <= value <= MAX_SIDE and value % SIDE_STEP == 0)
    ]
    if problems:
        message = (
            f"Размер изображения не поддерживается ({', '.join(problems)}): каждая сторона "
            f"должна быть от {MIN_SIDE} до {MAX_SIDE} px и кратна {SIDE_STEP}."
        )
        raise UnsupportedSize(message, errors={"size": [message]})
    return ImageSize(width, height)
