"""How a chat advances: create, answer, go back, complete. Everything that moves a chat.

Every step holds a row lock on the chat (SELECT … FOR UPDATE; on SQLite the IMMEDIATE
transaction does the same), so concurrent answers never lose or skip a step.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from contentum.audit.services import audit_record
from contentum.chats import completion
from contentum.chats.messages import next_seq, question_message, save_messages
from contentum.chats.models import Chat, ChatStatus, Message, MessageKind, MessageType
from contentum.chats.questions import checked_answer
from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.questionnaire.answers import AnswerRejected
from contentum.questionnaire.selectors import active_questions

FLOW_COMPLETED = "Flow завершён"
ANSWER_ACCEPTED = "Ответ принят, задан следующий вопрос"


class ChatNotFound(ApplicationError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__("Чат не найден.")


class AccountInactive(ApplicationError):
    """The owner's account was switched off after the request was authenticated (between
    the token check and the chat's lock): its chat cannot move on."""

    status_code = 403

    def __init__(self) -> None:
        super().__init__("Учётная запись отключена.")


@dataclass
class AnswerOutcome:
    user_message: Message
    system_message: Message
    completed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _unfinished_conflict(chat_id: Any) -> ConflictError:
    return ConflictError(
        "У вас уже есть незавершённый чат: завершите или удалите его, чтобы начать новый.",
        errors={"chat": [f"Незавершённый чат: {chat_id}"]},
        extra={"data": {"unfinished_chat_id": str(chat_id)}},
    )


def _default_title(user: Any) -> str:
    return f"Чат №{Chat.objects.filter(user=user).count() + 1}"


@dataclass
class ChatStarted:
    chat: Chat
    messages: list[Message]


def chat_create(
    *, user: Any, title: str = "", initial_message: str | None = None, origin: str = ""
) -> ChatStarted:
    """A new chat with its first question asked (and answered, given `initial_message`).

    "One unfinished chat per user" is the database's partial unique index: no check before
    the insert can be raced, so the insert itself is the check.
    """
    scenario, questions = active_questions()
    if not questions:
        raise ConflictError("Нет активного сценария вопросов: обратитесь к администратору.")
    title = title.strip() or _default_title(user)
    chat = Chat(
        user=user,
        title=title,
        scenario=scenario,
        scenario_version=scenario.version,
        questions=questions,
        expires_at=timezone.now() + timedelta(seconds=settings.CHAT_TEMPORARY_TTL_SECONDS),
    )
    first = question_message(chat, seq=0)
    # Counters set before the insert: the foreign key to the first message is deferred,
    # checked at commit, so the chat and its first message need no UPDATE after them.
    chat.message_count, chat.last_message = 1, first
    messages = [first]
    try:
        with transaction.atomic():
            chat.save(force_insert=True)
            first.save(force_insert=True)
            audit_record(action="chat.created", actor=user, target=chat, details={"title": title})
            if initial_message is not None:
                outcome = _answer_locked(chat, initial_message, origin=origin)
                messages += [outcome.user_message, outcome.system_message]
    except IntegrityError:
        existing_id = (
            Chat.objects.filter(user=user, status=ChatStatus.COLLECTING, is_active=True)
            .values_list("id", flat=True)
            .first()
        )
        if existing_id is None:
            raise
        raise _unfinished_conflict(existing_id) from None
    return ChatStarted(chat=chat, messages=messages)


def _lock_chat(*, user: Any, chat_id: UUID | str) -> Chat:
    """The user's chat under its row lock, with its owner's account as it is now: read in
    the same query, so an account switched off mid-request cannot move the chat on."""
    try:
        chat = (
            Chat.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(id=chat_id, user_id=user.pk, is_active=True)
        )
    except Chat.DoesNotExist:
        raise ChatNotFound() from None
    if not chat.user.is_active:
        raise AccountInactive()
    return chat


def _require_collecting(chat: Chat) -> None:
    if chat.status != ChatStatus.COLLECTING:
        raise ConflictError(
            "Ответы в этот чат больше не принимаются: все вопросы уже заданы.",
            errors={"chat": [f"Статус чата: {chat.status}"]},
        )


