"""Loading at worker start what the first requests would otherwise load.

Django imports the URL configuration (and with it every view, serializer and schema
helper), the cache client, the password validators' word list and the translation
catalogs on first use: about 0.1 s of CPU that the first requests of every worker paid.
Gunicorn calls `warm_up` in each new worker before it takes traffic (see gunicorn.conf.py).
"""

import logging

from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.cache import cache
from django.db import connection
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    get_default_password_validators()  # reads the common-passwords list
    with translation.override(settings.LANGUAGE_CODE):  # loads the catalogs
        translation.gettext("This field is required.")
    try:  # the database and the cache may still be starting: the first request will retry
        connection.ensure_connection()
        cache.get("contentum:warm-up")
    except Exception as exc:  # warming up must never stop a worker from starting
        logger.warning("warm-up: a service is not reachable yet: %s", exc)
