"""The Django admin's login form, under the API login's limits and in the audit log.
The admin site uses it through its public `login_form` hook (see contentum/urls.py).

The admin page is a second door to the same accounts, so it shares the API login's
counters: the per-address throttle (the same `login` scope, so attempts through either
door add up) and the per email-and-address delay after failures. Over a limit the form
says so and authenticates nothing. Each attempt that reaches the password check is
audited with the email tried and the client address (never the password).
"""

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from contentum.audit.models import AuditAction
from contentum.audit.services import audit_record
from contentum.common.exceptions import QuotaExceeded
from contentum.common.net import client_ip
from contentum.common.throttling import (
    login_address_allowed,
    login_failure_check,
    login_failure_record,
    login_failures_reset,
)

ADMIN_SITE = "admin"


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's form, checking the login limits before the password."""

    def clean(self) -> dict[str, Any]:
        email = str(self.data.get("username") or "").strip().lower()
        address = client_ip(self.request) if self.request is not None else ""
        try:
            if self.request is not None:
                login_address_allowed(self.request)
            login_failure_check(email=email, address=address)
        except QuotaExceeded as exc:
            minutes = max(1, -(-(exc.wait or 60) // 60))
            raise ValidationError(
                f"{exc.message} Подождите {minutes} мин.", code="throttled"
            ) from exc
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            login_failure_record(email=email, address=address)
            audit_record(
                action=AuditAction.LOGIN_FAILED,
                actor_email=email[:254],
                details={"site": ADMIN_SITE, "reason": exc.code or "invalid_login"},
            )
            raise
        user = self.get_user()
        if user is None:  # a field left empty: the form refuses it, no password was checked
            return cleaned
        login_failures_reset(email=email, address=address)
        audit_record(
            action=AuditAction.LOGIN_SUCCEEDED,
            actor=user,
            target=user,
            details={"site": ADMIN_SITE},
        )
        return cleaned
