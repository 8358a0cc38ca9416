"""Pixel rectangles: the canvas, its safe area and the boxes the layout places."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SafeInsets:
    """How far from each edge the platform's interface may cover the poster, in pixels."""

    top: int = 0
    right: int = 0
    bottom: int = 0
    left: int = 0


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels; right and bottom are exclusive, like Pillow's boxes."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)

    def contains(self, other: "Box") -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def intersects(self, other: "Box") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def expand(self, by: int) -> "Box":
        return Box(self.left - by, self.top - by, self.right + by, self.bottom + by)

    def clamp(self, outer: "Box") -> "Box":
        return Box(
            max(self.left, outer.left),
            max(self.top, outer.top),
            min(self.right, outer.right),
            min(self.bottom, outer.bottom),
        )

    def shift(self, dx: int, dy: int) -> "Box":
        return Box(self.left + dx, self.top + dy, self.right + dx, self.bottom + dy)

    def as_list(self) -> list[int]:
        return [self.left, self.top, self.right, self.bottom]

    @classmethod
    def union(cls, boxes: "list[Box]") -> "Box":
        return cls(
            min(b.left for b in boxes),
            min(b.top for b in boxes),
            max(b.right for b in boxes),
            max(b.bottom for b in boxes),
        )


@dataclass(frozen=True)
class Canvas:
    """The poster's pixel size and the part of it no interface covers."""

    width: int
    height: int
    safe: SafeInsets = SafeInsets()

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"Canvas size must be positive, got {self.width}×{self.height}")
        box = self.safe_box
        if box.width <= 0 or box.height <= 0:
            raise ValueError(f"Safe insets {self.safe} leave no room on the canvas")

    @property
    def box(self) -> Box:
        return Box(0, 0, self.width, self.height)

    @property
    def safe_box(self) -> Box:
        s = self.safe
        return Box(s.left, s.top, self.width - s.right, self.height - s.bottom)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @classmethod
    def from_percent(
        cls,
        width: int,
        height: int,
        top_pct: float = 0,
        right_pct: float = 0,
        bottom_pct: float = 0,
        left_pct: float = 0,
    ) -> "Canvas":
        """Formats store their safe zones in percent, so one spec serves every size."""
        return cls(
            width,
            height,
            SafeInsets(
                top=round(height * top_pct / 100),
                right=round(width * right_pct / 100),
                bottom=round(height * bottom_pct / 100),
                left=round(width * left_pct / 100),
            ),
        )
