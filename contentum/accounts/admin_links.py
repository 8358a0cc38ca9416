"""«One login»: a one-time link from the web client into the Django admin.

An admin signed in to the web client (JWT) asks `POST /api/auth/admin-link/` for a link
and the browser opens it: `GET /admin/login/link/<token>/` starts a Django session and
lands on the admin index, with no second login form.

The token is 32 random bytes (`secrets.token_urlsafe`); only its SHA-256 is stored, so
the table opens nothing. A link works once (one conditional UPDATE marks it used, so of
two concurrent openings exactly one wins), for ADMIN_LINK_TTL_SECONDS, and only if its
account is still an active admin when it is opened. Issuing and opening are audited.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from contentum.accounts.models import AdminLoginLink, User
from contentum.audit.models import AuditAction
from contentum.audit.services import audit_record

ADMIN_SITE = "admin"
VIA_LINK = "link"
# `secrets.token_urlsafe(32)` gives 43 characters; anything much longer is not ours.
TOKEN_MAX_LENGTH = 128
INVALID_LINK = (
    "Ссылка для входа недействительна или устарела. "
    "Войдите по паролю или откройте ссылку заново из приложения."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def admin_link_may_enter(user: User) -> bool:
    """The admin site's own rule (`is_staff`: active and ADMIN), and not awaiting approval."""
    return user.is_staff and not user.is_pending_approval


def admin_link_issue(user: User) -> tuple[str, datetime]:
    """A new link's token (shown once, never stored) and when it expires. The account's
    used and expired links are deleted here, so the table stays small without a job."""
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=settings.ADMIN_LINK_TTL_SECONDS)
    with transaction.atomic():
        AdminLoginLink.objects.filter(
            Q(used_at__isnull=False) | Q(expires_at__lte=now), user=user
        ).delete()
        AdminLoginLink.objects.create(
            user=user, token_hash=token_hash(token), created_at=now, expires_at=expires_at
        )
        audit_record(
            action=AuditAction.ADMIN_LINK_ISSUED,
            actor=user,
            target=user,
            details={"site": ADMIN_SITE, "expires_at": expires_at.isoformat()},
        )
    return token, expires_at


def admin_link_redeem(token: str) -> User | None:
    """The account the link opens, or None: unknown, used, expired, or the account is no
    longer an active admin. Either way a known link is used up by this call."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    digest = token_hash(token)
    now = timezone.now()
    with transaction.atomic():
        # One statement decides: of two concurrent openings, only one updates the row.
        won = AdminLoginLink.objects.filter(
            token_hash=digest, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        link = AdminLoginLink.objects.select_related("user").filter(token_hash=digest).first()
        if link is None:
            return None  # not a link we issued: nothing to audit, nobody to name
        user = link.user
        if won != 1:
            reason = "link_used" if link.used_at is not None else "link_expired"
        elif not admin_link_may_enter(user):
            reason = "not_admin"
        else:
            audit_record(
                action=AuditAction.LOGIN_SUCCEEDED,
                actor=user,
                target=user,
                details={"site": ADMIN_SITE, "via": VIA_LINK},
            )
            return user
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            actor_email=user.email,
            target=user,
            details={"site": ADMIN_SITE, "via": VIA_LINK, "reason": reason},
        )
    return None


# --- The Django view the link opens -----------------------------------------------------


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: not to be cached, nor sent on as a Referer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def admin_link_login(request: HttpRequest, token: str) -> HttpResponse:
    """`GET /admin/login/link/<token>/`: a session for the link's admin, then the admin
    index; any link that does not open goes to the admin's login page with a message."""
    user = admin_link_redeem(token)
    if user is None:
        messages.error(request, INVALID_LINK)
        return _private(HttpResponseRedirect(reverse("admin:login")))
    # The first configured backend: the one that reads this account back from the session.
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return _private(HttpResponseRedirect(reverse("admin:index")))
