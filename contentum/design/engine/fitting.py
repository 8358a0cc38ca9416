"""Typesetting: font sizes, line breaks and line positions of the poster's text block.

Sizes are expressed through cap height (the height of «Н») as a share of the poster's
height, because that is what decides whether a title reads on a phone: the title may
not go under 3 % (and need not go over 9 %), detail lines not under 1.6 %.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

from contentum.design.engine.errors import LayoutError
from contentum.design.engine.fonts import (
    SHIPPED_FAMILIES,
    Role,
    cap_height_ratio,
    font_path,
    load_font,
    missing_glyphs,
    text_length,
)
from contentum.design.engine.geometry import Box

TITLE_MIN_CAP, TITLE_MAX_CAP = 0.03, 0.09
BODY_MIN_CAP, BODY_MAX_CAP = 0.016, 0.022
BODY_SHARE = 0.45  # detail lines at a bit under half the title size
MAX_TITLE_LINES, MAX_DETAIL_LINES = 3, 2
TITLE_LEADING, BODY_LEADING = 1.08, 1.3
_SPACES = re.compile(r"[ \t\r\n]+")  # never the no-break space: it is there to hold words


@dataclass
class SetLine:
    text: str
    x: int  # origin of the baseline (Pillow anchor "ls"), relative to the block
    y: int
    box: Box  # ink box, relative to the block


@dataclass
class SetBlock:
    role: str  # "title" | "line" | "call_to_action"
    text: str
    font: str  # shipped family key or uploaded font path
    font_role: Role
    path: str
    size: int
    cap_height: int
    lines: list[SetLine] = field(default_factory=list)

    @property
    def box(self) -> Box:
        return Box.union([line.box for line in self.lines])


@dataclass
class Typeset:
    blocks: list[SetBlock]

    @property
    def box(self) -> Box:
        return Box.union([block.box for block in self.blocks])


def resolve_font(text: str, preferred: str, role: Role) -> str:
    """The preferred font if it has every character, else the first shipped one that does."""
    missing = missing_glyphs(text, preferred, role)
    if not missing:
        return preferred
    for family in SHIPPED_FAMILIES:
        if family != preferred and not missing_glyphs(text, family, role):
            return family
    shown = ", ".join(f"«{char}» (U+{ord(char):04X})" for char in missing)
    raise LayoutError(
        f"В шрифтах постера нет символов {shown} из текста «{text}». Уберите их из текста.",
        "missing_glyphs",
    )


def words_of(text: str) -> list[str]:
    return [word for word in _SPACES.split(text.strip()) if word]


def break_lines(
    words: list[str], path: str, size: int, limit: int, max_lines: int
) -> list[str] | None:
    """The fewest lines (≤ max_lines) of at most `limit` px, as even as possible; or None.

    Breaks only at spaces, so a word is never cut.
    """
    widths = [text_length(path, size, word) for word in words]
    space = text_length(path, size, " ")
    if max(widths) > limit or sum(widths) + space * (len(words) - 1) > limit * max_lines:
        return None
    prefix = list(itertools.accumulate(widths, initial=0.0))

    def span(i: int, j: int) -> float:
        return prefix[j] - prefix[i] + space * (j - i - 1)

    n = len(words)
    for count in range(1, min(max_lines, n) + 1):
        best: tuple[float, tuple[int, ...]] | None = None
        for cuts in itertools.combinations(range(1, n), count - 1):
            bounds = (0, *cuts, n)
            widest = max(span(a, b) for a, b in itertools.pairwise(bounds))
            if widest <= limit and (best is None or widest < best[0]):
                best = (widest, bounds)
        if best is not None:
            lines = [" ".join(words[a:b]) for a, b in itertools.pairwise(best[1])]
            # Kerning across words is not in the sum: confirm with the real measure.
            if all(text_length(path, size, line) <= limit for line in lines):
                return lines
    return None


def size_for_cap(path: str, cap: float) -> int:
    return max(1, round(cap / cap_height_ratio(path)))


def _set_block(
    role: str, text: str, font: str, font_role: Role, size: int, lines: list[str]
) -> SetBlock:
    path = str(font_path(font, font_role))
    cap = round(cap_height_ratio(path) * size)
    block = SetBlock(role, text, font, font_role, path, size, cap)
    ttf = load_font(path, size)
    for line in lines:
        left, top, right, bottom = ttf.getbbox(line, anchor="ls")
        block.lines.append(SetLine(line, 0, 0, Box(left, top, right, bottom)))
    return block


def _stack(blocks: list[SetBlock], width: int, align: str) -> Typeset:
    """Baselines one under another, aligned inside `width`; block top at the first ink."""
    y = 0.0
    previous: SetBlock | None = None
    for block in blocks:
        leading = TITLE_LEADING if block.role == "title" else BODY_LEADING
        if previous is not None:
            gap = 0.4 * previous.size if previous.role == "title" else 0.3 * block.size
            if block.role == "call_to_action":
                gap = 0.9 * block.size
            y += previous.size * (BODY_LEADING - 1) + gap
        for index, line in enumerate(block.lines):
            y += block.size * (leading if index else 1.0)
            ink = line.box
            if align == "left":
                x = -ink.left
            elif align == "right":
                x = width - ink.right
            else:
                x = round((width - ink.width) / 2 - ink.left)
            line.x, line.y = x, round(y)
            line.box = ink.shift(x, round(y))
        previous = block
    typeset = Typeset(blocks)
    top = typeset.box.top
    for block in blocks:
        for line in block.lines:
            line.y -= top
            line.box = line.box.shift(0, -top)
    return typeset


def _details(
    spec_lines: list[tuple[str, str, str]], width: int, target: int, low: int
) -> list[SetBlock]:
    """Detail lines share one size: the largest ≤ target at which each fits in two lines."""
    for size in range(max(target, low), low - 1, -1):
        blocks = []
        for role, text, font in spec_lines:
            path = str(font_path(font, "body"))
            lines = break_lines(words_of(text), path, size, width, MAX_DETAIL_LINES)
            if lines is None:
                break
            blocks.append(_set_block(role, text, font, "body", size, lines))
        else:
            return blocks
        if size == low:
            raise LayoutError(
                f"Строка «{text}» не помещается в ширину постера даже в две строки шрифтом "
                f"{low} px (меньше не прочитать с телефона). Сократите её.",
                "line_too_long",
            )
    return []


def reference_height(width: int, height: int) -> float:
    """The height that sizes are shares of: a wide cover is seen scaled down to fit its
    width, so its ceilings (and the detail floor) grow with the ratio, up to twice."""
    return height * min(2.0, max(1.0, math.sqrt(width / height)))


def typeset(
    title: str,
    details: list[tuple[str, str]],
    *,
    title_font: str,
    body_font: str,
    width: int,
    max_height: int,
    canvas_size: tuple[int, int],
    align: str = "center",
) -> Typeset | None:
    """The text block at the largest title size that fits `width`×`max_height`.

    `details` are (role, text) pairs. Returns None when only the height does not fit (try
    another zone); raises LayoutError when the text cannot fit this width at all.
    """
    words = words_of(title)
    if not words:
        raise LayoutError("У постера нет названия.", "title_empty")
    t_font = resolve_font(title, title_font, "title")
    t_path = str(font_path(t_font, "title"))
    canvas_height, reference = canvas_size[1], reference_height(*canvas_size)
    low = math.ceil(TITLE_MIN_CAP * canvas_height / cap_height_ratio(t_path))
    high = max(low, math.floor(TITLE_MAX_CAP * reference / cap_height_ratio(t_path)))
    resolved = [(role, text, resolve_font(text, body_font, "body")) for role, text in details]
    b_path = str(font_path(body_font if not resolved else resolved[0][2], "body"))
    body_low = math.ceil(BODY_MIN_CAP * reference / cap_height_ratio(b_path))
    body_high = max(body_low, math.floor(BODY_MAX_CAP * reference / cap_height_ratio(b_path)))

    if break_lines(words, t_path, low, width, MAX_TITLE_LINES) is None:
        _raise_title_error(words, t_path, low, width)
    detail_cache: dict[int, list[SetBlock]] = {}

    def attempt(size: int) -> Typeset | None:
        lines = break_lines(words, t_path, size, width, MAX_TITLE_LINES)
        if lines is None:
            return None
        target = min(body_high, max(body_low, round(BODY_SHARE * size)))
        if target not in detail_cache:
            detail_cache[target] = _details(resolved, width, target, body_low)
        detail_blocks = [_copy(block) for block in detail_cache[target]]
        head = _set_block("title", title, t_font, "title", size, lines)
        result = _stack([head, *detail_blocks], width, align)
        return result if result.box.height <= max_height else None

    best = attempt(low)
    if best is None:
        return None
    lo, hi = low, high  # attempt(lo) fits; find the largest size that still does
    while lo < hi:
        mid = (lo + hi + 1) // 2
        found = attempt(mid)
        if found is not None:
            lo, best = mid, found
        else:
            hi = mid - 1
    return best


def _copy(block: SetBlock) -> SetBlock:
    lines = [SetLine(line.text, line.x, line.y, line.box) for line in block.lines]
    return SetBlock(
        block.role,
        block.text,
        block.font,
        block.font_role,
        block.path,
        block.size,
        block.cap_height,
        lines,
    )


def _raise_title_error(words: list[str], path: str, size: int, width: int) -> None:
    font = load_font(path, size)
    for word in words:
        if font.getlength(word) > width:
            raise LayoutError(
                f"Слово «{word}» не помещается в ширину постера даже шрифтом {size} px "
                "(высота заглавных — 3 % высоты постера). Сократите или разбейте его.",
                "word_too_long",
            )
    text = " ".join(words)
    per_char = font.getlength(text) / len(text)
    limit = int(MAX_TITLE_LINES * width / per_char * 0.9)
    raise LayoutError(
        f"Название слишком длинное для этого формата: даже самым мелким допустимым шрифтом "
        f"({size} px, высота заглавных 3 % высоты постера) в {MAX_TITLE_LINES} строки "
        f"помещается около {limit} символов, а в названии {len(text)}. Сократите название.",
        "title_too_long",
    )
