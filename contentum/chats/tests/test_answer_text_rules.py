"""One rule for the length of an answer, whether it comes as a message or as the
`initialMessage` of a new chat; and text the database cannot hold is refused in both."""

import pytest

from contentum.audit.models import AuditLog
from contentum.chats.models import Chat, Message
from contentum.chats.tests.factories import make_chat

LIMIT = 50


@pytest.fixture(autouse=True)
def _short_answers(settings):
    settings.CHAT_MAX_ANSWER_LENGTH = LIMIT


@pytest.mark.django_db
def test_an_initial_message_over_the_answer_limit_creates_nothing(employee_client):
    response = employee_client.post(
        "/api/chats/", {"initialMessage": "я" * (LIMIT + 1)}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["initialMessage"] == [
        f"Сообщение слишком длинное: не больше {LIMIT} символов."
    ]
    assert not Chat.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_an_initial_message_at_the_limit_answers_the_first_question(employee_client):
    response = employee_client.post(
        "/api/chats/", {"initialMessage": "Афиша " + "я" * (LIMIT - 6)}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["data"]["flow_step"] == 1


@pytest.mark.django_db
def test_a_message_and_an_initial_message_are_held_to_the_same_words(employee_client, employee):
    too_long = "я" * (LIMIT + 1)
    chat = make_chat(employee)
    message = employee_client.post(
        "/api/messages/", {"chat": str(chat.id), "content": too_long}, format="json"
    )
    chat.delete()

    initial = employee_client.post("/api/chats/", {"initialMessage": too_long}, format="json")

    assert message.json()["errors"]["content"] == initial.json()["errors"]["initialMessage"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["title", "initialMessage"])
def test_nul_in_a_new_chat_is_refused_in_russian(employee_client, field):
    response = employee_client.post("/api/chats/", {field: "Афиша\x00"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][field] == ["Недопустимый символ NUL."]
    assert not Message.objects.exists()
