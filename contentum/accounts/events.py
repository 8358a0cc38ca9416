"""One function per account event added by the hardening work, each writing one audit row.

The older account events (registration, login, role and activation changes) live in
`contentum/audit/events.py`; these sit beside the rules that raise them.
"""

from typing import Any

from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record

ADMIN_CREATED = "user.admin_created"
ADMIN_PROMOTED = "user.admin_promoted"
ADMIN_PROMOTION_REFUSED = "user.admin_promotion_refused"
USER_APPROVED = "user.approved"
USER_CREATED_BY_ADMIN = "user.created_by_admin"
PASSWORD_CHANGED = "user.password_changed"  # noqa: S105 (a name, not a secret)
PASSWORD_CHANGE_FAILED = "user.password_change_failed"  # noqa: S105 (a name, not a secret)
PASSWORD_SET = "user.password_set"  # noqa: S105 (a name, not a secret)
TOKENS_REVOKED = "user.tokens_revoked"


def admin_created(*, user: Any) -> AuditLog:
    return audit_record(action=ADMIN_CREATED, target=user, details={"via": "ensure_admin"})


def admin_promoted(*, user: Any, old_role: str, was_active: bool) -> AuditLog:
    return audit_record(
        action=ADMIN_PROMOTED,
        target=user,
        details={"via": "ensure_admin", "old_role": old_role, "was_active": was_active},
    )


def admin_promotion_refused(*, user: Any, reason: str) -> AuditLog:
    return audit_record(
        action=ADMIN_PROMOTION_REFUSED,
        target=user,
        details={"via": "ensure_admin", "reason": reason},
    )


def user_approved(*, actor: Any, user: Any) -> AuditLog:
    return audit_record(action=USER_APPROVED, actor=actor, target=user)


def user_created_by_admin(*, actor: Any, user: Any) -> AuditLog:
    return audit_record(
        action=USER_CREATED_BY_ADMIN, actor=actor, target=user, details={"role": user.role}
    )


def password_changed(*, user: Any) -> AuditLog:
    """The account's owner changed their own password."""
    return audit_record(action=PASSWORD_CHANGED, actor=user, target=user)


def password_change_failed(*, user: Any, reason: str) -> AuditLog:
    return audit_record(
        action=PASSWORD_CHANGE_FAILED, actor=user, target=user, details={"reason": reason}
    )


def password_set(*, actor: Any, user: Any, via: str) -> AuditLog:
    """Someone else (an admin, or `ensure_admin` with no actor) set the password."""
    return audit_record(action=PASSWORD_SET, actor=actor, target=user, details={"via": via})


def tokens_revoked(*, actor: Any, user: Any, count: int, reason: str) -> AuditLog:
    return audit_record(
        action=TOKENS_REVOKED,
        actor=actor,
        target=user,
        details={"refresh_tokens": count, "reason": reason},
    )
