"""Bearer-token authentication: simplejwt's, with the account read by one plain SELECT and
each token's signature checked once per process."""

import logging
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from contentum.common import rows

logger = logging.getLogger(__name__)

# Tokens whose signature and claims were verified in this process, with their expiry.
VERIFIED_TOKENS_MAX = 4096
_verified: dict[bytes, tuple[Token, float]] = {}


class JWTAuthentication(authentication.JWTAuthentication):
    """Every authenticated request looks its account up, so the lookup skips the ORM's
    query compiler (`rows.get`); the checks are simplejwt's: the account must exist and be
    active, so a deactivated user is refused even with a live access token."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        """simplejwt's verification, remembered per token until it expires.

        Decoding and checking the signature cost more than the rest of authentication; a
        client sends the same token for up to its lifetime, and what was verified about it
        (signature, type, claims) cannot change. Expiry is checked on every request, and
        the account (`get_user`) is read on every request as before.
        """
        verified = _verified.get(raw_token)
        if verified is not None and time.time() < verified[1]:
            return verified[0]
        token = super().get_validated_token(raw_token)  # raises on an invalid or expired one
        if len(_verified) >= VERIFIED_TOKENS_MAX:
            _verified.clear()
        _verified[raw_token] = (token, float(token["exp"]))
        return token

    def get_user(self, validated_token: Token) -> Any:
        user_id = token_user_id(validated_token)
        user = rows.get(self.user_model, **{api_settings.USER_ID_FIELD: user_id})
        return confirmed_account(user, validated_token)


def token_user_id(validated_token: Token) -> Any:
    """The account id a token names, as the primary key's type; 401 when it names none."""
    try:
        user_id = validated_token[api_settings.USER_ID_CLAIM]
    except KeyError as exc:
        raise InvalidToken(_("Token contained no recognizable user identification")) from exc
    field = get_user_model()._meta.get_field(api_settings.USER_ID_FIELD)
    try:
        user_id = field.to_python(user_id)
    except (ValidationError, ValueError, TypeError):  # a signed token, a malformed id
        user_id = None
    if user_id is None:
        raise AuthenticationFailed(_("User not found"), code="user_not_found")
    return user_id


def confirmed_account(user: Any | None, validated_token: Token) -> Any:
    """The rule for every request with a token: the account exists and is active (so a
    deactivated user is refused even with a live access token), and with CHECK_REVOKE_TOKEN
    its password has not changed since the token was issued. 401 otherwise."""
    if user is None:
        raise AuthenticationFailed(_("User not found"), code="user_not_found")
    if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
        raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
    if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
        api_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        raise AuthenticationFailed(
            _("The user's password has been changed."), code="password_changed"
        )
    return user


class PendingAccount:
    """A verified token's account, not read yet.

    The chat endpoints lock a row that names its owner; reading the account in that same
    query (`account_of`) spares a round trip on every answer. Anything else that asks the
    account for more than its id reads and confirms it first, so the rule above holds for
    every use; `AccountReadWithRow` makes sure an error answer confirms it too.
    """

    is_authenticated = True
    is_anonymous = False

    def __init__(self, user_id: Any, validated_token: Token) -> None:
        self.pk = self.id = user_id
        self._token = validated_token
        self._account: Any = None

    @property
    def confirmed(self) -> bool:
        return self._account is not None

    def confirm(self, row: Any = None) -> Any:
        """The account, confirmed by the rule. `row` is the account as just read with
        another row, and is always checked: a request may lock twice (an answer enriched by
        an LLM between its two locks), and the account may change in between. Without
        `row`, the account confirmed before, else read now."""
        if row is not None or self._account is None:
            if row is None:
                row = self._read()
            self._account = None
            self._account = confirmed_account(row, self._token)
        return self._account

    def reconfirm(self) -> Any:
        """Reads the account again and checks it: before answering with an error."""
        self._account = None
        return self.confirm(self._read())

    def _read(self) -> Any:
        return rows.get(get_user_model(), **{api_settings.USER_ID_FIELD: self.pk})

    def __getattr__(self, name: str) -> Any:  # only for what the instance itself lacks
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.confirm(), name)

    def __str__(self) -> str:
        return str(self.confirm())


def account_of(user: Any, row: Any) -> Any:
    """`user` as an account: a pending one is confirmed with `row` (the account as read
    together with a row of its own), a real one is itself."""
    return user.confirm(row) if isinstance(user, PendingAccount) else user


class AccountReadWithRow(JWTAuthentication):
    """For views whose service reads the caller's account with the row it locks (the chat
    answer): authentication checks the token only, the account stays pending."""

    def get_user(self, validated_token: Token) -> PendingAccount:
        return PendingAccount(token_user_id(validated_token), validated_token)


class AccountReadWithRowMixin:
    """Uses `AccountReadWithRow` for `account_read_with_row_actions`. Before any error
    answer the account is read again and checked: a token of a removed or deactivated
    account gets 401 whatever else was wrong with the request, as with the usual
    authentication (an error answer may cost a query; a success does not)."""

    account_read_with_row_actions: tuple[str, ...] = ()

    def get_authenticators(self) -> list[Any]:
        request = getattr(self, "request", None)
        if request is None or getattr(self, "swagger_fake_view", False):  # the schema: one scheme
            return super().get_authenticators()
        # `self.action` is set only after the request is built: read the route's map.
        action = self.action_map.get(request.method.lower())
        if action in self.account_read_with_row_actions:
            return [AccountReadWithRow()]
        return super().get_authenticators()

    def handle_exception(self, exc: Exception) -> Any:
        account = getattr(self.request, "_user", None)
        if isinstance(account, PendingAccount) and not isinstance(exc, AuthenticationFailed):
            try:
                account.reconfirm()
            except AuthenticationFailed as refused:
                exc = refused
            except Exception:  # the database failed too: answer with the original error
                logger.exception("Could not re-read the account before an error answer")
        return super().handle_exception(exc)


class JWTScheme(SimpleJWTScheme):
    """Documents the class above in the OpenAPI schema as simplejwt's Bearer scheme."""

    target_class = JWTAuthentication
