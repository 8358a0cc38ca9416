"""Loading at worker start what the first requests would otherwise load.

Django imports the URL configuration (and with it every view, serializer and schema
helper), the cache client, the password validators' word list and the translation
catalogs on first use: about 0.1 s of CPU that the first requests of every worker paid.
Gunicorn calls `warm_up` in each new worker before it takes traffic (see gunicorn.conf.py).
"""

from django.conf import settings
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.cache import cache
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every view module
    get_default_password_validators()  # reads the common-passwords list
    with translation.override(settings.LANGUAGE_CODE):  # loads the catalogs
        translation.gettext("This field is required.")
    # The cache builds its client (importing its library) on first use, without connecting.
    # Neither the cache nor the database is contacted here: a server that drops packets
    # would hang the worker's start (and gunicorn would restart it over and over).
    getattr(cache, "_cache", None)
