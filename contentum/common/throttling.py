"""Throttles: the unauthenticated auth endpoints per client address (registration also per
email), failed logins per email and address with a growing delay, requests that may call
the LLM per user, and whatever starts an image generation (each costs a provider call) per
user.

The view classes are DRF throttles (the API layer). A service that starts a generation
outside those views (a finished chat) checks the same limit through `generation_allowed`
and `count_generation_start`, which raise the app's own `QuotaExceeded`, not DRF's
`Throttled`: the client gets the same 429 envelope and Retry-After either way.

Rates are read from settings at request time (not import time), so they stay configurable.

When the cache is unreachable (Redis down) a limit cannot be read. The login limits (per
address, and the growing delay after failures) guard passwords against guessing, so login
answers 503 with Retry-After rather than let guesses through unlimited: already signed-in
users keep working. Every other limit (registration, LLM, generation) guards cost or
abuse, not secrets, and fails open with a warning: an outage of the cache should not
become an outage of the app (and the generations it lets through wait in the database for
the broker, which is the same Redis).
"""

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from contentum.common.exceptions import ApplicationError, QuotaExceeded
from contentum.common.net import client_ip

logger = logging.getLogger(__name__)

# The API's and the admin's login share this scope, so they share one per-address counter.
LOGIN_SCOPE = "login"
LOGIN_DELAYED_MESSAGE = "Слишком много неудачных попыток входа. Повторите попытку позже."
LOGIN_UNAVAILABLE_MESSAGE = "Вход временно недоступен. Повторите попытку позже."
# Seconds a client is told to wait (Retry-After) when login is refused for a cache outage.
LOGIN_UNAVAILABLE_RETRY_AFTER = 30
# What a cache backend raises when its server is unreachable: RedisCache, or the
# file-based cache of an embedded install.
CACHE_ERRORS = (RedisError, OSError)


class LoginUnavailable(QuotaExceeded):
    """503: the login limits cannot be read, so no login is let through unchecked. A
    QuotaExceeded, so every login form that waits out a limit waits this out too."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__(LOGIN_UNAVAILABLE_MESSAGE, wait=LOGIN_UNAVAILABLE_RETRY_AFTER)


def _cache_down(what: str, exc: Exception) -> None:
    logger.warning("Cache unreachable, %s: %s", what, exc)


class _SettingsRateThrottle(SimpleRateThrottle):
    rate_name = ""
    # False once the cache failed this request: nothing was read, so nothing is written.
    cache_ok = True

    def get_rate(self) -> str:
        return settings.THROTTLE_RATES[self.rate_name]

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            self.cache_ok = False
            return self.allow_without_cache(view, exc)

    def allow_without_cache(self, view, exc: Exception) -> bool:
        """Fails open: this limit guards cost, not secrets (see the module's docstring)."""
        _cache_down(f"{type(self).__name__} not applied", exc)
        return True

    def _scope(self, view) -> str:
        return getattr(view, "throttle_scope", None) or type(view).__name__


class AuthAddressThrottle(_SettingsRateThrottle):
    rate_name = "auth_ip"

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{self._scope(view)}:ip:{client_ip(request)}"

    def allow_without_cache(self, view, exc: Exception) -> bool:
        """Login fails closed (503), registration fails open: see the module's docstring."""
        if self._scope(view) == LOGIN_SCOPE:
            _cache_down("login refused", exc)
            raise LoginUnavailable() from exc
        return super().allow_without_cache(view, exc)


class AuthEmailThrottle(_SettingsRateThrottle):
    rate_name = "auth_email"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return f"throttle:{self._scope(view)}:email:{digest}"


def login_address_allowed(request: HttpRequest) -> None:
    """QuotaExceeded (429) past the per-address login limit; counts this attempt otherwise.
    For a login form outside DRF (the admin's): the API's login view has the same throttle."""
    throttle = AuthAddressThrottle()
    if not throttle.allow_request(request, SimpleNamespace(throttle_scope=LOGIN_SCOPE)):
        raise QuotaExceeded(wait=throttle.wait())


def _failures_key(email: str, address: str) -> str:
    """Per email *and* address: failures from elsewhere never lock the owner out."""
    digest = hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()
    return f"throttle:login-failures:{digest}"


def _failure_delay(failures: int) -> int:
    """Seconds the next attempt waits after `failures` failures in a row: none for the
    first LOGIN_FAILURES_FREE, then doubling per failure, up to the cap."""
    over = failures - settings.LOGIN_FAILURES_FREE
    if over < 0:
        return 0
    cap = settings.LOGIN_FAILURE_MAX_DELAY_SECONDS
    return min(settings.LOGIN_FAILURE_DELAY_SECONDS * 2 ** min(over, 32), cap)


def login_failure_check(*, email: str, address: str) -> None:
    """QuotaExceeded (429) while the failures of `email` from `address` are delayed;
    LoginUnavailable (503) when they cannot be read."""
    try:
        state = cache.get(_failures_key(email, address))
    except CACHE_ERRORS as exc:
        _cache_down("login refused", exc)
        raise LoginUnavailable() from exc
    if state is None:
        return
    wait = state["until"] - time.time()
    if wait > 0:
        raise QuotaExceeded(LOGIN_DELAYED_MESSAGE, wait=wait)


def login_failure_record(*, email: str, address: str) -> None:
    """Counts a failed login. The count is remembered for the delay it earned plus the cap,
    so a pause that long starts afresh. A cache that fails here (after the check read it)
    loses this one count: the next attempt's check fails closed."""
    key = _failures_key(email, address)
    try:
        state = cache.get(key) or {"failures": 0, "until": 0.0}
        failures = state["failures"] + 1
        delay = _failure_delay(failures)
        cache.set(
            key,
            {"failures": failures, "until": time.time() + delay},
            timeout=delay + settings.LOGIN_FAILURE_MAX_DELAY_SECONDS,
        )
    except CACHE_ERRORS as exc:
        _cache_down("login failure not counted", exc)


def login_failures_reset(*, email: str, address: str) -> None:
    """A successful login forgets the failures that came before it (if the cache fails
    now, they expire on their own; the login itself stands)."""
    try:
        cache.delete(_failures_key(email, address))
    except CACHE_ERRORS as exc:
        _cache_down("login failures not reset", exc)


@contextmanager
def login_failures_counted(*, email: str, address: str) -> Iterator[None]:
    """Wraps a login: refused (429) while delayed, a failure (an ApplicationError answering
    401) is counted, and success resets the count. Other errors count nothing."""
    login_failure_check(email=email, address=address)
    try:
        yield
    except ApplicationError as exc:
        if exc.status_code == status.HTTP_401_UNAUTHORIZED:
            login_failure_record(email=email, address=address)
        raise
    login_failures_reset(email=email, address=address)


class LLMUserThrottle(_SettingsRateThrottle):
    """Per signed-in user, on the writes that may call the LLM inside the request
    (enrichment): each call costs money and holds a worker. Reads are not counted."""

    rate_name = "llm"

    def get_cache_key(self, request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        if not request.user or not request.user.is_authenticated:
            return None  # refused by the permission check anyway
        return f"throttle:llm:user:{request.user.pk}"


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
        """Counts the start checked last, into the history that check read. Runs after the
        commit, so a cache down by then loses the count rather than the answer."""
        if not self.cache_ok:
            return
        try:
            super().throttle_success()
        except CACHE_ERRORS as exc:
            _cache_down("generation start not counted", exc)


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
