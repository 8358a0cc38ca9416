"""Bearer-token authentication: simplejwt's, with the account read by one plain SELECT and
each token's signature checked once per process."""

import time
from typing import Any

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
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        try:
            user = rows.get(self.user_model, **{api_settings.USER_ID_FIELD: user_id})
        except (ValidationError, ValueError, TypeError):  # a signed token, a malformed id
            user = None
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


class JWTScheme(SimpleJWTScheme):
    """Documents the class above in the OpenAPI schema as simplejwt's Bearer scheme."""

    target_class = JWTAuthentication
