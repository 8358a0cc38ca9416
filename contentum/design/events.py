"""One function per design event, each writing one audit row."""

from typing import Any

from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record
from contentum.design.models import BrandKit, Format

FORMAT_CREATED = "format.created"
FORMAT_UPDATED = "format.updated"
FORMAT_DELETED = "format.deleted"
BRAND_KIT_CREATED = "brand_kit.created"
BRAND_KIT_UPDATED = "brand_kit.updated"
BRAND_KIT_ACTIVATED = "brand_kit.activated"
BRAND_KIT_DEACTIVATED = "brand_kit.deactivated"
BRAND_KIT_DELETED = "brand_kit.deleted"


def _format_details(fmt: Format) -> dict[str, Any]:
    return {"key": fmt.key, "width": fmt.width, "height": fmt.height}


def format_created(*, actor: Any, fmt: Format) -> AuditLog:
    return audit_record(
        action=FORMAT_CREATED, actor=actor, target=fmt, details=_format_details(fmt)
    )


def format_updated(*, actor: Any, fmt: Format, fields: list[str]) -> AuditLog:
    return audit_record(
        action=FORMAT_UPDATED,
        actor=actor,
        target=fmt,
        details={**_format_details(fmt), "fields": fields},
    )


def format_deleted(*, actor: Any, fmt: Format) -> AuditLog:
    return audit_record(
        action=FORMAT_DELETED, actor=actor, target=fmt, details=_format_details(fmt)
    )


def brand_kit_created(*, actor: Any, kit: BrandKit) -> AuditLog:
    return audit_record(
        action=BRAND_KIT_CREATED, actor=actor, target=kit, details={"name": kit.name}
    )


def brand_kit_updated(*, actor: Any, kit: BrandKit, fields: list[str]) -> AuditLog:
    return audit_record(
        action=BRAND_KIT_UPDATED,
        actor=actor,
        target=kit,
        details={"name": kit.name, "fields": fields},
    )


def brand_kit_activated(*, actor: Any, kit: BrandKit, replaced: list[str]) -> AuditLog:
    """`replaced`: the name of the kit that was active until now, if any."""
    return audit_record(
        action=BRAND_KIT_ACTIVATED,
        actor=actor,
        target=kit,
        details={"name": kit.name, "replaced": replaced[0] if replaced else None},
    )


def brand_kit_deactivated(*, actor: Any, kit: BrandKit) -> AuditLog:
    return audit_record(
        action=BRAND_KIT_DEACTIVATED, actor=actor, target=kit, details={"name": kit.name}
    )


def brand_kit_deleted(*, actor: Any, kit: BrandKit) -> AuditLog:
    return audit_record(
        action=BRAND_KIT_DELETED,
        actor=actor,
        target=kit,
        details={"name": kit.name, "was_active": kit.is_active},
    )
