"""The answer's input: the plain-shape shortcut accepts exactly what the serializer accepts,
with the same result; everything else is left to the serializer and its errors."""

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from contentum.chats.serializers import MessageCreateSerializer, _plain_answer

CHAT = str(uuid.uuid4())

BODIES = [
    {"chat": CHAT, "content": "Афиша спектакля"},
    {"chat": CHAT, "content": ""},
    {"chat": CHAT, "content": "   "},
    {"chat": CHAT, "content": "x" * 2000},
    {"chat": CHAT, "content": "x" * 2001},
    {"chat": CHAT.upper(), "content": "a"},
    {"chat": CHAT.replace("-", ""), "content": "a"},
    {"chat": "{" + CHAT + "}", "content": "a"},
    {"chat": "urn:uuid:" + CHAT, "content": "a"},
    {"chat": "not-a-uuid", "content": "a"},
    {"chat": 5, "content": "a"},
    {"chat": CHAT, "content": 5},
    {"chat": CHAT, "content": 1.5},
    {"chat": CHAT, "content": True},
    {"chat": CHAT, "content": None},
    {"chat": CHAT, "content": ["a"]},
    {"chat": CHAT, "content": {"a": 1}},
    {"chat": CHAT, "content": "nul\x00inside"},
    {"chat": CHAT, "content": "lone \ud800 surrogate"},
    {"chat": CHAT, "content": "a", "messageType": "USER"},
    {"chat": CHAT, "content": "a", "messageType": "SYSTEM"},
    {"chat": CHAT, "content": "a", "messageType": None},
    {"chat": CHAT, "content": "a", "extra": 1},
    {"chat": CHAT},
    {"content": "a"},
    {},
    [],
    "text",
    None,
]


def serializer_result(body):
    serializer = MessageCreateSerializer(data=body)
    return serializer.validated_data if serializer.is_valid() else serializer.errors


@pytest.mark.parametrize("body", BODIES)
def test_the_shortcut_gives_what_the_serializer_gives_or_steps_aside(body, settings):
    settings.CHAT_MAX_ANSWER_LENGTH = 2000
    expected = serializer_result(body)

    plain = _plain_answer(body)

    if plain is not None:
        assert dict(expected) == plain
    try:
        assert MessageCreateSerializer.validated(body) == dict(expected)
    except ValidationError as refused:
        assert refused.detail == expected


def test_the_usual_answer_takes_the_shortcut(settings):
    assert _plain_answer({"chat": CHAT, "content": "Чайка"}) == {
        "chat": uuid.UUID(CHAT),
        "content": "Чайка",
    }
