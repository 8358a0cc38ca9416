"""One function per account event, so call sites read as what happened."""

from typing import Any

from contentum.audit.models import AuditAction, AuditLog
from contentum.audit.services import audit_record


def user_registered(*, user: Any) -> AuditLog:
    return audit_record(action=AuditAction.USER_REGISTERED, actor=user, target=user)


def login_succeeded(*, user: Any) -> AuditLog:
    return audit_record(action=AuditAction.LOGIN_SUCCEEDED, actor=user, target=user)


def login_failed(*, email: str, reason: str) -> AuditLog:
    return audit_record(
        action=AuditAction.LOGIN_FAILED, actor_email=email[:254], details={"reason": reason}
    )


def logged_out(*, user: Any) -> AuditLog:
    return audit_record(action=AuditAction.LOGGED_OUT, actor=user, target=user)


def user_role_changed(*, actor: Any, user: Any, old: str, new: str) -> AuditLog:
    return audit_record(
        action=AuditAction.USER_ROLE_CHANGED,
        actor=actor,
        target=user,
        details={"old": old, "new": new},
    )


def user_activation_changed(*, actor: Any, user: Any, is_active: bool) -> AuditLog:
    return audit_record(
        action=AuditAction.USER_ACTIVATION_CHANGED,
        actor=actor,
        target=user,
        details={"is_active": is_active},
    )


def user_updated(*, actor: Any, user: Any, changes: dict[str, Any]) -> AuditLog:
    return audit_record(action=AuditAction.USER_UPDATED, actor=actor, target=user, details=changes)
