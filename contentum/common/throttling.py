"""Throttles: the unauthenticated auth endpoints per client address and per email, and
whatever starts an image generation (each costs a provider call) per user.

The view classes are DRF throttles (the API layer). A service that starts a generation
outside those views (a finished chat) checks the same limit through `generation_allowed`
and `count_generation_start`, which raise the app's own `QuotaExceeded`, not DRF's
`Throttled`: the client gets the same 429 envelope and Retry-After either way.

Rates are read from settings at request time (not import time), so they stay configurable.
"""

import hashlib
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import transaction
from rest_framework.throttling import SimpleRateThrottle

from contentum.common.exceptions import QuotaExceeded
from contentum.common.net import client_ip


class _SettingsRateThrottle(SimpleRateThrottle):
    rate_name = ""

    def get_rate(self) -> str:
        return settings.THROTTLE_RATES[self.rate_name]

    def _scope(self, view) -> str:
        return getattr(view, "throttle_scope", None) or type(view).__name__


class AuthAddressThrottle(_SettingsRateThrottle):
    rate_name = "auth_ip"

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{self._scope(view)}:ip:{client_ip(request)}"


class AuthEmailThrottle(_SettingsRateThrottle):
    rate_name = "auth_email"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return f"throttle:{self._scope(view)}:email:{digest}"


class GenerationUserThrottle(_SettingsRateThrottle):
    """Per signed-in user, shared by `generate/`, `retry/` and the end of a chat: each
    starts a generation, and each generation costs a provider call."""

    rate_name = "generate"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # refused by the permission check anyway
        return f"throttle:generate:user:{request.user.pk}"


class _GenerationCheck(GenerationUserThrottle):
    """The same check, counting nothing until told to (`record`)."""

    def throttle_success(self) -> bool:
        return True

    def record(self) -> None:
        """Counts the start checked last, into the history that check read."""
        super().throttle_success()


def _checked(user: Any) -> _GenerationCheck:
    throttle = _GenerationCheck()
    if not throttle.allow_request(SimpleNamespace(user=user), None):
        raise QuotaExceeded(wait=throttle.wait())
    return throttle


def generation_allowed(user: Any) -> None:
    """QuotaExceeded (429) when `user` may start no more generations now; counts nothing."""
    _checked(user)


def count_generation_start(user: Any) -> None:
    """Counts a generation started outside the throttled views (a finished chat) against
    the same limit: QuotaExceeded (429) past it, before anything is written. The start is
    counted when the caller's transaction commits, so a completion that fails and rolls
    back costs nothing.

    The count writes back the history the check read (one cache write, no second read),
    as DRF's throttles do between their own read and write: a start by the same user
    committed in between would go uncounted, as it could there."""
    transaction.on_commit(_checked(user).record)
