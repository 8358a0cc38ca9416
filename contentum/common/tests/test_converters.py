"""One path converter for every API id: any case, hyphens optional, canonical in the view."""

import re
import uuid

import pytest
from django.urls import URLResolver, get_resolver

from contentum.chats.tests.factories import make_chat
from contentum.common.converters import AnyCaseUUIDConverter
from contentum.generation.tests.factories import GenerationTaskFactory, signed_share
from contentum.prompts.tests.factories import PromptParametersFactory, make_template
from contentum.questionnaire.models import Scenario

SPELLINGS = {
    "canonical": str,
    "upper case": lambda value: str(value).upper(),
    "no hyphens": lambda value: value.hex,
    "upper case, no hyphens": lambda value: value.hex.upper(),
}


@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_the_converter_takes_any_spelling_and_gives_the_canonical_one(spell):
    converter, value = AnyCaseUUIDConverter(), uuid.uuid4()

    assert re.fullmatch(converter.regex, spell(value))
    assert converter.to_python(spell(value)) == str(value)
    assert converter.to_url(value) == str(value)


def test_hex_and_hyphens_that_are_no_uuid_are_no_match():
    with pytest.raises(ValueError):
        AnyCaseUUIDConverter().to_python("-" * 36)


def routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        found.extend(routes(entry, route) if isinstance(entry, URLResolver) else [route])
    return found


def test_the_detail_routes_name_the_converter_instead_of_copying_a_regex():
    api = [route for route in routes(get_resolver()) if route.startswith("api/")]

    for prefix in ("users", "scenarios", "prompttemplates", "promptparameters", "chats"):
        assert f"api/{prefix}/<uuid_any:pk>/" in api, prefix
    assert "api/generation-tasks/<uuid_any:pk>/attempts/<int:number>/<str:kind>/" in api
    assert not [route for route in api if "{32,36}" in route]


@pytest.mark.django_db
@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_detail_route_takes_the_id_in_any_spelling(admin_client_api, admin_user, spell):
    ids = {
        "users": admin_user.pk,
        "scenarios": Scenario.objects.get(is_active=True).pk,
        "prompttemplates": make_template().pk,
        "promptparameters": PromptParametersFactory(user=admin_user).pk,
        "generation-tasks": GenerationTaskFactory(owner=admin_user).pk,
        "chats": make_chat(admin_user).pk,
    }

    for prefix, pk in ids.items():
        response = admin_client_api.get(f"/api/{prefix}/{spell(pk)}/")
        assert response.status_code == 200, (prefix, response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("spell", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_a_signed_link_opens_with_the_id_in_any_spelling(api_client, spell):
    """The signature is over the canonical id: the view gets that one, however written."""
    task = GenerationTaskFactory()
    _, signature = signed_share(task, ttl_seconds=60)

    response = api_client.get(
        f"/api/generation-tasks/{spell(task.pk)}/image/?signature={signature}"
    )

    assert response.status_code == 404  # the link opened; the task has no image yet
    assert response.json()["message"] != "Не найдено."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/generation-tasks/" + "-" * 36 + "/",
        "/api/chats/" + "a" * 31 + "/",
        "/api/users/" + "g" * 32 + "/",
        "/api/generation-tasks/{id}/attempts/1/video/",
        "/api/generation-tasks/{id}/attempts/one/image/",
    ],
)
def test_malformed_ids_and_file_kinds_are_404(admin_client_api, admin_user, path):
    task = GenerationTaskFactory(owner=admin_user)

    response = admin_client_api.get(path.format(id=task.pk))

    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "Не найдено.", "errors": {}}
