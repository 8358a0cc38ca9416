import pytest

from contentum.audit.models import AuditLog
from contentum.chats.models import Chat, ChatStatus, Message, MessageType
from contentum.chats.tests.factories import (
    ALL_ANSWERS,
    ALL_BUT_LAST,
    DEFAULT_ANSWERS,
    FINAL_ANSWER,
    answers_before,
    make_chat,
)
from contentum.questionnaire.models import Question


def answer(client, chat_id, content, **extra):
    return client.post(
        "/api/messages/", {"chat": str(chat_id), "content": content, **extra}, format="json"
    )


@pytest.mark.django_db
def test_creating_a_chat_asks_the_first_question(employee_client, employee):
    response = employee_client.post("/api/chats/", {"title": "Афиша"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "success"
    chat = body["data"]
    assert chat["title"] == "Афиша"
    assert chat["status"] == "COLLECTING"
    assert chat["is_temporary"] is True
    assert chat["flow_step"] == 0
    assert chat["messageCount"] == 1
    assert chat["current_question"]["key"] == "idea"
    assert chat["current_question"]["step"] == 1
    assert chat["current_question"]["total_steps"] == len(DEFAULT_ANSWERS)
    first = chat["initial_system_message"]
    assert first["messageType"] == "SYSTEM"
    assert first["kind"] == "question"
    assert first["payload"]["key"] == "idea"
    assert chat["lastMessage"]["id"] == first["id"]
    assert AuditLog.objects.filter(action="chat.created", target_id=chat["id"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["", "   "])
def test_a_blank_title_becomes_a_numbered_default(employee_client, employee, title):
    make_chat(employee, answers=0).delete()
    response = employee_client.post("/api/chats/", {"title": title}, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["title"] == "Чат №1"


@pytest.mark.django_db
def test_a_missing_title_counts_the_users_chats(employee_client, employee):
    chat = make_chat(employee)
    employee_client.delete(f"/api/chats/{chat.id}/")
    response = employee_client.post("/api/chats/", {}, format="json")
    assert response.json()["data"]["title"] == "Чат №2"


@pytest.mark.django_db
def test_answering_every_question_completes_the_flow(employee_client, employee):
    chat_id = employee_client.post("/api/chats/", {}, format="json").json()["data"]["id"]
    keys = list(DEFAULT_ANSWERS)

    for index, key in enumerate(keys[:-1]):
        response = answer(employee_client, chat_id, DEFAULT_ANSWERS[key])
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["message"] == "Ответ принят, задан следующий вопрос"
        assert body["data"]["user_message"]["payload"]["key"] == key
        assert body["data"]["system_message"]["payload"]["key"] == keys[index + 1]

    final = answer(employee_client, chat_id, FINAL_ANSWER)
    assert final.status_code == 201, final.content
    body = final.json()
    assert body["message"].startswith("Flow завершён")
    assert body["data"]["prompt_parameters_id"]
    assert body["data"]["prompt_history_id"]
    chat = Chat.objects.get(pk=chat_id)
    assert chat.status == ChatStatus.GENERATING
    assert chat.flow_step == len(DEFAULT_ANSWERS)
    assert chat.prompt_parameters_id is not None
    assert chat.answers["format"] == "Истории / клипы 9:16"
    assert chat.answers["event_date"] == "12 декабря, 19:00"
    assert chat.answers["event_genre"] == "Спектакль"  # matched to the option's spelling
    assert AuditLog.objects.filter(action="chat.completed", target_id=str(chat_id)).count() == 1
    # The answers are in the chat's history; the audit log keeps only its turning points.
    actions = AuditLog.objects.filter(target_id=str(chat_id)).values_list("action", flat=True)
    assert set(actions) == {"chat.created", "chat.completed"}


@pytest.mark.django_db
def test_messages_after_completion_are_refused_and_complete_nothing_again(
    employee_client, employee
):
    chat = make_chat(employee, answers=ALL_ANSWERS)
    before = Message.objects.filter(chat=chat).count()

    response = answer(employee_client, chat.id, "ещё один ответ")

    assert response.status_code == 409
    assert response.json()["status"] == "error"
    assert Message.objects.filter(chat=chat).count() == before
    assert AuditLog.objects.filter(action="chat.completed").count() == 1


@pytest.mark.django_db
def test_the_first_answer_makes_the_chat_permanent(employee_client, employee):
    chat = make_chat(employee)
    assert chat.is_temporary and chat.expires_at is not None
    answer(employee_client, chat.id, "Афиша концерта")
    chat.refresh_from_db()
    assert not chat.is_temporary
    assert chat.expires_at is None


@pytest.mark.django_db
def test_initial_message_answers_the_first_question_only(employee_client):
    response = employee_client.post(
        "/api/chats/", {"title": "С ходу", "initialMessage": "Афиша выставки"}, format="json"
    )
    assert response.status_code == 201, response.content
    chat = response.json()["data"]
    assert chat["flow_step"] == 1
    assert chat["is_temporary"] is False
    assert chat["current_question"]["key"] == "event_name"
    assert chat["initial_system_message"]["payload"]["key"] == "idea"

    nxt = answer(employee_client, chat["id"], "Весенний вернисаж")
    assert nxt.json()["data"]["user_message"]["payload"]["key"] == "event_name"


@pytest.mark.django_db
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_initial_message_is_no_initial_message(employee_client, blank):
    response = employee_client.post("/api/chats/", {"initialMessage": blank}, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["flow_step"] == 0


@pytest.mark.django_db
def test_an_invalid_initial_message_creates_nothing(employee_client):
    response = employee_client.post("/api/chats/", {"initialMessage": "ab"}, format="json")
    assert response.status_code == 400
    assert not Chat.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_choice_answers_match_options_case_insensitively(employee_client, employee):
    chat = make_chat(employee, answers=answers_before("event_genre"))
    answer(employee_client, chat.id, "СПЕКТАКЛЬ")
    chat.refresh_from_db()
    assert chat.answers["event_genre"] == "Спектакль"


@pytest.mark.django_db
def test_a_strict_choice_outside_the_options_is_refused_listing_them(employee_client, employee):
    chat = make_chat(employee, answers=ALL_BUT_LAST)
    offered = Chat.objects.get(pk=chat.pk).messages.order_by("-seq").first().payload["options"]

    response = answer(employee_client, chat.id, "огромный баннер")

    assert response.status_code == 400
    body = response.json()
    assert ", ".join(offered) in body["message"]
    assert body["errors"]["options"] == offered
    chat.refresh_from_db()
    assert chat.flow_step == ALL_BUT_LAST
    assert chat.status == ChatStatus.COLLECTING


@pytest.mark.django_db
@pytest.mark.parametrize("skip", ["-", "пропустить", "Нет", ""])
def test_optional_questions_accept_a_skip_and_use_the_default(employee_client, employee, skip):
    chat = make_chat(employee, answers=answers_before("visual_style"))  # optional, a default
    response = answer(employee_client, chat.id, skip)
    assert response.status_code == 201, response.content
    chat.refresh_from_db()
    assert chat.answers["visual_style"] == "Фотореализм"


@pytest.mark.django_db
@pytest.mark.parametrize("skip", ["пропустить", "-"])
def test_skipping_the_format_gives_the_first_one_offered(employee_client, employee, skip):
    chat = make_chat(employee, answers=ALL_BUT_LAST)  # VK: the square post, not the cover
    answer(employee_client, chat.id, skip)
    chat.refresh_from_db()
    assert chat.answers["format"] == "Квадрат 1:1 (VK, Telegram)"


@pytest.mark.django_db
def test_going_back_withdraws_the_last_answer(employee_client, employee):
    chat = make_chat(employee, answers=2)

    response = employee_client.post(f"/api/chats/{chat.id}/back/")

    assert response.status_code == 200, response.content
    assert response.json()["data"]["payload"]["key"] == "event_name"
    chat.refresh_from_db()
    assert chat.flow_step == 1
    assert "event_name" not in chat.answers
    withdrawn = Message.objects.get(chat=chat, withdrawn=True)
    assert withdrawn.message_type == MessageType.USER
    assert withdrawn.payload["key"] == "event_name"
    again = answer(employee_client, chat.id, "Новое название")
    assert again.json()["data"]["user_message"]["payload"]["key"] == "event_name"
    chat.refresh_from_db()
    assert chat.answers["event_name"] == "Новое название"


@pytest.mark.django_db
def test_going_back_before_the_first_question_is_a_conflict(employee_client, employee):
    chat = make_chat(employee)
    response = employee_client.post(f"/api/chats/{chat.id}/back/")
    assert response.status_code == 409
    assert Message.objects.filter(chat=chat).count() == 1


@pytest.mark.django_db
def test_a_scenario_edit_does_not_change_a_running_chat(employee_client, employee):
    chat = make_chat(employee, answers=1)
    Question.objects.filter(key="event_name").update(text="Совсем другой вопрос", key="renamed")

    response = answer(employee_client, chat.id, "Чайка")

    assert response.status_code == 201
    assert response.json()["data"]["user_message"]["payload"]["key"] == "event_name"
