"""Races that the database must settle (PostgreSQL: real row locks and a partial unique index)."""

import pytest
from rest_framework.test import APIClient

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.chats.models import Chat, Message, MessageType
from contentum.chats.tests.factories import make_chat
from contentum.common.tests.threads import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_concurrent_creates_give_exactly_one_chat():
    user = UserFactory()
    clients = [client_for(user) for _ in range(8)]

    codes = run_together(8, lambda i: clients[i].post("/api/chats/", {}, format="json").status_code)

    assert sorted(codes) == [201] + [409] * 7
    assert Chat.objects.filter(user=user, status="COLLECTING", is_active=True).count() == 1


def test_concurrent_answers_never_lose_or_skip_a_step():
    user = UserFactory()
    chat = make_chat(user)
    clients: list[APIClient] = [client_for(user) for _ in range(10)]
    answers = [f"Свободный ответ номер {i}" for i in range(10)]

    def send(index):
        body = {"chat": str(chat.id), "content": answers[index]}
        return clients[index].post("/api/messages/", body, format="json").status_code

    codes = run_together(10, send)

    accepted = codes.count(201)
    chat.refresh_from_db()
    assert accepted >= 1
    assert all(code in (201, 400, 409) for code in codes), codes
    assert chat.flow_step == accepted
    user_messages = Message.objects.filter(chat=chat, message_type=MessageType.USER)
    assert user_messages.count() == accepted
    assert sorted(m.payload["step"] for m in user_messages) == list(range(1, accepted + 1))
    seqs = list(Message.objects.filter(chat=chat).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(chat.message_count))
