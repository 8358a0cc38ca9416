"""Hostile JSON bodies are a 400 in the error envelope, never a 500: nesting too deep for
Python, and text no database or log can hold (NUL, lone UTF-16 surrogates)."""

import importlib

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from conftest import client_for
from contentum.common.parsers import MAX_JSON_DEPTH
from contentum.common.serializers import (
    StrictCharField,
    StrictInputSerializer,
    validate_safe_text,
)

ANONYMOUS_ENDPOINTS = ["/api/users/", "/api/auth/login/", "/api/auth/refresh/"]
DEEP_BODIES = {
    "200 000 brackets as the body": "[" * 200_000,
    "5 000 levels inside a field": '{"email": ' + "[" * 5000 + "]" * 5000 + "}",
    "one level past the limit": '{"email": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}",
}


def post_raw(client, url: str, body: str):
    client.raise_request_exception = False  # a crash must show as the 500 a client gets
    return client.post(url, body, content_type="application/json")


def assert_bad_request(response, *, containing: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == "error"
    assert containing in body["message"], body


@pytest.mark.django_db
@pytest.mark.parametrize("url", ANONYMOUS_ENDPOINTS)
@pytest.mark.parametrize("body", DEEP_BODIES.values(), ids=DEEP_BODIES.keys())
def test_deeply_nested_json_is_a_bad_request_for_anyone(api_client, url, body):
    assert_bad_request(post_raw(api_client, url, body), containing="вложенность")


@pytest.mark.django_db
def test_deeply_nested_json_is_a_bad_request_for_a_signed_in_user_too(employee):
    body = '{"parameters": {"idea": ' + "[" * 5000 + "]" * 5000 + "}}"

    response = post_raw(client_for(employee), "/api/promptactions/assemble/", body)

    assert_bad_request(response, containing="вложенность")


@pytest.mark.django_db
def test_nesting_within_the_limit_reaches_the_fields_rules(api_client):
    depth = MAX_JSON_DEPTH - 1  # the object itself is the first level
    body = '{"email": ' + "[" * depth + "]" * depth + "}"

    response = post_raw(api_client, "/api/auth/login/", body)

    assert response.status_code == 400
    assert response.json()["errors"]["email"] == ["Ожидается строка."]


SURROGATE_BODIES = {
    "a value": ("/api/promptactions/assemble/", '{"parameters": {"idea": "\\ud800"}}'),
    "a key": ("/api/promptactions/assemble/", '{"parameters": {"\\udfff": "Афиша"}}'),
    "a top-level key": ("/api/chats/", '{"\\ud800": "x"}'),
    "a list item": ("/api/chats/", '{"title": ["ok", "\\udc00"]}'),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "body"), SURROGATE_BODIES.values(), ids=SURROGATE_BODIES.keys())
def test_a_lone_surrogate_anywhere_in_the_body_is_a_bad_request(employee, url, body):
    response = post_raw(client_for(employee), url, body)

    assert_bad_request(response, containing="одиночный суррогат")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/users/", "/api/auth/login/"])
def test_a_lone_surrogate_in_an_anonymous_request_is_a_bad_request(api_client, url):
    body = '{"email": "a\\ud800@example.com", "password": "x"}'

    assert_bad_request(post_raw(api_client, url, body), containing="U+D800")


@pytest.mark.django_db
def test_a_surrogate_pair_is_an_ordinary_character(employee):
    body = '{"title": "Праздник \\ud83c\\udf89"}'  # 🎉, written as JSON escapes

    response = post_raw(client_for(employee), "/api/chats/", body)

    assert response.status_code == 201, response.content
    assert response.json()["data"]["title"] == "Праздник 🎉"


class TitleInput(StrictInputSerializer):
    title = StrictCharField()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("до\x00после", "Недопустимый символ NUL."),
        ("до\ud800после", "Недопустимый символ U+D800: одиночный суррогат не является текстом."),
        ("\udfff", "Недопустимый символ U+DFFF: одиночный суррогат не является текстом."),
    ],
)
def test_a_text_field_refuses_nul_and_lone_surrogates_saying_why_in_russian(text, message):
    data = TitleInput(data={"title": text})

    assert not data.is_valid()
    assert data.errors["title"] == [message]


def test_an_unknown_key_with_a_lone_surrogate_is_named_printably():
    data = TitleInput(data={"title": "ok", "x\ud800": 1})

    assert not data.is_valid()
    assert list(data.errors) == ["x\\ud800"]
    assert JSONRenderer().render(data.errors)  # a lone surrogate would not encode


INPUT_MODULES = [
    "contentum.accounts.serializers",
    "contentum.chats.serializers",
    "contentum.generation.serializers",
    "contentum.prompts.serializers",
    "contentum.questionnaire.serializers",
]


def _input_serializers() -> list[type[StrictInputSerializer]]:
    for module in INPUT_MODULES:
        importlib.import_module(module)
    found, pending = [], [StrictInputSerializer]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.append(subclass)
            pending.append(subclass)
    return [cls for cls in found if cls.__module__ in INPUT_MODULES]


def _text_fields(serializer: serializers.Serializer):
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        for candidate in (field, getattr(field, "child", None)):
            if isinstance(candidate, serializers.CharField):
                yield f"{type(serializer).__name__}.{name}", candidate


def test_every_text_field_of_every_input_serializer_refuses_unsafe_characters():
    fields = [pair for cls in _input_serializers() for pair in _text_fields(cls())]

    assert len(fields) > 10  # the walk found the serializers
    unsafe = [name for name, field in fields if validate_safe_text not in field.validators]
    assert unsafe == []
