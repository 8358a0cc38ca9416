"""The question a chat asks now, and checking an answer against it.

A chat keeps a snapshot of its questions, but some options are computed: the `format`
question offers the formats of the platform answered before it, `variant_count` the
numbers 1 … GENERATION_VARIANTS_MAX. They are computed here, when the question is asked
and again when it is answered (one query for formats, none for other questions), so the
message, the chat's `current_question` and the validation always agree.
"""

from collections.abc import Callable

from django.conf import settings

from contentum.chats.models import Chat
from contentum.common.exceptions import ConflictError
from contentum.design.models import Format
from contentum.design.selectors import (
    NO_ACTIVE_FORMATS,
    active_formats,
    format_choices,
    format_for_answer,
)
from contentum.questionnaire.answers import SKIP_WORDS, Answer, validate_answer
from contentum.questionnaire.models import COMPUTED_OPTIONS_KEYS

PLATFORM_KEY = "platform"
FORMAT_KEY = "format"
VARIANT_COUNT_KEY = "variant_count"

FormatLoader = Callable[[], list[Format]]


def _offered(chat: Chat, formats: list[Format]) -> list[Format]:
    return format_choices(str(chat.answers.get(PLATFORM_KEY) or ""), formats=formats)


def _as_asked(question: dict, offered: list[Format]) -> dict:
    """The format question with the offered formats' names as its options; a skip gets
    the first one (the platform's main format, the square with no platform)."""
    names = [f.name for f in offered]
    return {**question, "options": names, "default": names[0] if names else ""}


def computes_options(question: dict) -> bool:
    return question["key"] in COMPUTED_OPTIONS_KEYS


def _variant_counts(question: dict) -> dict:
    """1 … GENERATION_VARIANTS_MAX; a skip takes GENERATION_VARIANTS_DEFAULT."""
    options = [str(n) for n in range(1, settings.GENERATION_VARIANTS_MAX + 1)]
    return {**question, "options": options, "default": str(settings.GENERATION_VARIANTS_DEFAULT)}


def asked_question(chat: Chat, *, load_formats: FormatLoader = active_formats) -> dict:
    """The chat's current question as it is asked now. `load_formats` gives the active
    formats, only called for the format question (a list of chats passes a memoized one:
    one query for the whole page)."""
    question = chat.questions[chat.flow_step]
    if not computes_options(question):
        return question
    if question["key"] == VARIANT_COUNT_KEY:
        return _variant_counts(question)
    return _as_asked(question, _offered(chat, load_formats()))


def variant_count(answers: dict) -> int:
    """The variants a completed brief asked for: its answer, else the default; never
    past the maximum (lowered since the answer, perhaps)."""
    answer = str(answers.get(VARIANT_COUNT_KEY) or "").strip()
    count = int(answer) if answer.isdigit() else settings.GENERATION_VARIANTS_DEFAULT
    return min(max(count, 1), settings.GENERATION_VARIANTS_MAX)


def checked_answer(chat: Chat, raw: str) -> Answer:
    """The value stored for `raw` as the answer to the chat's current question, or
    AnswerRejected. A format is stored by its name, however it was named ("story",
    "9:16", "истории / клипы 9:16"): the answers are a readable brief."""
    question = chat.questions[chat.flow_step]
    if not computes_options(question):
        return validate_answer(question, raw)
    if question["key"] == VARIANT_COUNT_KEY:
        return validate_answer(_variant_counts(question), raw)
    formats = active_formats()
    if not formats:
        raise ConflictError(NO_ACTIVE_FORMATS, errors={"format": [NO_ACTIVE_FORMATS]})
    offered = _offered(chat, formats)
    text = " ".join(raw.split())
    if text.casefold() not in SKIP_WORDS:
        chosen = format_for_answer(text, offered=offered, formats=formats)
        if chosen is not None:
            return Answer(value=chosen.name)
    return validate_answer(_as_asked(question, offered), raw)
