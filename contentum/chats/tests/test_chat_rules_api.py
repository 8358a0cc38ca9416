"""Bad input and ownership rules of the chat API: each refused, nothing written."""

import pytest

from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.chats.models import Chat, Message
from contentum.chats.tests.factories import ALL_ANSWERS, make_chat


def answer(client, chat_id, content, **extra):
    return client.post(
        "/api/messages/", {"chat": str(chat_id), "content": content, **extra}, format="json"
    )


def assert_nothing_written(chat, messages_before):
    assert Message.objects.filter(chat=chat).count() == messages_before
    assert not AuditLog.objects.filter(action="chat.completed").exists()


@pytest.mark.django_db
def test_a_second_chat_is_refused_while_the_first_is_unfinished(employee_client, employee):
    first = make_chat(employee)

    response = employee_client.post("/api/chats/", {"title": "Ещё один"}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "error"
    assert body["data"]["unfinished_chat_id"] == str(first.id)
    assert str(first.id) in body["errors"]["chat"][0]
    assert Chat.objects.count() == 1


@pytest.mark.django_db
def test_a_deleted_or_completed_chat_does_not_block_a_new_one(employee_client, employee):
    make_chat(employee, answers=ALL_ANSWERS)
    assert employee_client.post("/api/chats/", {}, format="json").status_code == 201
    unfinished = Chat.objects.get(user=employee, status="COLLECTING")
    assert employee_client.delete(f"/api/chats/{unfinished.id}/").status_code == 204
    assert employee_client.post("/api/chats/", {}, format="json").status_code == 201


@pytest.mark.django_db
def test_answering_another_users_chat_is_404(employee_client):
    other_chat = make_chat(UserFactory())
    response = answer(employee_client, other_chat.id, "Чужой ответ")
    assert response.status_code == 404
    assert_nothing_written(other_chat, 1)
    other_chat.refresh_from_db()
    assert other_chat.flow_step == 0


@pytest.mark.django_db
def test_answering_a_deleted_chat_is_404(employee_client, employee):
    chat = make_chat(employee)
    employee_client.delete(f"/api/chats/{chat.id}/")
    assert answer(employee_client, chat.id, "Афиша").status_code == 404
    assert_nothing_written(chat, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("content", ["", "   ", "\n\t"])
def test_empty_content_for_a_required_question_is_refused(employee_client, employee, content):
    chat = make_chat(employee)
    response = answer(employee_client, chat.id, content)
    assert response.status_code == 400
    assert response.json()["errors"]["content"]
    assert_nothing_written(chat, 1)


@pytest.mark.django_db
def test_content_over_the_limit_is_refused(employee_client, employee, settings):
    settings.CHAT_MAX_ANSWER_LENGTH = 50
    chat = make_chat(employee)
    response = answer(employee_client, chat.id, "я" * 51)
    assert response.status_code == 400
    assert "content" in response.json()["errors"]
    assert_nothing_written(chat, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("content", [42, ["a"], {"text": "a"}, None, True])
def test_content_that_is_not_a_string_is_refused(employee_client, employee, content):
    chat = make_chat(employee)
    response = employee_client.post(
        "/api/messages/", {"chat": str(chat.id), "content": content}, format="json"
    )
    assert response.status_code == 400
    assert "content" in response.json()["errors"]
    assert_nothing_written(chat, 1)


@pytest.mark.django_db
def test_a_client_cannot_post_a_system_message(employee_client, employee):
    chat = make_chat(employee)
    response = answer(employee_client, chat.id, "Афиша", messageType="SYSTEM")
    assert response.status_code == 400
    assert "messageType" in response.json()["errors"]
    assert_nothing_written(chat, 1)
    assert answer(employee_client, chat.id, "Афиша", messageType="USER").status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("chat_id", ["not-a-uuid", "123", ""])
def test_a_malformed_chat_id_is_refused(employee_client, chat_id):
    response = employee_client.post(
        "/api/messages/", {"chat": chat_id, "content": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "chat" in response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/chats/nope/", "/api/chats/nope/messages/", "/api/chats/123/back/"]
)
def test_malformed_chat_ids_in_paths_are_404(employee_client, path):
    response = employee_client.post(path) if path.endswith("back/") else employee_client.get(path)
    assert response.status_code == 404


@pytest.mark.django_db
def test_extra_fields_are_refused(employee_client, employee):
    chat = make_chat(employee)
    response = answer(employee_client, chat.id, "Афиша", step=3)
    assert response.status_code == 400
    assert "step" in response.json()["errors"]


@pytest.mark.django_db
def test_rename_and_soft_delete(employee_client, employee):
    chat = make_chat(employee)
    renamed = employee_client.patch(f"/api/chats/{chat.id}/", {"title": "Новое имя"}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Новое имя"
    assert (
        employee_client.patch(f"/api/chats/{chat.id}/", {"title": 5}, format="json").status_code
        == 400
    )
    assert employee_client.delete(f"/api/chats/{chat.id}/").status_code == 204
    chat.refresh_from_db()
    assert chat.is_active is False
    assert employee_client.get(f"/api/chats/{chat.id}/").status_code == 404
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"chat.renamed", "chat.deleted"} <= actions


@pytest.mark.django_db
def test_another_users_chat_cannot_be_read_renamed_or_deleted(employee_client):
    chat = make_chat(UserFactory())
    assert employee_client.get(f"/api/chats/{chat.id}/").status_code == 404
    assert employee_client.get(f"/api/chats/{chat.id}/messages/").status_code == 404
    assert (
        employee_client.patch(f"/api/chats/{chat.id}/", {"title": "x"}, format="json").status_code
        == 404
    )
    assert employee_client.delete(f"/api/chats/{chat.id}/").status_code == 404
    assert employee_client.post(f"/api/chats/{chat.id}/back/").status_code == 404
    chat.refresh_from_db()
    assert chat.is_active and chat.title != "x"


@pytest.mark.django_db
def test_admin_sees_any_chat_and_its_messages(admin_client_api):
    chat = make_chat(UserFactory(), answers=2)
    assert admin_client_api.get(f"/api/chats/{chat.id}/").status_code == 200
    assert admin_client_api.get(f"/api/chats/{chat.id}/messages/").json()["count"] == 5


@pytest.mark.django_db
def test_a_deactivated_users_token_cannot_answer(employee_client, employee):
    chat = make_chat(employee)
    employee.is_active = False
    employee.save(update_fields=["is_active"])

    response = answer(employee_client, chat.id, "Афиша")

    assert response.status_code == 401
    assert response.json()["status"] == "error"
    assert_nothing_written(chat, 1)


@pytest.mark.django_db
def test_a_deleted_users_token_cannot_answer(employee_client, employee):
    chat_id = make_chat(employee).id
    employee.delete()
    response = answer(employee_client, chat_id, "Афиша")
    assert response.status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer not.a.jwt", "Token abc", ""])
def test_answering_needs_a_valid_access_token(employee, header):
    from rest_framework.test import APIClient

    chat = make_chat(employee)
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = answer(client, chat.id, "Афиша")
    assert response.status_code == 401
    assert_nothing_written(chat, 1)


@pytest.mark.django_db
def test_a_refresh_token_cannot_answer(employee):
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    chat = make_chat(employee)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(employee)}")
    assert answer(client, chat.id, "Афиша").status_code == 401
