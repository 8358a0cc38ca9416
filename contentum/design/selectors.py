"""Reading formats and brand kits, and what the poster composer takes from them.

Who may see what is decided here: admins see every format and kit; anyone else sees the
active formats and the active kit only (others are "not found").
"""

import logging
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from rest_framework import status

from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.design.engine import BrandStyle, InvalidLogo, load_logo
from contentum.design.models import BrandKit, ColorRole, Format, Platform

logger = logging.getLogger(__name__)

FORMAT_NOT_FOUND = "Формат не найден."
NO_ACTIVE_FORMATS = "Нет доступных форматов публикации: обратитесь к администратору."
# What a brief gets when it names no format and no platform.
DEFAULT_FORMAT_KEY = "square"
BRAND_KIT_NOT_FOUND = "Фирменный стиль не найден."
# "9:16", "9 : 16", "9x16", "9×16", "9/16".
RATIO = re.compile(r"\s*(\d{1,5})\s*[:x×/]\s*(\d{1,5})\s*")


def _not_found(message: str, field: str) -> ApplicationError:
    return ApplicationError(
        message, errors={field: [message]}, status_code=status.HTTP_404_NOT_FOUND
    )


def _sees_everything(user: Any) -> bool:
    """Internal callers (no user) and admins see inactive formats too."""
    return user is None or bool(getattr(user, "is_admin", False))


# --- Formats ------------------------------------------------------------------------------


def format_list(*, user: Any = None) -> QuerySet[Format]:
    """Every format for admins and internal callers (`user=None`); active ones for others."""
    formats = Format.objects.all()
    return formats if _sees_everything(user) else formats.filter(is_active=True)


def format_get(key: str, *, user: Any = None) -> Format:
    """The format with this key (inactive ones only for admins and internal callers), else
    a 404 ApplicationError."""
    try:
        return format_list(user=user).get(key=key)
    except Format.DoesNotExist as exc:
        raise _not_found(FORMAT_NOT_FOUND, "format") from exc


def formats_for_platform(platform: str) -> QuerySet[Format]:
    """Active formats made for `platform` and those for any platform; `any`: all active."""
    formats = Format.objects.filter(is_active=True)
    if platform == Platform.ANY:
        return formats
    return formats.filter(Q(platform=platform) | Q(platform=Platform.ANY))


def parse_ratio(ratio: str) -> Fraction | None:
    """ "9:16" (also "9x16", "9×16", "9/16") as a fraction; None when it is not a ratio."""
    match = RATIO.fullmatch(str(ratio))
    if match is None:
        return None
    width, height = int(match.group(1)), int(match.group(2))
    if not width or not height:
        return None
    return Fraction(width, height)


def active_formats() -> list[Format]:
    """Every active format in menu order: one query, for callers that pick among them."""
    return list(Format.objects.filter(is_active=True))


def _loaded(formats: Iterable[Format] | None) -> list[Format]:
    return active_formats() if formats is None else list(formats)


def _exact_for_ratio(wanted: Fraction, formats: list[Format]) -> Format | None:
    """Of the formats with exactly this ratio, the one with the most pixels."""
    exact = [f for f in formats if Fraction(f.width, f.height) == wanted]
    if not exact:
        return None
    return min(exact, key=lambda f: (-f.width * f.height, f.sort_order, f.key))


def _closest_to_ratio(wanted: Fraction, formats: list[Format]) -> Format | None:
    if not formats:
        return None
    target = math.log(wanted)
    return min(
        formats,
        key=lambda f: (abs(math.log(f.ratio) - target), -f.width * f.height, f.sort_order, f.key),
    )


def format_for_ratio(ratio: str, *, formats: Iterable[Format] | None = None) -> Format | None:
    """The active format for an aspect ratio answer such as "9:16".

    Of the formats with exactly that ratio, the one with the most pixels ("16:9" is Full HD,
    not 1280×720); with none exact, the one whose ratio is closest (compared as logarithms,
    so 1:2 and 2:1 are equally far from 1:1). None for no active format or no ratio.
    `formats`: the active formats when the caller has them already (no query then).
    """
    wanted = parse_ratio(ratio)
    if wanted is None:
        return None
    formats = _loaded(formats)
    return _exact_for_ratio(wanted, formats) or _closest_to_ratio(wanted, formats)


# --- Formats for a brief ------------------------------------------------------------------

