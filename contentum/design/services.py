"""Editing formats and brand kits.

Every input is checked first (`validation.py`): a bad value, or a bad upload sent with
good values, is a 400 naming the field, and no row, file or audit entry is left behind.
Uploads are stored under generated names in Django's default storage (`design/…`); the
files a change replaces or a deletion frees are removed once the transaction commits.
"""

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.design import events
from contentum.design.models import BrandKit, Format, LogoCorner, Platform
from contentum.design.validation import (
    FILE_FIELDS,
    FORMAT_FIELDS,
    KEY_TAKEN,
    KIT_FIELDS,
    NAME_TAKEN,
    brand_kit_check,
    format_check,
)

logger = logging.getLogger(__name__)

KEY_FIXED = "Ключ формата не меняется: на него ссылаются. Создайте новый формат."


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # a leftover file is harmless; a failed request is not
            logger.warning("Could not delete %s from storage", name, exc_info=True)


# --- Formats ------------------------------------------------------------------------------


def format_create(
    *,
    actor: Any,
    key: str,
    name: str,
    width: int,
    height: int,
    platform: str = Platform.ANY,
    safe_top_pct: float = 0,
    safe_right_pct: float = 0,
    safe_bottom_pct: float = 0,
    safe_left_pct: float = 0,
    is_active: bool = True,
    sort_order: int = 0,
) -> Format:
    values = {
        "key": key,
        "name": name,
        "platform": platform,
        "width": width,
        "height": height,
        "safe_top_pct": safe_top_pct,
        "safe_right_pct": safe_right_pct,
        "safe_bottom_pct": safe_bottom_pct,
        "safe_left_pct": safe_left_pct,
        "is_active": is_active,
        "sort_order": sort_order,
    }
    format_check(values)
    fmt = Format(**values)
    try:
        with transaction.atomic():
            fmt.save(force_insert=True)
            events.format_created(actor=actor, fmt=fmt)
    except IntegrityError as exc:  # a concurrent create took the key
        raise ApplicationError(KEY_TAKEN, errors={"key": [KEY_TAKEN]}) from exc
    return fmt


def format_update(*, actor: Any, fmt: Format, changes: dict[str, Any]) -> Format:
    """Changes any field but the key; the sizes and safe zone are checked as a whole."""
    if "key" in changes and changes["key"] != fmt.key:
        raise ApplicationError(KEY_FIXED, errors={"key": [KEY_FIXED]})
    with transaction.atomic():
        current = Format.objects.select_for_update().get(pk=fmt.pk)
        values = {field: getattr(current, field) for field in ("key", *FORMAT_FIELDS)}
        values.update({f: changes[f] for f in FORMAT_FIELDS if f in changes})
        format_check(values, exclude=current.pk)
        changed = [f for f in FORMAT_FIELDS if getattr(current, f) != values[f]]
        if changed:
            for field in changed:
                setattr(current, field, values[field])
            current.save(update_fields=[*changed, "updated_at"])
            events.format_updated(actor=actor, fmt=current, fields=changed)
    return current


def format_delete(*, actor: Any, fmt: Format) -> None:
    """Deletes a format nothing refers to; one still in use is refused (switch it off)."""
    try:
        with transaction.atomic():
            events.format_deleted(actor=actor, fmt=fmt)
            fmt.delete()
    except ProtectedError as exc:
        raise ConflictError(
            f"Формат «{fmt.name}» уже использован, его нельзя удалить: выключите его "
            "(is_active: false)."
        ) from exc


# --- Brand kits ---------------------------------------------------------------------------


def _store(kit: BrandKit, files: dict[str, ContentFile | None], *, stored: list[str]) -> list[str]:
    """Puts new files on the kit (written to storage at once, each name appended to
    `stored` so a failure can remove them) and clears removed ones. Returns the names
    no longer used."""
    freed = []
    for field, content in files.items():
        current = getattr(kit, field)
        if current:
            freed.append(current.name)
        if content is None:
            setattr(kit, field, "")
        else:
            current.save(content.name, content, save=False)
            stored.append(current.name)
    return freed


def brand_kit_create(
    *,
    actor: Any,
    name: str,
    colors: list[dict[str, str]] | None = None,
    title_font: str = "noto-serif",
    body_font: str = "inter",
    title_font_file: Any = None,
    body_font_file: Any = None,
    logo: Any = None,
    logo_corner: str = LogoCorner.BOTTOM_RIGHT,
    logo_width_pct: float = 18.0,
    style_words: str = "",
    negative_prompt: str = "",
    is_active: bool = False,
) -> BrandKit:
    """A new kit (uploads are file objects); `is_active` also switches the active one off."""
    values = {
        "name": name,
        "colors": [] if colors is None else colors,
        "title_font": title_font,
        "body_font": body_font,
        "logo_corner": logo_corner,
        "logo_width_pct": logo_width_pct,
        "style_words": style_words,
        "negative_prompt": negative_prompt,
    }
    uploads = {
        field: upload
        for field, upload in zip(FILE_FIELDS, (title_font_file, body_font_file, logo), strict=True)
        if upload is not None
    }
    cleaned, files = brand_kit_check(values=values, uploads=uploads)
    kit = BrandKit(**cleaned)
    stored: list[str] = []
    try:
        with transaction.atomic():
            _store(kit, files, stored=stored)
            kit.save(force_insert=True)
            events.brand_kit_created(actor=actor, kit=kit)
            if is_active:
                brand_kit_activate(actor=actor, kit=kit)
    except IntegrityError as exc:  # a concurrent create took the name
        _delete_files(stored)
        raise ApplicationError(NAME_TAKEN, errors={"name": [NAME_TAKEN]}) from exc
    except BaseException:
        _delete_files(stored)
        raise
    return kit


