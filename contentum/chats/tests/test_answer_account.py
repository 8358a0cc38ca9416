"""The account rules hold on the answer as on every other endpoint: a removed or
deactivated account is 401, before anything else."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from contentum.accounts.tests.factories import UserFactory
from contentum.chats.models import Chat, Message
from contentum.chats.tests.factories import (
    ALL_BUT_LAST,
    DEFAULT_ANSWERS,
    FINAL_ANSWER,
    answers_before,
    make_chat,
)
from contentum.common.exceptions import RUSSIAN_BY_CODE

pytestmark = pytest.mark.django_db

URL = "/api/messages/"


def client_with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def deactivate(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


def state(chat: Chat) -> tuple:
    chat.refresh_from_db()
    return chat.flow_step, chat.message_count, Message.objects.filter(chat=chat).count()


def test_a_live_token_of_a_deactivated_account_cannot_answer(employee):
    chat = make_chat(employee, answers=answers_before("event_genre"))
    client = client_with_token(employee)
    before = state(chat)
    deactivate(employee)

    response = client.post(
        URL, {"chat": str(chat.id), "content": DEFAULT_ANSWERS["event_genre"]}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["message"] == RUSSIAN_BY_CODE["user_inactive"]
    assert state(chat) == before


@pytest.mark.parametrize(
    "body",
    [
        {"content": "   "},  # invalid content
        {"content": "Чайка", "chat": "00000000-0000-0000-0000-000000000000"},  # no such chat
        {"content": "Чайка", "chat": "not-a-uuid"},
        {"content": 42},
    ],
)
def test_a_deactivated_account_gets_401_whatever_else_is_wrong(employee, body):
    chat = make_chat(employee)
    client = client_with_token(employee)
    deactivate(employee)

    response = client.post(URL, {"chat": str(chat.id), **body}, format="json")

    assert response.status_code == 401, response.json()
    assert response.json()["message"] == RUSSIAN_BY_CODE["user_inactive"]


def test_a_deactivated_account_gets_401_for_someone_elses_chat(employee):
    other_chat = make_chat(UserFactory())
    client = client_with_token(employee)
    deactivate(employee)

    response = client.post(URL, {"chat": str(other_chat.id), "content": "Афиша"}, format="json")

    assert response.status_code == 401


def test_the_token_of_a_removed_account_is_401_not_404(employee):
    make_chat(employee)
    client = client_with_token(employee)
    chat_id = Chat.objects.get(user=employee).id
    employee.delete()

    response = client.post(URL, {"chat": str(chat_id), "content": "Афиша"}, format="json")

    assert response.status_code == 401
    assert response.json()["message"] == RUSSIAN_BY_CODE["user_not_found"]


def test_an_active_account_still_gets_404_for_someone_elses_chat(employee):
    other_chat = make_chat(UserFactory())

    response = client_with_token(employee).post(
        URL, {"chat": str(other_chat.id), "content": "Афиша"}, format="json"
    )

    assert response.status_code == 404


def test_the_chat_is_completed_by_the_account_read_with_the_chat(employee):
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    response = client_with_token(employee).post(
        URL, {"chat": str(chat.id), "content": FINAL_ANSWER}, format="json"
    )

    assert response.status_code == 201
    from contentum.audit.models import AuditLog

    completed = AuditLog.objects.get(action="chat.completed", target_id=str(chat.id))
    assert (completed.actor_id, completed.actor_email) == (employee.id, employee.email)