# A platform answer (the default scenario's options, their usual free spellings) → the
# formats' platform. A presentation slide is a screen: the site's formats fit it.
PLATFORM_ANSWERS = {
    "vk": Platform.VK,
    "вк": Platform.VK,
    "вконтакте": Platform.VK,
    "vkontakte": Platform.VK,
    "telegram": Platform.TELEGRAM,
    "телеграм": Platform.TELEGRAM,
    "телеграмм": Platform.TELEGRAM,
    "tg": Platform.TELEGRAM,
    "тг": Platform.TELEGRAM,
    "сайт": Platform.SITE,
    "сайта": Platform.SITE,
    "site": Platform.SITE,
    "web": Platform.SITE,
    "лендинг": Platform.SITE,
    "презентация": Platform.SITE,
    "презентации": Platform.SITE,
    "слайд": Platform.SITE,
    "печатная афиша": Platform.PRINT,
    "печатная": Platform.PRINT,
    "печать": Platform.PRINT,
    "печати": Platform.PRINT,
    "print": Platform.PRINT,
    "типография": Platform.PRINT,
}
WORD = re.compile(r"\w+")


def _normal(text: object) -> str:
    return " ".join(str(text or "").split()).casefold().replace("ё", "е")


def platform_for_answer(answer: str) -> str | None:
    """The formats' platform a platform answer means ("VK", "вконтакте" → "vk"); None when
    it names none or several ("VK и Telegram")."""
    text = _normal(answer)
    if text in PLATFORM_ANSWERS:
        return PLATFORM_ANSWERS[text]
    found = {PLATFORM_ANSWERS[word] for word in WORD.findall(text) if word in PLATFORM_ANSWERS}
    return found.pop() if len(found) == 1 else None


def format_choices(
    platform_answer: str, *, formats: Iterable[Format] | None = None
) -> list[Format]:
    """The formats a brief offers after this platform answer, the one a skip gets first.

    A known platform: its universal and own formats. For print and a site (or a slide)
    their own ones come first (the A3 poster; landscape frames); for a social network the
    menu order (the square post first: a skip should not give the VK community cover).
    Unknown or skipped: every active format in menu order, the square first. `formats`:
    the active formats, when already loaded.
    """
    formats = sorted(_loaded(formats), key=lambda f: (f.sort_order, f.key))
    platform = platform_for_answer(platform_answer)
    if platform is None:
        return sorted(formats, key=lambda f: f.key != DEFAULT_FORMAT_KEY)  # stable: menu order
    own = [f for f in formats if f.platform == platform]
    universal = [f for f in formats if f.platform == Platform.ANY]
    if platform == Platform.SITE:
        universal.sort(key=lambda f: f.width <= f.height)  # stable: landscape first
    if platform in (Platform.PRINT, Platform.SITE):
        return own + universal
    return sorted(own + universal, key=lambda f: (f.sort_order, f.key))


def format_for_answer(
    answer: str, *, offered: list[Format], formats: list[Format]
) -> Format | None:
    """The format an answer names: an offered format's name (any case), another active
    format's name or key ("story"), or a ratio ("9:16", "9x16": an exact one among the
    offered, then among all, else the closest offered). None when it names none."""
    text = _normal(answer)
    if not text:
        return None
    for candidates in (offered, formats):
        for candidate in candidates:
            if _normal(candidate.name) == text:
                return candidate
    for candidate in formats:
        if candidate.key.casefold() == text:
            return candidate
    wanted = parse_ratio(text.replace("х", "x"))  # a Cyrillic "х" in "9х16"
    if wanted is None:
        return None
    return (
        _exact_for_ratio(wanted, offered)
        or _exact_for_ratio(wanted, formats)
        or _closest_to_ratio(wanted, offered or formats)
    )


def format_for_answers(
    answers: Mapping[str, Any], *, formats: Iterable[Format] | None = None
) -> Format:
    """The format a brief's answers ask for, never None.

    `format` (a name, a key or a ratio), else `aspect_ratio` (briefs from scenarios before
    formats: "9:16" is the story), else the first format offered for the `platform` answer
    (the square with no platform). One query, none given `formats`; a 409 ApplicationError
    when no format is active at all.
    """
    formats = _loaded(formats)
    if not formats:
        raise ConflictError(NO_ACTIVE_FORMATS, errors={"format": [NO_ACTIVE_FORMATS]})
    offered = format_choices(str(answers.get("platform") or ""), formats=formats)
    for key in ("format", "aspect_ratio"):
        chosen = format_for_answer(str(answers.get(key) or ""), offered=offered, formats=formats)
        if chosen is not None:
            return chosen
    return offered[0] if offered else formats[0]


