"""A question's message carries its bare text in the payload for clients with buttons,
while its content still spells out the options and the skip for clients without them."""

import pytest

from contentum.chats.models import Chat, Message
from contentum.chats.tests.factories import answers_before, make_chat

pytestmark = pytest.mark.django_db


def asked(chat: Chat) -> Message:
    return Message.objects.filter(chat=chat, kind="question").order_by("-seq").first()


def test_a_question_with_options_has_its_bare_text_in_the_payload(employee_client, employee):
    chat = make_chat(employee, answers=answers_before("event_genre"))

    message = asked(chat)

    bare = message.payload["question_text"]
    assert message.payload["options"], "the genre question offers quick replies"
    assert "Варианты:" not in bare
    assert not any(option in bare for option in message.payload["options"])
    # The content keeps the whole question for API clients without buttons.
    assert message.content.startswith(bare)
    assert f"Варианты: {', '.join(message.payload['options'])}." in message.content


def test_an_optional_question_has_no_skip_hint_in_its_bare_text(employee_client, employee):
    chat = make_chat(employee, answers=answers_before("venue"))

    message = asked(chat)

    assert message.payload["optional"] is True
    assert "пропустить" not in message.payload["question_text"]
    assert "Вопрос необязательный" in message.content


def test_the_api_gives_the_bare_text_in_the_message_and_the_current_question(
    employee_client, employee
):
    chat = make_chat(employee, answers=answers_before("event_genre"))

    body = employee_client.get(f"/api/chats/{chat.id}/").json()

    last = body["messages"][-1]
    assert last["kind"] == "question"
    assert last["payload"]["question_text"] == body["current_question"]["text"]
    assert "Варианты:" in last["content"]


def test_the_question_asked_again_after_back_has_its_bare_text_too(employee_client, employee):
    chat = make_chat(employee, answers=answers_before("event_genre"))
    genre_text = asked(chat).payload["question_text"]
    answered = employee_client.post(
        "/api/messages/", {"chat": str(chat.id), "content": "Фестиваль"}, format="json"
    )
    assert answered.status_code == 201, answered.content

    response = employee_client.post(f"/api/chats/{chat.id}/back/")

    assert response.status_code == 200, response.content
    assert response.json()["data"]["payload"]["question_text"] == genre_text