def message_answer(
    *, user: Any, chat_id: UUID | str, content: str, origin: str = ""
) -> AnswerOutcome:
    """Accepts `content` as the answer to the chat's current question, in one transaction
    under the chat's lock. Nothing here waits on the network, the final answer included
    (see `completion`), so a slow LLM never holds a web worker or the lock."""
    with transaction.atomic():
        chat = _lock_chat(user=user, chat_id=chat_id)
        _require_collecting(chat)
        return _answer_locked(chat, content, origin=origin)


# What an accepted answer changes on the chat, besides its message counters.
ANSWER_FIELDS = ("answers", "flow_step", "is_temporary", "expires_at")


def _validated(chat: Chat, content: str) -> dict[str, str]:
    question = chat.current_question
    try:
        answer = checked_answer(chat, content)
    except AnswerRejected as exc:
        errors = {"content": [exc.message]}
        if exc.options:
            errors["options"] = exc.options
        raise ApplicationError(exc.message, errors=errors) from exc
    return {question["key"]: answer.value}


def _answer_locked(chat: Chat, content: str, *, origin: str = "") -> AnswerOutcome:
    question = chat.current_question
    accepted = _validated(chat, content)
    value = accepted[question["key"]]
    seq = next_seq(chat)
    user_message = Message(
        chat=chat,
        seq=seq,
        message_type=MessageType.USER,
        kind=MessageKind.ANSWER,
        content=content.strip(),
        payload={"key": question["key"], "value": value, "step": chat.flow_step + 1},
    )
    chat.answers = {**chat.answers, **accepted}
    chat.flow_step += 1
    chat.is_temporary = False
    chat.expires_at = None
    if chat.flow_step < chat.total_steps:
        # No audit row: the answer is in the chat's history, with its time, and the audit
        # log keeps the chat's turning points (created, completed, went back, deleted).
        system_message = question_message(chat, seq=seq + 1)
        save_messages(chat, [user_message, system_message], fields=ANSWER_FIELDS)
        return AnswerOutcome(user_message=user_message, system_message=system_message)
    return _complete_locked(chat, user_message, origin=origin)


def _complete_locked(chat: Chat, user_message: Message, *, origin: str) -> AnswerOutcome:
    """The hand-off to prompts and generation, inside the chat's transaction: the
    parameters, the prompt, the task and the messages are stored together or not at all."""
    result = completion.complete_chat(chat=chat, origin=origin)
    system_message = Message(
        chat=chat,
        seq=user_message.seq + 1,
        message_type=MessageType.SYSTEM,
        kind=result.message_kind,
        content=result.message_text,
        payload=result.payload,
    )
    chat.status = result.status
    save_messages(
        chat,
        [user_message, system_message],
        fields=[*ANSWER_FIELDS, "status", "prompt_parameters"],
    )
    audit_record(action="chat.completed", actor=chat.user, target=chat, details=result.payload)
    return AnswerOutcome(
        user_message=user_message,
        system_message=system_message,
        completed=True,
        extra=result.payload,
    )


def chat_back(*, user: Any, chat_id: UUID | str) -> Message:
    """Returns to the previous question; the withdrawn answer stays in history, marked so."""
    with transaction.atomic():
        chat = _lock_chat(user=user, chat_id=chat_id)
        _require_collecting(chat)
        if chat.flow_step == 0:
            raise ConflictError("Это первый вопрос: возвращаться некуда.")
        previous = chat.questions[chat.flow_step - 1]
        withdrawn = Message.objects.filter(
            chat=chat, message_type=MessageType.USER, kind=MessageKind.ANSWER, withdrawn=False
        ).order_by("-seq")[:1]
        Message.objects.filter(pk__in=list(withdrawn.values_list("pk", flat=True))).update(
            withdrawn=True
        )
        chat.answers = {k: v for k, v in chat.answers.items() if k != previous["key"]}
        chat.flow_step -= 1
        message = question_message(chat, seq=next_seq(chat))
        message.content = f"Вернёмся к предыдущему вопросу. {message.content}"
        save_messages(chat, [message], fields=["answers", "flow_step"])
        audit_record(
            action="chat.went_back", actor=user, target=chat, details={"key": previous["key"]}
        )
    return message
