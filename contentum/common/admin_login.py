"""The Django admin's login, under the API login's limits and in the audit log.

The admin page is a second door to the same accounts, so it shares the API login's
counters: the per-address throttle (the same `login` scope, so attempts through either
door add up) and the per email-and-address delay after failures. Over a limit the form
says so and authenticates nothing. Each attempt that reaches the password check is
audited with the email tried and the client address (never the password).
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

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


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """`admin.site.login` with the form above: the same page, context and redirects."""
    site = admin.site
    if request.method == "GET" and site.has_permission(request):
        return redirect(reverse("admin:index", current_app=site.name))
    context = {
        **site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    request.current_app = site.name
    view = LoginView.as_view(
        extra_context=context,
        authentication_form=ThrottledAdminAuthenticationForm,
        template_name=site.login_template or "admin/login.html",
    )
    return view(request)
