"""Account rules: registration, approval, login, logout, passwords and admin edits.
Views, admin pages and commands only call these."""

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts import events as account_events
from contentum.accounts.models import Role, User
from contentum.audit import events
from contentum.common.exceptions import ApplicationError, ConflictError

EMAIL_TAKEN = "Пользователь с таким email уже зарегистрирован."
BAD_CREDENTIALS = "Неверный email или пароль."
PASSWORDS_DIFFER = "Пароли не совпадают."
WEAK_PASSWORD = "Пароль слишком слабый."  # noqa: S105 (a name, not a secret)
REGISTRATION_CLOSED = "Регистрация закрыта: учётные записи создаёт администратор."
PENDING_APPROVAL = "Учётная запись ожидает подтверждения администратором."
ALREADY_APPROVED = "Учётная запись уже подтверждена."
BAD_OLD_PASSWORD = "Неверный текущий пароль."  # noqa: S105 (a name, not a secret)


class RegistrationMode(StrEnum):
    OPEN = "open"
    APPROVAL = "approval"
    CLOSED = "closed"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str

    @classmethod
    def for_user(cls, user: User) -> "TokenPair":
        refresh = RefreshToken.for_user(user)
        return cls(access=str(refresh.access_token), refresh=str(refresh))


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


def _validate_new_password(*, password: str, user: User, field: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ApplicationError(WEAK_PASSWORD, errors={field: exc.messages}) from exc


def _check_confirmation(*, password: str, confirm: str | None, field: str) -> None:
    if confirm is not None and password != confirm:
        raise ApplicationError(PASSWORDS_DIFFER, errors={field: [PASSWORDS_DIFFER]})


def _user_insert(
    *, email: str, full_name: str, password: str, password_confirm: str | None, **fields: Any
) -> User:
    """The checks every way of making an account shares; returns it unsaved."""
    _check_email_domain(email)
    _check_confirmation(password=password, confirm=password_confirm, field="passwordConfirm")
    candidate = User(email=email, full_name=full_name.strip(), **fields)
    _validate_new_password(password=password, user=candidate, field="password")
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(EMAIL_TAKEN, errors={"email": [EMAIL_TAKEN]})
    candidate.set_password(password)
    return candidate


def _save_new(candidate: User, audit: Any) -> User:
    """Inserts the account and its audit row together; the unique index is the check."""
    try:
        with transaction.atomic():
            candidate.save(force_insert=True)
            audit(candidate)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ApplicationError(EMAIL_TAKEN, errors={"email": [EMAIL_TAKEN]}) from exc
    return candidate


def registration_mode() -> RegistrationMode:
    return RegistrationMode(settings.REGISTRATION_MODE)


def registration_ensure_open() -> None:
    """With registration closed the answer is 403 whatever the body says."""
    if registration_mode() == RegistrationMode.CLOSED:
        raise ApplicationError(REGISTRATION_CLOSED, status_code=status.HTTP_403_FORBIDDEN)


def user_register(*, email: str, full_name: str, password: str, password_confirm: str) -> User:
    """Self-registration: always an EMPLOYEE; email unique regardless of case. In the
    `approval` mode the account is created inactive and pending until an admin approves."""
    registration_ensure_open()
    pending = registration_mode() == RegistrationMode.APPROVAL
    candidate = _user_insert(
        email=email.strip().lower(),
        full_name=full_name,
        password=password,
        password_confirm=password_confirm,
        role=Role.EMPLOYEE,
        is_active=not pending,
        approved_at=None if pending else timezone.now(),
    )
    return _save_new(candidate, lambda user: events.user_registered(user=user))


def user_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    password: str,
    password_confirm: str | None = None,
    role: str = Role.EMPLOYEE,
) -> User:
    """An admin creates an account (the only way in the `closed` mode): active, approved,
    of any role."""
    candidate = _user_insert(
        email=email.strip().lower(),
        full_name=full_name,
        password=password,
        password_confirm=password_confirm,
        role=role,
        is_active=True,
        approved_at=timezone.now(),
    )
    return _save_new(
        candidate, lambda user: account_events.user_created_by_admin(actor=actor, user=user)
    )


