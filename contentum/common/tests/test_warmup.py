"""Warming a worker up loads what the first requests would load, and contacts nothing."""

import pytest
from django.contrib.auth.password_validation import get_default_password_validators

from contentum.common.warmup import warm_up


@pytest.mark.django_db
def test_warm_up_loads_the_password_validators_without_a_query(django_assert_num_queries):
    get_default_password_validators.cache_clear()

    with django_assert_num_queries(0):
        warm_up()

    assert get_default_password_validators.cache_info().currsize == 1


def test_warm_up_does_not_contact_the_cache(settings):
    """Redis may start after the web workers, or drop packets: a worker's start must not
    wait on it. Nothing listens on the discard port, so any contact would raise here."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    warm_up()


def test_warm_up_loads_what_the_first_registration_login_and_finished_chat_would():
    import sys

    from django.core.validators import EmailValidator
    from django.urls import get_resolver
    from django.utils.functional import empty

    from contentum.celery import app

    warm_up()

    assert EmailValidator.domain_regex._wrapped is not empty  # compiled, not just declared
    assert {"jwt", "rest_framework_simplejwt.state"} <= sys.modules.keys()
    assert app.finalized
    routes = [entry for entry in get_resolver().url_patterns]
    assert all("regex" in entry.pattern.__dict__ for entry in routes)


def test_warm_up_does_not_contact_the_broker():
    """The broker may be down at a worker's start: resolving kombu's transport and building
    a message must not connect. Nothing listens on the discard port."""
    from contentum.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport
    app.conf.broker_url, app.conf.broker_transport = "redis://127.0.0.1:9/0", None
    try:
        warm_up()
    finally:
        app.conf.broker_url, app.conf.broker_transport = saved
