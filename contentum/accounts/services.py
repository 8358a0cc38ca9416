"""Account rules: registration, login, logout and admin edits. Views only call these."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts.models import Role, User
from contentum.audit import events
from contentum.common.exceptions import ApplicationError

EMAIL_TAKEN = "Пользователь с таким email уже зарегистрирован."
BAD_CREDENTIALS = "Неверный email или пароль."


@dataclass(frozen=True)
class LoginResult:
    user: User
    access: str
    refresh: str


def _check_email_domain(email: str) -> None:
    allowed = settings.ALLOWED_EMAIL_DOMAINS
    domain = email.rsplit("@", 1)[-1]
    if allowed and domain not in allowed:
        raise ApplicationError(
            "Регистрация с этим адресом недоступна.",
            errors={"email": [f"Разрешены только адреса в доменах: {', '.join(allowed)}."]},
        )


def user_register(*, email: str, full_name: str, password: str, password_confirm: str) -> User:
    """Self-registration: always an EMPLOYEE; email unique regardless of case."""
    email = email.strip().lower()
    _check_email_domain(email)
    if password != password_confirm:
        raise ApplicationError(
            "Пароли не совпадают.", errors={"passwordConfirm": ["Пароли не совпадают."]}
        )
    candidate = User(email=email, full_name=full_name.strip(), role=Role.EMPLOYEE)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise ApplicationError("Пароль слишком слабый.", errors={"password": exc.messages}) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(EMAIL_TAKEN, errors={"email": [EMAIL_TAKEN]})
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save(force_insert=True)
            events.user_registered(user=candidate)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ApplicationError(EMAIL_TAKEN, errors={"email": [EMAIL_TAKEN]}) from exc
    return candidate


def auth_login(*, email: str, password: str) -> LoginResult:
    email = email.strip().lower()
    user = authenticate(username=email, password=password)
    if user is None:
        known = User.objects.filter(email__iexact=email).values_list("is_active", flat=True).first()
        reason = "unknown_email" if known is None else ("inactive" if not known else "bad_password")
        events.login_failed(email=email, reason=reason)
        raise ApplicationError(BAD_CREDENTIALS, status_code=status.HTTP_401_UNAUTHORIZED)
    refresh = RefreshToken.for_user(user)
    events.login_succeeded(user=user)
    return LoginResult(user=user, access=str(refresh.access_token), refresh=str(refresh))


def auth_logout(*, user: User, refresh: str) -> None:
    """Blacklists the refresh token, so it can neither refresh nor log out again."""
    try:
        token = RefreshToken(refresh)
    except TokenError as exc:
        raise ApplicationError(
            "Токен обновления недействителен или уже отозван.",
            errors={"refresh": ["Токен недействителен или отозван."]},
            status_code=status.HTTP_401_UNAUTHORIZED,
        ) from exc
    if str(token.get(settings.SIMPLE_JWT["USER_ID_CLAIM"])) != str(user.pk):
        raise ApplicationError(
            "Этот токен принадлежит другому пользователю.",
            errors={"refresh": ["Токен принадлежит другому пользователю."]},
        )
    token.blacklist()
    events.logged_out(user=user)


def self_change_errors(*, actor: User, user: User, changes: dict[str, Any]) -> dict[str, list[str]]:
    """An admin cannot remove their own admin role or deactivate themselves."""
    errors: dict[str, list[str]] = {}
    if user.pk == actor.pk:
        if "role" in changes and changes["role"] != Role.ADMIN:
            errors["role"] = ["Нельзя снять с себя роль администратора."]
        if changes.get("is_active") is False:
            errors["isActive"] = ["Нельзя отключить собственную учётную запись."]
    return errors


def user_update(*, actor: User, user: User, changes: dict[str, Any]) -> User:
    """Admin edit of full name, role and active flag (API and Django admin alike)."""
    errors = self_change_errors(actor=actor, user=user, changes=changes)
    if errors:
        raise ApplicationError("Изменение запрещено.", errors=errors)

    old_role = user.role
    updated_fields = []
    for field in ("full_name", "role", "is_active"):
        if field in changes and getattr(user, field) != changes[field]:
            setattr(user, field, changes[field])
            updated_fields.append(field)
    if not updated_fields:
        return user
    with transaction.atomic():
        user.save(update_fields=updated_fields)
        if "role" in updated_fields:
            events.user_role_changed(actor=actor, user=user, old=old_role, new=user.role)
        if "is_active" in updated_fields:
            events.user_activation_changed(actor=actor, user=user, is_active=user.is_active)
            if not user.is_active:
                _blacklist_all_refresh_tokens(user)
        if "full_name" in updated_fields:
            events.user_updated(actor=actor, user=user, changes={"full_name": user.full_name})
    return user


def _blacklist_all_refresh_tokens(user: User) -> None:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


def admin_ensure(
    *, email: str, password: str, full_name: str = "Администратор"
) -> tuple[User, bool]:
    """Makes sure an active admin with this email exists. Returns (user, created)."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return User.objects.create_superuser(
            email=email, password=password, full_name=full_name
        ), True
    old_role, was_active = user.role, user.is_active
    if old_role == Role.ADMIN and was_active:
        return user, False
    with transaction.atomic():
        user.role, user.is_active = Role.ADMIN, True
        user.save(update_fields=["role", "is_active"])
        if old_role != Role.ADMIN:
            events.user_role_changed(actor=None, user=user, old=old_role, new=Role.ADMIN)
        if not was_active:
            events.user_activation_changed(actor=None, user=user, is_active=True)
    return user, False
