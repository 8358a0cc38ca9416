"""Every API path answers the same with and without its trailing slash: no redirect (a
client that follows a 301 turns a POST into a GET and loses its body). The OpenAPI
document lists each path once, in its canonical form, with the slash."""

import json
import re
import uuid

import pytest
from django.urls import resolve
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from contentum.accounts.tests.factories import DEFAULT_PASSWORD
from contentum.chats.models import Chat

SAMPLE_VALUES = {"number": "1", "kind": "image"}  # any other {name} is an id


@pytest.fixture(scope="module")
def api_paths() -> list[str]:
    with GENERATOR_STATS.silence():
        document = SchemaGenerator().get_schema(request=None, public=True)
    return [
        path
        for path in json.loads(json.dumps(document, default=str))["paths"]
        if path.startswith("/api/")
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: SAMPLE_VALUES.get(match[1], str(uuid.uuid4())), path)


def test_the_openapi_document_lists_each_api_path_once_with_its_slash(api_paths):
    assert api_paths
    assert [path for path in api_paths if not path.endswith("/")] == []
    assert len(set(api_paths)) == len(api_paths)


def test_every_api_path_resolves_to_the_same_view_without_its_trailing_slash(api_paths):
    for template in api_paths:
        path = concrete(template)

        with_slash, without = resolve(path), resolve(path.removesuffix("/"))

        assert (without.func, without.args, without.kwargs) == (
            with_slash.func,
            with_slash.args,
            with_slash.kwargs,
        ), template


@pytest.mark.django_db
def test_a_post_without_the_trailing_slash_keeps_its_body(employee, api_client):
    response = api_client.post(
        "/api/auth/login", {"email": employee.email, "password": DEFAULT_PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == employee.email


@pytest.mark.django_db
def test_a_chat_is_created_renamed_and_read_without_trailing_slashes(employee_client):
    created = employee_client.post("/api/chats", {"title": "Без слэша"}, format="json")
    assert created.status_code == 201, created.content
    chat_id = created.json()["data"]["id"]

    renamed = employee_client.patch(f"/api/chats/{chat_id}", {"title": "Другое"}, format="json")
    listed = employee_client.get("/api/chats/unfinished")

    assert renamed.status_code == 200, renamed.content
    assert Chat.objects.get(pk=chat_id).title == "Другое"
    assert listed.json()["data"]["id"] == chat_id


@pytest.mark.django_db
def test_an_unknown_api_path_is_still_a_404_in_the_envelope(employee_client):
    response = employee_client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_pages_outside_the_api_keep_djangos_redirect(api_client):
    response = api_client.get("/gallery")

    assert (response.status_code, response["Location"]) == (301, "/gallery/")
