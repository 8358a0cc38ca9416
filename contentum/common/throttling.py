"""Throttles: the unauthenticated auth endpoints per client address and per email, and the
endpoints that start an image generation on demand (each costs a provider call) per user.

Rates are read from settings at request time (not import time), so they stay configurable.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

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
    """Per signed-in user, shared by `generate/` and `retry/`. A chat starts one generation
    at its end, after ten requests, and a user has one unfinished chat: the flow limits it."""

    rate_name = "generate"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None  # refused by the permission check anyway
        return f"throttle:generate:user:{request.user.pk}"
