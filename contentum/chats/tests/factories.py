"""Chats are made through the real flow service, so tests see what users would."""

from contentum.chats import flow
from contentum.chats.models import Chat

# Valid answers to the default scenario, in order (see the questionnaire's data migration).
DEFAULT_ANSWERS = {
    "idea": "Афиша спектакля Чайка",
    "event_name": "Чайка",
    "event_date": "12 декабря, 19:00",
    "venue": "Малая сцена",
    "event_genre": "спектакль",
    "visual_style": "акварель",
    "composition_focus": "актриса в белом платье на фоне озера",
    "color_palette": "пастельные голубые и серые тона",
    "visual_associations": "озеро, чайка, закат",
    "variant_count": "1",
    "platform": "VK",
    "format": "Истории / клипы 9:16",
}
# `make_chat(answers=...)`: a chat at its last question, a chat completed.
ALL_BUT_LAST = len(DEFAULT_ANSWERS) - 1
ALL_ANSWERS = len(DEFAULT_ANSWERS)
FINAL_ANSWER = DEFAULT_ANSWERS["format"]


def answers_before(key: str) -> int:
    """`make_chat(answers=answers_before("platform"))`: a chat whose next question is `key`."""
    return list(DEFAULT_ANSWERS).index(key)


def make_chat(user, *, title: str = "", answers: int = 0) -> Chat:
    chat = flow.chat_create(user=user, title=title).chat
    for value in list(DEFAULT_ANSWERS.values())[:answers]:
        flow.message_answer(user=user, chat_id=chat.pk, content=value)
    chat.refresh_from_db()
    return chat
