"""Checking format and brand kit input before anything is written.

Every problem is gathered per field and raised as one ApplicationError (400): the API and
the admin's forms show the same messages. Nothing here writes; uploads are read (and
rewound) to be checked and come back as the content to store.
"""

import math
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile

from contentum.common.exceptions import VALIDATION_MESSAGE, ApplicationError
from contentum.common.serializers import printable
from contentum.design.engine import (
    SHIPPED_FAMILIES,
    InvalidFont,
    InvalidLogo,
    inspect_font,
    load_logo,
)
from contentum.design.models import (
    MAX_LOGO_WIDTH_PCT,
    MAX_PROMPT_ADDITION_LENGTH,
    MAX_SAFE_INSET_PCT,
    MAX_SAFE_SUM_PCT,
    MAX_SIDE,
    MIN_LOGO_WIDTH_PCT,
    MIN_SIDE,
    SAFE_FIELDS,
    BrandKit,
    ColorRole,
    Format,
    LogoCorner,
    Platform,
)

FORMAT_FIELDS = ("name", "platform", "width", "height", *SAFE_FIELDS, "is_active", "sort_order")
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY_TAKEN = "Формат с таким ключом уже есть."
SAFE_LABELS = {
    "safe_top_pct": "сверху",
    "safe_right_pct": "справа",
    "safe_bottom_pct": "снизу",
    "safe_left_pct": "слева",
}

KIT_FIELDS = (
    "name",
    "colors",
    "title_font",
    "body_font",
    "logo_corner",
    "logo_width_pct",
    "style_words",
    "negative_prompt",
)
FONT_FILE_FIELDS = ("title_font_file", "body_font_file")
FILE_FIELDS = (*FONT_FILE_FIELDS, "logo")
NAME_TAKEN = "Фирменный стиль с таким названием уже есть."
HEX = re.compile(r"#[0-9a-fA-F]{6}")
MAX_COLORS = 12
COLOR_SHAPE = 'Ожидается список цветов: [{"hex": "#rrggbb", "role": "primary"}, …].'


class Problems:
    """Messages gathered per field, raised together as one 400."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if not self.errors:
            return
        messages = {m: None for ms in self.errors.values() for m in ms}  # one rule, two fields
        message = next(iter(messages)) if len(messages) == 1 else VALIDATION_MESSAGE
        raise ApplicationError(message, errors=self.errors)


def _shown(value: Any) -> str:
    """A value as it may be echoed in a message: printable and short."""
    text = printable(str(value))
    return text if len(text) <= 20 else f"{text[:20]}…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(problems: Problems, field: str, value: Any, *, limit: int, required: bool) -> None:
    if not isinstance(value, str):
        problems.add(field, "Ожидается строка.")
    elif required and not value.strip():
        problems.add(field, "Поле не может быть пустым.")
    elif len(value) > limit:
        problems.add(field, f"Не больше {limit} символов.")


# --- Formats ------------------------------------------------------------------------------


def format_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a format's complete set of values (empty when nothing)."""
    problems = Problems()
    key = values.get("key")
    if not isinstance(key, str) or len(key) > 50 or not KEY.fullmatch(key):
        problems.add(
            "key",
            "Ключ — до 50 строчных латинских букв и цифр, слова через дефис (например, story-hd).",
        )
    _text(problems, "name", values.get("name"), limit=100, required=True)
    if values.get("platform") not in Platform.values:
        problems.add("platform", f"Площадка — одна из: {', '.join(Platform.values)}.")
    for field, label in (("width", "Ширина"), ("height", "Высота")):
        value = values.get(field)
        if not isinstance(value, int) or isinstance(value, bool):
            problems.add(field, "Ожидается целое число пикселей.")
        elif not MIN_SIDE <= value <= MAX_SIDE:
            problems.add(
                field, f"{label} {value} px вне допустимого: от {MIN_SIDE} до {MAX_SIDE} px."
            )
    for field in SAFE_FIELDS:
        value = values.get(field)
        if not _is_number(value) or not 0 <= value <= MAX_SAFE_INSET_PCT:
            problems.add(
                field,
                f"Отступ безопасной зоны {SAFE_LABELS[field]} — число от 0 до "
                f"{MAX_SAFE_INSET_PCT} %, получено {_shown(value)}.",
            )
    if not problems.errors.keys() & set(SAFE_FIELDS):
        for first, second, axis in (
            ("safe_top_pct", "safe_bottom_pct", "по высоте"),
            ("safe_left_pct", "safe_right_pct", "по ширине"),
        ):
            total = values[first] + values[second]
            if total >= MAX_SAFE_SUM_PCT:
                message = (
                    f"Безопасная зона не оставляет места {axis}: {SAFE_LABELS[first]} "
                    f"{values[first]:g} % + {SAFE_LABELS[second]} {values[second]:g} % = "
                    f"{total:g} %, а должно быть меньше {MAX_SAFE_SUM_PCT} %."
                )
                problems.add(first, message)
                problems.add(second, message)
    sort_order = values.get("sort_order")
    if not isinstance(sort_order, int) or isinstance(sort_order, bool) or sort_order < 0:
        problems.add("sort_order", "Порядок — целое число от 0.")
    if not isinstance(values.get("is_active"), bool):
        problems.add("is_active", "Ожидается true или false.")
    return problems.errors


def format_check(values: dict[str, Any], *, exclude: Any = None) -> None:
    """`format_problems` and a key no other format has (`exclude`: the one edited)."""
    problems = Problems()
    problems.errors.update(format_problems(values))
    taken = Format.objects.filter(key=values.get("key")).exclude(pk=exclude)
    if "key" not in problems.errors and taken.exists():
        problems.add("key", KEY_TAKEN)
    problems.raise_any()


