"""Loading at worker start what the first requests would otherwise load.

Django imports the URL configuration (and with it every view, serializer and schema
helper), the cache client, the password validators' word list and the translation
catalogs on first use, and compiles each route's pattern when a request first needs it:
about 0.1 s of CPU that the first requests of every worker paid.
The first registration compiled Django's e-mail domain pattern (25 ms: a large Unicode
character class), the first login imported PyJWT and the cryptography bindings (28 ms),
and the first finished chat finalised the Celery app, imported its message machinery and
scanned every installed package's entry points for the result backend (30 ms); the first
hash loaded the Argon2 library. Gunicorn calls `warm_up` in each new
worker before it takes traffic (see gunicorn.conf.py).

Neither the cache, the database nor the broker is contacted here: a server that drops
packets would hang the worker's start (and gunicorn would restart it over and over).
"""

import uuid

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.cache import cache
from django.core.validators import validate_email
from django.urls import URLResolver, get_resolver
from django.utils import translation


def warm_up() -> None:
    _compile_routes(get_resolver())  # imports every view module, compiles every route
    get_default_password_validators()  # reads the common-passwords list
    with translation.override(settings.LANGUAGE_CODE):  # loads the catalogs
        translation.gettext("This field is required.")
    # The cache builds its client (importing its library) on first use, without connecting.
    getattr(cache, "_cache", None)
    validate_email("warm-up@example.com")  # compiles the domain pattern
    hasher = get_hasher()
    hasher.encode("warm-up", hasher.salt())  # loads the Argon2 library: one hash, ~7 ms
    _warm_tokens()
    _warm_celery()


def _compile_routes(resolver: URLResolver) -> None:
    for entry in resolver.url_patterns:
        entry.pattern.regex  # noqa: B018 - compiled on first use, once per process
        if isinstance(entry, URLResolver):
            _compile_routes(entry)


def _warm_tokens() -> None:
    """Signs and reads one token: imports PyJWT and its algorithms. Skipped with a JWK_URL,
    whose keys are fetched over the network when a token is read."""
    if settings.SIMPLE_JWT.get("JWK_URL"):
        return
    from rest_framework_simplejwt.tokens import AccessToken

    AccessToken(str(AccessToken()))


def _warm_celery() -> None:
    """Finalises the Celery app and builds one message, without sending it: the broker's
    transport class is resolved, no connection is opened (kombu connects on first use)."""
    from contentum.celery import app

    app.tasks  # noqa: B018 - finalises the app: every task bound
    app.backend  # noqa: B018 - looked up among the installed packages' entry points
    with app.connection_for_write() as connection:
        connection.transport  # noqa: B018 - imports the transport, does not connect
    app.amqp.as_task_v2(str(uuid.uuid4()), "generation.submit", args=("warm-up", 0))
