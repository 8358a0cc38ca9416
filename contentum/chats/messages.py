"""Building and storing chat messages. Every message goes through `save_messages`."""

from contentum.chats.models import Chat, Message, MessageKind, MessageType
from contentum.common import rows


def next_seq(chat: Chat) -> int:
    return chat.message_count


def question_text(question: dict) -> str:
    """The question as a person reads it, with its quick replies spelled out for plain clients."""
    parts = [question["text"]]
    if question.get("options"):
        parts.append(f"Варианты: {', '.join(question['options'])}.")
    if question.get("optional"):
        default = question.get("default")
        hint = f" (тогда будет «{default}»)" if default else ""
        parts.append(f"Вопрос необязательный: ответьте «пропустить», чтобы пропустить{hint}.")
    return " ".join(parts)


def question_payload(chat: Chat) -> dict:
    question = chat.questions[chat.flow_step]
    return {
        "key": question["key"],
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
    question = chat.questions[chat.flow_step]
    return Message(
        chat=chat,
        seq=seq,
        message_type=MessageType.SYSTEM,
        kind=MessageKind.QUESTION,
        content=question_text(question),
        payload=question_payload(chat),
    )


def save_messages(chat: Chat, messages: list[Message]) -> None:
    """Inserts messages in one query and moves the chat's counters; the caller saves the chat."""
    rows.insert(messages)
    count_messages(chat, messages)


def count_messages(chat: Chat, messages: list[Message]) -> None:
    """Moves the chat's counters over `messages`, for a caller that inserts them itself."""
    chat.message_count += len(messages)
    chat.last_message = messages[-1]