# --- Brand kits -------------------------------------------------------------------------


def _colors(problems: Problems, colors: Any) -> list[dict[str, str]]:
    if not isinstance(colors, list):
        problems.add("colors", COLOR_SHAPE)
        return []
    if len(colors) > MAX_COLORS:
        problems.add("colors", f"Не больше {MAX_COLORS} цветов.")
        return []
    cleaned = []
    for index, item in enumerate(colors):
        field = f"colors.{index}"
        if not isinstance(item, dict):
            problems.add(field, 'Ожидается объект {"hex": "#rrggbb", "role": …}.')
            continue
        unknown = sorted(printable(str(k)) for k in set(item) - {"hex", "role"})
        if unknown:
            problems.add(field, f"Неизвестные поля: {', '.join(unknown)}.")
        hex_value, role = item.get("hex"), item.get("role")
        if not isinstance(hex_value, str) or not HEX.fullmatch(hex_value):
            problems.add(
                f"{field}.hex",
                f"Цвет «{_shown(hex_value)}» не в формате #rrggbb (например, #1a2b3c).",
            )
        if role not in ColorRole.values:
            problems.add(
                f"{field}.role",
                f"Неизвестная роль «{_shown(role)}»: допустимы {', '.join(ColorRole.values)}.",
            )
        if isinstance(hex_value, str) and role in ColorRole.values:
            cleaned.append({"hex": hex_value.lower(), "role": role})
    if sum(1 for c in colors if isinstance(c, dict) and c.get("role") == ColorRole.TEXT) > 1:
        problems.add("colors", "Цвет текста (role: text) может быть только один.")
    return cleaned


def _read(upload: Any, limit: int) -> bytes:
    """Up to `limit` + 1 bytes (enough to tell "too large"), the stream rewound after."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " МБ"


def _logo_file(problems: Problems, upload: Any) -> ContentFile | None:
    data = _read(upload, settings.DESIGN_LOGO_MAX_BYTES)
    try:
        load_logo(
            data,
            max_bytes=settings.DESIGN_LOGO_MAX_BYTES,
            max_side=settings.DESIGN_LOGO_MAX_SIDE,
        )
    except InvalidLogo as exc:
        problems.add("logo", exc.message)
        return None
    extension = "webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "png"
    return ContentFile(data, name=f"design/logos/{uuid.uuid4().hex}.{extension}")


def _font_file(problems: Problems, field: str, upload: Any) -> ContentFile | None:
    limit = settings.DESIGN_FONT_MAX_BYTES
    data = _read(upload, limit)
    if len(data) > limit:
        problems.add(field, f"Файл шрифта больше {_megabytes(limit)}: загрузите шрифт поменьше.")
        return None
    try:
        inspect_font(data)
    except InvalidFont as exc:
        problems.add(field, exc.message)
        return None
    extension = "otf" if data[:4] == b"OTTO" else "ttf"  # inspect_font takes no other kind
    return ContentFile(data, name=f"design/fonts/{uuid.uuid4().hex}.{extension}")


def brand_kit_check(
    *, values: dict[str, Any], uploads: dict[str, Any], exclude: Any = None
) -> tuple[dict[str, Any], dict[str, ContentFile | None]]:
    """Checks the given kit fields and uploads; nothing is written.

    Returns the cleaned values and, per file field, the content to store (None: remove
    the file). Raises one ApplicationError (400) naming every bad field.
    """
    problems = Problems()
    cleaned = dict(values)
    if "name" in values:
        _text(problems, "name", values["name"], limit=100, required=True)
        if "name" not in problems.errors:
            cleaned["name"] = values["name"].strip()
            taken = BrandKit.objects.filter(name=cleaned["name"]).exclude(pk=exclude)
            if taken.exists():
                problems.add("name", NAME_TAKEN)
    if "colors" in values:
        cleaned["colors"] = _colors(problems, values["colors"])
    for field in ("title_font", "body_font"):
        if field in values and values[field] not in SHIPPED_FAMILIES:
            problems.add(
                field,
                f"Неизвестный шрифт «{_shown(values[field])}». "
                f"Доступны: {', '.join(sorted(SHIPPED_FAMILIES))}; свой — файлом в {field}_file.",
            )
    if "logo_corner" in values and values["logo_corner"] not in LogoCorner.values:
        problems.add("logo_corner", f"Угол — один из: {', '.join(LogoCorner.values)}.")
    if "logo_width_pct" in values:
        width = values["logo_width_pct"]
        if not _is_number(width) or not MIN_LOGO_WIDTH_PCT <= width <= MAX_LOGO_WIDTH_PCT:
            problems.add(
                "logo_width_pct",
                f"Ширина логотипа — от {MIN_LOGO_WIDTH_PCT} до {MAX_LOGO_WIDTH_PCT} % ширины "
                f"постера, получено {_shown(width)}.",
            )
    for field in ("style_words", "negative_prompt"):
        if field in values:
            _text(problems, field, values[field], limit=MAX_PROMPT_ADDITION_LENGTH, required=False)

    files: dict[str, ContentFile | None] = {}
    for field, upload in uploads.items():
        if upload is None:
            files[field] = None
        elif field == "logo":
            files[field] = _logo_file(problems, upload)
        else:
            files[field] = _font_file(problems, field, upload)
    problems.raise_any()
    return cleaned, files
