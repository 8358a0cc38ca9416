"""The format question offers the formats of the platform answered before it."""

import pytest

from contentum.chats.models import Chat, ChatStatus, Message
from contentum.chats.tests.factories import ALL_BUT_LAST, DEFAULT_ANSWERS, answers_before, make_chat
from contentum.design.models import Format

pytestmark = pytest.mark.django_db

STORY = "Истории / клипы 9:16"
SQUARE = "Квадрат 1:1 (VK, Telegram)"
VK_COVER = "Обложка сообщества VK"
PRINT_A3 = "Печатная афиша A3, 150 dpi"
LANDSCAPE = ["Telegram / сайт 16:9", "Telegram / сайт 16:9, Full HD"]


def answer(client, chat, content):
    return client.post("/api/messages/", {"chat": str(chat.id), "content": content}, format="json")


def at_format_question(client, user, platform: str) -> Chat:
    chat = make_chat(user, answers=answers_before("platform"))
    response = answer(client, chat, platform)
    assert response.status_code == 201, response.content
    return chat


def asked(chat: Chat) -> Message:
    return Message.objects.filter(chat=chat).order_by("-seq").first()


def test_after_vk_the_format_question_offers_the_vk_formats(employee_client, employee):
    chat = at_format_question(employee_client, employee, "VK")

    message = asked(chat)

    assert message.payload["key"] == "format"
    options = message.payload["options"]
    assert options[0] == SQUARE  # a skip gives the post, not the community cover
    assert VK_COVER in options and STORY in options
    assert PRINT_A3 not in options
    assert message.payload["default"] == SQUARE
    assert f"Варианты: {', '.join(options)}." in message.content
    assert f"(тогда будет «{SQUARE}»)" in message.content


def test_the_chat_shows_the_same_question_its_message_asks(employee_client, employee):
    chat = at_format_question(employee_client, employee, "Telegram")

    question = employee_client.get(f"/api/chats/{chat.id}/").json()["current_question"]

    assert question == {"text": "Выберите формат публикации.", **asked(chat).payload}
    assert VK_COVER not in question["options"] and PRINT_A3 not in question["options"]


@pytest.mark.parametrize(
    ("platform", "first"),
    [
        ("Печатная афиша", [PRINT_A3, SQUARE]),
        ("Сайт", LANDSCAPE),
        ("Презентация", LANDSCAPE),
        ("вконтакте", [SQUARE]),
        ("пропустить", [SQUARE]),
        ("Instagram", [SQUARE]),
    ],
)
def test_the_options_follow_the_platform_answer(employee_client, employee, platform, first):
    chat = at_format_question(employee_client, employee, platform)

    options = asked(chat).payload["options"]

    assert options[: len(first)] == first


def test_with_no_known_platform_every_active_format_is_offered(employee_client, employee):
    Format.objects.filter(key="post-4x5").update(is_active=False)
    chat = at_format_question(employee_client, employee, "Instagram")

    options = asked(chat).payload["options"]

    assert len(options) == Format.objects.filter(is_active=True).count() == 6
    assert "Пост 4:5" not in options


@pytest.mark.parametrize(
    ("content", "stored"),
    [
        (STORY, STORY),
        ("истории / КЛИПЫ 9:16", STORY),
        ("story", STORY),
        ("9:16", STORY),
        ("9x16", STORY),
        ("9х16", STORY),  # a Cyrillic "х"
        ("16:9", "Telegram / сайт 16:9, Full HD"),
        ("3:1", VK_COVER),  # no exact ratio: the closest offered
        ("print-a3", PRINT_A3),  # a key names any active format, offered or not
    ],
)
def test_a_format_is_named_by_its_name_key_or_ratio_and_stored_by_name(
    employee_client, employee, content, stored
):
    chat = at_format_question(employee_client, employee, "VK")

    response = answer(employee_client, chat, content)

    assert response.status_code == 201, response.content
    assert response.json()["data"]["user_message"]["payload"]["value"] == stored
    chat.refresh_from_db()
    assert chat.answers["format"] == stored
    assert chat.status == ChatStatus.GENERATING


def test_an_unknown_format_is_refused_listing_the_offered_ones(employee_client, employee):
    chat = at_format_question(employee_client, employee, "VK")
    offered = asked(chat).payload["options"]

    response = answer(employee_client, chat, "большой баннер")

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == f"Выберите один из вариантов: {', '.join(offered)}."
    assert body["errors"]["options"] == offered
    chat.refresh_from_db()
    assert (chat.flow_step, chat.status) == (ALL_BUT_LAST, ChatStatus.COLLECTING)


@pytest.mark.parametrize(("platform", "default"), [("Печатная афиша", PRINT_A3), ("-", SQUARE)])
def test_skipping_the_format_takes_the_first_offered(employee_client, employee, platform, default):
    chat = at_format_question(employee_client, employee, platform)

    assert answer(employee_client, chat, "пропустить").status_code == 201

    chat.refresh_from_db()
    assert chat.answers["format"] == default


def test_without_any_active_format_the_answer_is_a_conflict(employee_client, employee):
    chat = at_format_question(employee_client, employee, "VK")
    Format.objects.update(is_active=False)

    response = answer(employee_client, chat, DEFAULT_ANSWERS["format"])

    assert response.status_code == 409
    assert "форматов" in response.json()["message"]
    chat.refresh_from_db()
    assert chat.flow_step == ALL_BUT_LAST


def test_going_back_to_the_platform_changes_the_formats_offered(employee_client, employee):
    chat = at_format_question(employee_client, employee, "VK")

    back = employee_client.post(f"/api/chats/{chat.id}/back/").json()["data"]
    assert back["payload"]["key"] == "platform"
    answer(employee_client, chat, "Печатная афиша")

    assert asked(chat).payload["options"][0] == PRINT_A3
