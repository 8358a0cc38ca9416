"""The request's own origin, for the links its answer carries."""

import pytest
from django.core.exceptions import DisallowedHost

from contentum.common.net import request_origin


def test_the_origin_is_the_requests_scheme_host_and_port(settings, rf):
    settings.ALLOWED_HOSTS = ["internal"]
    settings.PUBLIC_BASE_URL = ""

    assert request_origin(rf.get("/api/messages/", HTTP_HOST="internal:8000")) == (
        "http://internal:8000"
    )
    assert request_origin(rf.get("/api/chats/", HTTP_HOST="internal", secure=True)) == (
        "https://internal"
    )


def test_the_public_base_url_wins_over_the_requests_host(settings, rf):
    settings.ALLOWED_HOSTS = ["internal"]
    settings.PUBLIC_BASE_URL = "https://contentum.example.com"

    assert request_origin(rf.get("/", HTTP_HOST="internal:8000")) == (
        "https://contentum.example.com"
    )


def test_a_forged_host_plants_no_link(settings, rf):
    settings.ALLOWED_HOSTS = ["internal"]
    settings.PUBLIC_BASE_URL = ""

    with pytest.raises(DisallowedHost):
        request_origin(rf.get("/", HTTP_HOST="evil.example.com"))