def user_approve(*, actor: User, user: User) -> User:
    """Lets a pending account log in. Approving twice is a conflict, not a second row."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_pending_approval:
            raise ConflictError(ALREADY_APPROVED)
        user.approved_at, user.is_active = timezone.now(), True
        user.save(update_fields=["approved_at", "is_active"])
        account_events.user_approved(actor=actor, user=user)
    return user


def _stamp_last_login(user: User) -> None:
    """Django admin's «Последний вход». Django sets it only for its own session logins
    (the `user_logged_in` signal), and SIMPLE_JWT's UPDATE_LAST_LOGIN only in simplejwt's
    own obtain view, which the API does not use: the login stamps it here, once. A token
    refresh continues that login and leaves the row alone."""
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])


def auth_login(*, email: str, password: str) -> LoginResult:
    email = email.strip().lower()
    user = authenticate(username=email, password=password)
    if user is None or user.is_pending_approval:
        known = user or User.objects.filter(email__iexact=email).first()
        if known is None:
            reason = "unknown_email"
        elif known.is_pending_approval:
            reason = "pending_approval"
        else:
            reason = "inactive" if not known.is_active else "bad_password"
        events.login_failed(email=email, reason=reason)
        # Only the right password learns that the account waits: nobody else can tell a
        # pending address from an unknown one.
        if reason == "pending_approval" and (user or known.check_password(password)):
            raise ApplicationError(PENDING_APPROVAL, status_code=status.HTTP_403_FORBIDDEN)
        raise ApplicationError(BAD_CREDENTIALS, status_code=status.HTTP_401_UNAUTHORIZED)
    tokens = TokenPair.for_user(user)
    _stamp_last_login(user)
    events.login_succeeded(user=user)
    return LoginResult(user=user, access=tokens.access, refresh=tokens.refresh)


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


def user_password_change(
    *, user: User, old_password: str, new_password: str, new_password_confirm: str | None = None
) -> TokenPair:
    """A person changes their own password. Every session they had ends (a stolen one
    too); the fresh pair returned keeps the client that asked logged in."""
    if not user.check_password(old_password):
        account_events.password_change_failed(user=user, reason="bad_old_password")
        raise ApplicationError(BAD_OLD_PASSWORD, errors={"oldPassword": [BAD_OLD_PASSWORD]})
    _check_confirmation(
        password=new_password, confirm=new_password_confirm, field="newPasswordConfirm"
    )
    _validate_new_password(password=new_password, user=user, field="newPassword")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        account_events.password_changed(user=user)
        user_tokens_revoke(actor=user, user=user, reason="password_changed")
        return TokenPair.for_user(user)


def user_password_set(*, actor: User | None, user: User, password: str, via: str) -> User:
    """Someone other than the owner sets the password (an admin, or `ensure_admin`): the
    validators apply and all the account's sessions end."""
    _validate_new_password(password=password, user=user, field="newPassword")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        account_events.password_set(actor=actor, user=user, via=via)
        user_tokens_revoke(actor=actor, user=user, reason="password_set")
    return user


