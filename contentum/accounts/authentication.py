"""Bearer-token authentication: simplejwt's, with each token's signature checked once per
process and a malformed account id refused as "not authenticated"."""

import time
from collections import OrderedDict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.tokens import Token


class VerifiedTokens:
    """A bounded cache of tokens whose signature and claims were verified, each kept until
    it expires. What was verified about a token cannot change; expiry is checked on every
    lookup, and the oldest entry goes first when the cache is full."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._tokens: OrderedDict[bytes, Token] = OrderedDict()

    def get(self, raw_token: bytes) -> Token | None:
        token = self._tokens.get(raw_token)
        if token is None:
            return None
        if time.time() >= float(token["exp"]):
            self._tokens.pop(raw_token, None)
            return None
        return token

    def add(self, raw_token: bytes, token: Token) -> None:
        self._tokens[raw_token] = token
        while len(self._tokens) > self.max_size:
            self._tokens.popitem(last=False)

    def __len__(self) -> int:
        return len(self._tokens)


verified_tokens = VerifiedTokens(max_size=4096)


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication. The account is read on every request, so a deactivated
    user is refused even with a live access token."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        """Decoding and checking the signature cost more than the rest of authentication,
        and a client sends the same token for up to its lifetime: verify it once."""
        token = verified_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)  # raises on an invalid or expired one
            verified_tokens.add(raw_token, token)
        return token

    def get_user(self, validated_token: Token) -> Any:
        try:
            return super().get_user(validated_token)
        except (ValidationError, ValueError, TypeError) as exc:  # a signed, malformed id
            raise AuthenticationFailed(_("User not found"), code="user_not_found") from exc


class JWTScheme(SimpleJWTScheme):
    """Documents the class above in the OpenAPI schema as simplejwt's Bearer scheme."""

    target_class = JWTAuthentication
