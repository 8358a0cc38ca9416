"""Writing audit rows. Each domain has small event functions (see `events.py`) over this."""

from typing import Any

from django.db import models

from contentum.audit.context import current_origin
from contentum.audit.models import AuditLog


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_email: str = "",
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Stores the row for one event, with the request's origin (address and client)."""
    origin = current_origin.get()
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    log = AuditLog(
        actor=actor,
        actor_email=actor_email or (actor.email if actor is not None else ""),
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
    )
    log.save(force_insert=True)
    return log
