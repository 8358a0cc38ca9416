"""Building and storing chat messages. Every message after a chat's first (stored with the
chat itself) goes through `save_messages`."""

from collections.abc import Sequence

from contentum.chats.models import Chat, Message, MessageKind, MessageType
from contentum.chats.questions import asked_question


def next_seq(chat: Chat) -> int:
    return chat.message_count


def question_text(question: dict) -> str:
    """The question as a person reads it, with its quick replies spelled out for plain clients
    (the message's `content`). A client with buttons shows `payload["question_text"]`."""
    parts = [question["text"]]
    if question.get("options"):
        parts.append(f"Варианты: {', '.join(question['options'])}.")
    if question.get("optional"):
        default = question.get("default")
        hint = f" (тогда будет «{default}»)" if default else ""
        parts.append(f"Вопрос необязательный: ответьте «пропустить», чтобы пропустить{hint}.")
    return " ".join(parts)


def question_payload(chat: Chat, question: dict) -> dict:
    """What a client needs to render `question` (the chat's current one, as asked).
    `question_text` is the bare question: a client that shows the options as buttons and
    its own hint says each thing once, where `content` spells them out in words."""
    return {
        "key": question["key"],
        "question_text": question["text"],
        "kind": question["kind"],
        "options": question.get("options") or [],
        "allow_free_answer": question.get("allow_free_answer", True),
        "optional": question.get("optional", False),
        "default": question.get("default") or "",
        "step": chat.flow_step + 1,
        "total_steps": chat.total_steps,
    }


def question_message(chat: Chat, *, seq: int) -> Message:
    """The system message asking the chat's current question."""
    question = asked_question(chat)
    return Message(
        chat=chat,
        seq=seq,
        message_type=MessageType.SYSTEM,
        kind=MessageKind.QUESTION,
        content=question_text(question),
        payload=question_payload(chat, question),
    )


def save_messages(chat: Chat, messages: list[Message], *, fields: Sequence[str] = ()) -> None:
    """Adds `messages` to the chat and stores them with the chat's changed `fields` (its
    message counters always). Call it inside the chat's transaction, under its lock."""
    chat.message_count += len(messages)
    chat.last_message = messages[-1]
    Message.objects.bulk_create(messages)
    chat.save(update_fields=[*fields, "message_count", "last_message", "updated_at"])