# --- Brand kits ---------------------------------------------------------------------------


def brand_kit_list() -> QuerySet[BrandKit]:
    return BrandKit.objects.all()


def brand_kit_get(*, kit_id: Any) -> BrandKit:
    try:
        return BrandKit.objects.get(pk=kit_id)
    except (BrandKit.DoesNotExist, ValidationError, ValueError) as exc:
        raise _not_found(BRAND_KIT_NOT_FOUND, "brand_kit") from exc


def active_brand_kit() -> BrandKit | None:
    return BrandKit.objects.filter(is_active=True).first()  # at most one: a constraint


def brand_kit_for_logo(*, user: Any, kit_id: Any) -> BrandKit:
    """The kit whose logo `user` may fetch: any kit for admins, the active one for others."""
    kit = brand_kit_get(kit_id=kit_id)
    if not kit.is_active and not _sees_everything(user):
        raise _not_found(BRAND_KIT_NOT_FOUND, "brand_kit")
    return kit


def brand_palette(kit: BrandKit | None) -> list[str]:
    """Every colour of the kit, in its order, as "#rrggbb"."""
    return [color["hex"] for color in kit.colors] if kit else []


def brand_text_color(kit: BrandKit | None) -> str | None:
    if kit is None:
        return None
    return next((c["hex"] for c in kit.colors if c["role"] == ColorRole.TEXT), None)


def brand_prompt_suffix(kit: BrandKit | None) -> tuple[str, str]:
    """What every prompt gets appended: (style words, negative prompt)."""
    if kit is None:
        return "", ""
    return kit.style_words.strip(), kit.negative_prompt.strip()


def _local_font(file: FieldFile, fallback: str) -> str:
    """A filesystem path the engine can open for an uploaded font.

    Local storage gives its own path. A remote one (S3) has none: the file is copied once
    into the temp folder under its stored name, which is never reused (every upload gets
    a new one), so a copy is never stale. A missing file falls back to the shipped family.
    """
    try:
        path = file.storage.path(file.name)
    except NotImplementedError:
        path = None
    if path is not None:
        if os.path.exists(path):
            return path
        logger.warning("Brand font %s is missing; using %s", file.name, fallback)
        return fallback
    target = Path(tempfile.gettempdir()) / "contentum-brand-fonts" / Path(file.name).name
    if not target.exists():
        try:
            with file.storage.open(file.name, "rb") as source:
                data = source.read()
        except OSError:
            logger.warning("Brand font %s is missing; using %s", file.name, fallback)
            return fallback
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        os.replace(partial, target)  # atomic: another process never reads half a font
    return str(target)


def _logo(kit: BrandKit) -> Any:
    """The kit's logo as an RGBA image, or None. A logo that cannot be read any more (the
    file is gone, the limits were lowered since) leaves the poster without one, logged."""
    if not kit.logo:
        return None
    try:
        with kit.logo.storage.open(kit.logo.name, "rb") as handle:
            data = handle.read()
        return load_logo(
            data,
            max_bytes=settings.DESIGN_LOGO_MAX_BYTES,
            max_side=settings.DESIGN_LOGO_MAX_SIDE,
        )
    except (OSError, InvalidLogo) as exc:
        logger.warning("Brand kit %s: logo %s not used: %s", kit.pk, kit.logo.name, exc)
        return None


def brand_style(kit: BrandKit | None) -> BrandStyle:
    """What the layout engine needs from a kit; the engine's defaults without one."""
    if kit is None:
        return BrandStyle()
    title_font, body_font = kit.title_font, kit.body_font
    if kit.title_font_file:
        title_font = _local_font(kit.title_font_file, kit.title_font)
    if kit.body_font_file:
        body_font = _local_font(kit.body_font_file, kit.body_font)
    return BrandStyle(
        title_font=title_font,
        body_font=body_font,
        text_color=brand_text_color(kit),
        colors=tuple(brand_palette(kit)),
        logo=_logo(kit),
        logo_corner=kit.logo_corner,
        logo_width_pct=kit.logo_width_pct,
    )
