"""Warming a worker up loads what the first requests would load, and never fails it."""

import logging

import pytest
from django.contrib.auth.password_validation import get_default_password_validators

from contentum.common.warmup import warm_up


@pytest.mark.django_db
def test_warm_up_loads_the_password_validators_and_the_database_connection():
    get_default_password_validators.cache_clear()

    warm_up()

    assert get_default_password_validators.cache_info().currsize == 1


@pytest.mark.django_db
def test_warm_up_survives_an_unreachable_cache(settings, caplog):
    """Redis may start after the web workers: the worker still starts, with a warning."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens there
        }
    }

    with caplog.at_level(logging.WARNING, logger="contentum.common.warmup"):
        warm_up()

    assert "not reachable" in caplog.text
