"""Refresh-token families: reuse detection and an absolute session lifetime.

Every refresh token descends from one login through rotations: that chain is a family.
A refresh token that comes back after it was rotated (blacklisted) means two parties hold
the family: its owner and a thief, and nobody can tell which one is asking. So the whole
family is revoked, and the owner signs in again.

Claims: `sid` names the family (the jti of the login's refresh token) and `auth_time` says
when that login happened (epoch seconds). A login's own token carries neither: it is the
root of its family, so every path that issues `RefreshToken.for_user` starts one. Rotation
copies both forward and caps the new token's expiry at `auth_time` + JWT_MAX_SESSION_DAYS,
so rotating never extends a session.

Races: the presented token's OutstandingToken row is locked (PostgreSQL), and the one-to-one
BlacklistedToken insert is the final word (any database): of two refreshes of one token
exactly one rotates; the other is reuse.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

from contentum.audit.services import audit_record
from contentum.common.exceptions import RUSSIAN_BY_CODE, ApplicationError

logger = logging.getLogger(__name__)

FAMILY_CLAIM = "sid"
SESSION_START_CLAIM = "auth_time"
REUSE_AUDIT_ACTION = "auth.refresh_token_reused"

REUSED_MESSAGE = "Токен обновления уже был использован: сеанс завершён, войдите снова."
SESSION_EXPIRED = "Сеанс истёк: войдите снова."


class RefreshRefused(ApplicationError):
    """The refresh token cannot be used: the client must sign in again."""

    status_code = status.HTTP_401_UNAUTHORIZED

    def __init__(self, message: str = RUSSIAN_BY_CODE["token_not_valid"]) -> None:
        super().__init__(message, errors={"refresh": [message]})


class _UnscreenedRefreshToken(RefreshToken):
    """Signature, expiry and type are checked as usual; the blacklist is not, because
    `token_refresh` reads it under the row lock and must tell reuse from garbage."""

    def check_blacklist(self) -> None:
        return None


def _family(payload: dict[str, Any]) -> str:
    return str(payload.get(FAMILY_CLAIM) or payload[api_settings.JTI_CLAIM])


def _session_start(token: RefreshToken) -> int:
    return int(token.get(SESSION_START_CLAIM) or token["iat"])


def _max_session_seconds() -> int:
    return int(timedelta(days=settings.JWT_MAX_SESSION_DAYS).total_seconds())


def _active_user(token: RefreshToken) -> Any:
    user_model = get_user_model()
    try:
        user = user_model.objects.get(
            **{api_settings.USER_ID_FIELD: token.get(api_settings.USER_ID_CLAIM)}
        )
    except (user_model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise RefreshRefused() from exc
    if not api_settings.USER_AUTHENTICATION_RULE(user):
        raise RefreshRefused(RUSSIAN_BY_CODE["no_active_account"])
    return user


def _rotate(token: RefreshToken, user: Any, started: int) -> RefreshToken | None:
    """Blacklists `token` and turns it into its successor; None when it was already used.
    Runs inside the caller's transaction: the lock is held until it commits."""
    jti = token[api_settings.JTI_CLAIM]
    OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "token": str(token),
            "created_at": token.current_time,
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    outstanding = OutstandingToken.objects.select_for_update().get(jti=jti)
    if BlacklistedToken.objects.filter(token=outstanding).exists():
        return None
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:  # no row lock (SQLite): the unique insert decides
        return None

    token[FAMILY_CLAIM] = _family(token.payload)
    token[SESSION_START_CLAIM] = started
    token.set_jti()
    token.set_exp()
    token.set_iat()
    token["exp"] = min(int(token["exp"]), started + _max_session_seconds())
    OutstandingToken.objects.create(
        user=user,
        jti=token[api_settings.JTI_CLAIM],
        token=str(token),
        created_at=token.current_time,
        expires_at=datetime_from_epoch(token["exp"]),
    )
    return token


def family_revoke(*, user: Any, family: str) -> int:
    """Blacklists every live refresh token of `family`; returns how many there were."""
    live = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    members = []
    for row in live:
        try:
            payload = UntypedToken(row.token, verify=False).payload  # our own stored tokens
        except TokenError:
            continue
        if _family(payload) == family:
            members.append(BlacklistedToken(token=row))
    BlacklistedToken.objects.bulk_create(members, ignore_conflicts=True)
    return len(members)


def token_refresh(*, raw: str) -> dict[str, str]:
    """`auth/refresh/`: a new access token and, with rotation on, the next refresh token.

    Refused (401) for an invalid or expired token, an inactive account, a session older
    than JWT_MAX_SESSION_DAYS, or a token already used, which also revokes its family.
    """
    try:
        token = _UnscreenedRefreshToken(raw)
    except TokenError as exc:
        raise RefreshRefused() from exc
    started = _session_start(token)
    if datetime_to_epoch(timezone.now()) >= started + _max_session_seconds():
        raise RefreshRefused(SESSION_EXPIRED)
    user = _active_user(token)

    if not api_settings.ROTATE_REFRESH_TOKENS:
        if BlacklistedToken.objects.filter(token__jti=token[api_settings.JTI_CLAIM]).exists():
            raise RefreshRefused()
        return {"access": str(token.access_token)}

    family = _family(token.payload)
    with transaction.atomic():
        successor = _rotate(token, user, started)
    if successor is None:
        revoked = family_revoke(user=user, family=family)
        if not revoked:  # logged out or revoked before: nothing of this login is live
            raise RefreshRefused()
        logger.warning("Refresh token reused: family %s revoked (%d live)", family, revoked)
        audit_record(
            action=REUSE_AUDIT_ACTION,
            actor=user,
            target=user,
            details={"family": family, "revoked": revoked},
        )
        raise RefreshRefused(REUSED_MESSAGE)
    return {"access": str(successor.access_token), "refresh": str(successor)}
