"""Reading formats and brand kits, and what the poster composer takes from them.

Who may see what is decided here: admins see every format and kit; anyone else sees the
active formats and the active kit only (others are "not found").
"""

import logging
import math
import os
import re
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from rest_framework import status

from contentum.common.exceptions import ApplicationError
from contentum.design.engine import BrandStyle, InvalidLogo, load_logo
from contentum.design.models import BrandKit, ColorRole, Format, Platform

logger = logging.getLogger(__name__)

FORMAT_NOT_FOUND = "Формат не найден."
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


def format_for_ratio(ratio: str) -> Format | None:
    """The active format for an aspect ratio answer such as "9:16".

    Of the formats with exactly that ratio, the one with the most pixels ("16:9" is Full HD,
    not 1280×720); with none exact, the one whose ratio is closest (compared as logarithms,
    so 1:2 and 2:1 are equally far from 1:1). None for no active format or no ratio.
    """
    wanted = parse_ratio(ratio)
    if wanted is None:
        return None
    formats = list(Format.objects.filter(is_active=True))
    if not formats:
        return None
    exact = [f for f in formats if Fraction(f.width, f.height) == wanted]
    if exact:
        return min(exact, key=lambda f: (-f.width * f.height, f.sort_order, f.key))
    target = math.log(wanted)
    return min(
        formats,
        key=lambda f: (abs(math.log(f.ratio) - target), -f.width * f.height, f.sort_order, f.key),
    )


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