def brand_kit_update(*, actor: Any, kit: BrandKit, changes: dict[str, Any]) -> BrandKit:
    """Edits the given fields. A file field given a file replaces it, given None removes it.
    `is_active: true` activates the kit, `false` switches it off (then none is active)."""
    values = {f: changes[f] for f in KIT_FIELDS if f in changes}
    uploads = {f: changes[f] for f in FILE_FIELDS if f in changes}
    cleaned, files = brand_kit_check(values=values, uploads=uploads, exclude=kit.pk)
    stored: list[str] = []
    try:
        with transaction.atomic():
            current = BrandKit.objects.select_for_update().get(pk=kit.pk)
            changed = [f for f in cleaned if getattr(current, f) != cleaned[f]]
            for field in changed:
                setattr(current, field, cleaned[field])
            files = {f: c for f, c in files.items() if c is not None or getattr(current, f)}
            freed = _store(current, files, stored=stored)
            changed += list(files)
            if changed:
                current.save()
                events.brand_kit_updated(actor=actor, kit=current, fields=changed)
            if changes.get("is_active") is True:
                brand_kit_activate(actor=actor, kit=current)
            elif changes.get("is_active") is False:
                brand_kit_deactivate(actor=actor, kit=current)
            transaction.on_commit(lambda: _delete_files(freed))
    except IntegrityError as exc:
        _delete_files(stored)
        raise ApplicationError(NAME_TAKEN, errors={"name": [NAME_TAKEN]}) from exc
    except BaseException:
        _delete_files(stored)
        raise
    return current


def brand_kit_activate(*, actor: Any, kit: BrandKit) -> BrandKit:
    """Makes this the one active kit, in one transaction (the database allows no second)."""
    if kit.is_active:
        return kit
    now = timezone.now()
    try:
        with transaction.atomic():
            others = BrandKit.objects.filter(is_active=True).exclude(pk=kit.pk)
            replaced = list(others.values_list("name", flat=True))
            others.update(is_active=False, updated_at=now)
            BrandKit.objects.filter(pk=kit.pk).update(is_active=True, updated_at=now)
            kit.is_active, kit.updated_at = True, now
            events.brand_kit_activated(actor=actor, kit=kit, replaced=replaced)
    except IntegrityError as exc:  # another activation committed first
        raise ConflictError(
            "Другой фирменный стиль включают прямо сейчас. Повторите попытку."
        ) from exc
    return kit


def brand_kit_deactivate(*, actor: Any, kit: BrandKit) -> BrandKit:
    """Switches the kit off: posters are then composed with the engine's defaults."""
    if not kit.is_active:
        return kit
    now = timezone.now()
    with transaction.atomic():
        BrandKit.objects.filter(pk=kit.pk).update(is_active=False, updated_at=now)
        kit.is_active, kit.updated_at = False, now
        events.brand_kit_deactivated(actor=actor, kit=kit)
    return kit


def brand_kit_delete(*, actor: Any, kit: BrandKit) -> None:
    """Deletes the kit (the active one too: posters then use the defaults) and its files."""
    names = [getattr(kit, f).name for f in FILE_FIELDS if getattr(kit, f)]
    with transaction.atomic():
        events.brand_kit_deleted(actor=actor, kit=kit)
        kit.delete()
        transaction.on_commit(lambda: _delete_files(names))


DEMO_KIT_NAME = "Пример: театр"
DEMO_LOGO = Path(__file__).resolve().parent / "assets" / "default-logo.png"


def brand_kit_ensure_demo() -> BrandKit | None:
    """On a fresh install (no kit at all), an active example kit, so the first poster
    shows what a kit does: the house's colours in the prompt, its logo on the poster.
    Admins edit, replace or switch it off; once any kit exists this does nothing."""
    if BrandKit.objects.exists():
        return None
    with DEMO_LOGO.open("rb") as logo:
        return brand_kit_create(
            actor=None,
            name=DEMO_KIT_NAME,
            colors=[
                {"hex": "#7B1E2B", "role": "primary"},
                {"hex": "#C9A227", "role": "accent"},
                {"hex": "#F5E6C8", "role": "text"},
            ],
            logo=File(logo, name="default-logo.png"),
            logo_width_pct=20.0,
            style_words="театральная афиша, благородная классика",
            is_active=True,
        )