def user_tokens_revoke(*, actor: User | None, user: User, reason: str) -> int:
    """Blacklists every live refresh token of the account, so none can be refreshed.
    Access tokens already issued live until they expire unless SIMPLE_JWT's
    CHECK_REVOKE_TOKEN ties them to the password hash. Returns how many were revoked."""
    count = _blacklist_all_refresh_tokens(user)
    account_events.tokens_revoked(actor=actor, user=user, count=count, reason=reason)
    return count


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
    """Admin edit of full name, role and active flag (API and Django admin alike).
    Activating a pending account approves it."""
    errors = self_change_errors(actor=actor, user=user, changes=changes)
    if errors:
        raise ApplicationError("Изменение запрещено.", errors=errors)

    old_role = user.role
    updated_fields = []
    for field in ("full_name", "role", "is_active", "monthly_image_quota"):
        if field in changes and getattr(user, field) != changes[field]:
            setattr(user, field, changes[field])
            updated_fields.append(field)
    if not updated_fields:
        return user
    approves = user.is_active and user.is_pending_approval
    if approves:
        user.approved_at = timezone.now()
        updated_fields.append("approved_at")
    with transaction.atomic():
        user.save(update_fields=updated_fields)
        if "role" in updated_fields:
            events.user_role_changed(actor=actor, user=user, old=old_role, new=user.role)
        if "is_active" in updated_fields:
            events.user_activation_changed(actor=actor, user=user, is_active=user.is_active)
            if not user.is_active:
                _blacklist_all_refresh_tokens(user)
        if approves:
            account_events.user_approved(actor=actor, user=user)
        if "full_name" in updated_fields:
            events.user_updated(actor=actor, user=user, changes={"full_name": user.full_name})
        if "monthly_image_quota" in updated_fields:
            events.user_updated(
                actor=actor, user=user, changes={"monthly_image_quota": user.monthly_image_quota}
            )
    return user


def _blacklist_all_refresh_tokens(user: User) -> int:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return len(created)


class AdminEnsureOutcome(StrEnum):
    CREATED = "created"
    EXISTS = "exists"
    PROMOTED = "promoted"


@dataclass(frozen=True)
class AdminEnsureResult:
    user: User
    outcome: AdminEnsureOutcome
    generated_password: str = ""


class AdminPromotionRefused(ConflictError):
    """`ensure_admin` found the address taken by an account it may not take over. The
    message is for the operator at the console, like settings errors, so it is English."""


def admin_ensure(
    *, email: str, password: str = "", promote: bool = False, full_name: str = "Администратор"
) -> AdminEnsureResult:
    """Makes sure an active admin with this email exists (run at every `make run`).

    Whoever registered the admin's address first must not become admin by it: an existing
    account that is not an active admin is left alone unless `promote` asks otherwise, and
    a promotion replaces its password with the configured one and ends its sessions.
    Without a password a new admin gets a generated one, returned once."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        generated = "" if password else secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_superuser(
                email=email, password=password or generated, full_name=full_name
            )
            account_events.admin_created(user=user)
        return AdminEnsureResult(user, AdminEnsureOutcome.CREATED, generated)
    if user.is_admin and user.is_active:
        return AdminEnsureResult(user, AdminEnsureOutcome.EXISTS)
    state = "is not an admin" if not user.is_admin else "is a deactivated admin"
    if not promote:
        account_events.admin_promotion_refused(user=user, reason="not_requested")
        raise AdminPromotionRefused(
            f"Account {email} already exists and {state}, so it was left unchanged; to make "
            "it the admin (its password replaced by CONTENTUM_ADMIN_PASSWORD and its "
            "sessions revoked) set CONTENTUM_ADMIN_PROMOTE=true or pass --promote-existing."
        )
    if not password:
        account_events.admin_promotion_refused(user=user, reason="no_password")
        raise AdminPromotionRefused(
            f"Account {email} {state} and cannot be promoted without CONTENTUM_ADMIN_PASSWORD: "
            "set it to the password the admin will log in with."
        )
    return AdminEnsureResult(
        _admin_promote(user=user, password=password), AdminEnsureOutcome.PROMOTED
    )


def _admin_promote(*, user: User, password: str) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        old_role, was_active = user.role, user.is_active
        user.role, user.is_active = Role.ADMIN, True
        fields = ["role", "is_active", "password"]
        if user.is_pending_approval:
            user.approved_at = timezone.now()
            fields.append("approved_at")
        user.set_password(password)
        user.save(update_fields=fields)
        account_events.admin_promoted(user=user, old_role=old_role, was_active=was_active)
        if old_role != Role.ADMIN:
            events.user_role_changed(actor=None, user=user, old=old_role, new=Role.ADMIN)
        if not was_active:
            events.user_activation_changed(actor=None, user=user, is_active=True)
        account_events.password_set(actor=None, user=user, via="ensure_admin")
        user_tokens_revoke(actor=None, user=user, reason="admin_promoted")
    return user
