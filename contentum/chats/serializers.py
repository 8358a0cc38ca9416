import re
import uuid
from typing import Any

from django.conf import settings
from rest_framework import serializers

from contentum.chats.messages import question_payload
from contentum.chats.models import Chat, ChatStatus, Message, MessageKind, MessageType
from contentum.common.serializers import StrictCharField, StrictInputSerializer


class MessageSerializer(serializers.Serializer):
    """A chat message. Rendered by hand: it is on every answer's hot path (the fields below
    document the shape for OpenAPI and must match `to_representation`)."""

    id = serializers.UUIDField()
    chat = serializers.UUIDField()
    content = serializers.CharField()
    messageType = serializers.ChoiceField(choices=MessageType.choices)
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    payload = serializers.JSONField()
    withdrawn = serializers.BooleanField()
    seq = serializers.IntegerField()
    createdAt = serializers.DateTimeField()

    def to_representation(self, message: Message) -> dict:
        return {
            "id": str(message.id),
            "chat": str(message.chat_id),
            "content": message.content,
            "messageType": message.message_type,
            "kind": message.kind,
            "payload": message.payload,
            "withdrawn": message.withdrawn,
            "seq": message.seq,
            "createdAt": _datetime(message.created_at),
        }


DATETIME_FIELD = serializers.DateTimeField()


def _datetime(value) -> str | None:
    return DATETIME_FIELD.to_representation(value) if value else None


class CurrentQuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    allow_free_answer = serializers.BooleanField()
    optional = serializers.BooleanField()
    default = serializers.CharField()
    step = serializers.IntegerField()
    total_steps = serializers.IntegerField()


class ChatSerializer(serializers.Serializer):
    """A chat with its flow state. Rendered by hand like messages; the fields document it.

    `messages` come from the serializer context when the caller has them in hand (a chat
    just created), else from the chat's prefetched messages.
    """

    id = serializers.UUIDField()
    user = serializers.UUIDField()
    userEmail = serializers.EmailField()
    userFullName = serializers.CharField()
    title = serializers.CharField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()
    isActive = serializers.BooleanField()
    is_temporary = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=ChatStatus.choices)
    flow_step = serializers.IntegerField()
    total_steps = serializers.IntegerField()
    current_question = CurrentQuestionSerializer(allow_null=True)
    messages = MessageSerializer(many=True)
    messageCount = serializers.IntegerField()
    lastMessage = MessageSerializer(allow_null=True)

    def to_representation(self, chat: Chat) -> dict:
        messages = self.context.get("messages")
        if messages is None:
            messages = chat.messages.all()
        render = MessageSerializer().to_representation
        return {
            "id": str(chat.id),
            "user": str(chat.user_id),
            "userEmail": chat.user.email,
            "userFullName": chat.user.full_name,
            "title": chat.title,
            "createdAt": _datetime(chat.created_at),
            "updatedAt": _datetime(chat.updated_at),
            "isActive": chat.is_active,
            "is_temporary": chat.is_temporary,
            "expires_at": _datetime(chat.expires_at),
            "status": chat.status,
            "flow_step": chat.flow_step,
            "total_steps": chat.total_steps,
            "current_question": current_question(chat),
            "messages": [render(message) for message in messages],
            "messageCount": chat.message_count,
            "lastMessage": render(chat.last_message) if chat.last_message else None,
        }


def current_question(chat: Chat) -> dict | None:
    """The question being asked: the same payload its message carries, plus its text."""
    question = chat.current_question
    if question is None:
        return None
    return {"text": question["text"], **question_payload(chat)}


class ChatCreatedSerializer(ChatSerializer):
    initial_system_message = MessageSerializer()


class ChatCreateSerializer(StrictInputSerializer):
    title = StrictCharField(max_length=255, required=False, allow_blank=True, default="")
    initialMessage = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False, allow_null=True, default=None
    )


class ChatRenameSerializer(StrictInputSerializer):
    title = StrictCharField(max_length=255)


class MessageCreateSerializer(StrictInputSerializer):
    chat = serializers.UUIDField(error_messages={"invalid": "Неверный идентификатор чата."})
    content = StrictCharField(trim_whitespace=False, allow_blank=True)
    messageType = serializers.ChoiceField(
        choices=[MessageType.USER],
        required=False,
        error_messages={"invalid_choice": "Клиент может отправлять только сообщения типа USER."},
    )

    def validate_content(self, value: str) -> str:
        limit = settings.CHAT_MAX_ANSWER_LENGTH
        if len(value) > limit:
            raise serializers.ValidationError(
                f"Сообщение слишком длинное: не больше {limit} символов."
            )
        return value

    @classmethod
    def validated(cls, data: Any) -> dict[str, Any]:
        """What `is_valid()` would put in `validated_data`; 400 as it would on bad input.

        Every answer passes through here, and building a DRF serializer costs more than the
        rest of reading the request. A body of the usual shape that these fields would
        accept as it is skips them; anything else, all errors included, goes through them.
        """
        plain = _plain_answer(data)
        if plain is not None:
            return plain
        serializer = cls(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _plain_answer(data: Any) -> dict[str, Any] | None:
    if type(data) is not dict or not {"chat", "content"} <= data.keys() <= ANSWER_KEYS:
        return None
    chat, content = data["chat"], data["content"]
    if data.get("messageType", MessageType.USER) != MessageType.USER:
        return None
    if type(chat) is not str or type(content) is not str:
        return None
    if len(content) > settings.CHAT_MAX_ANSWER_LENGTH or UNSAFE_CHARACTERS.search(content):
        return None
    try:
        chat_id = uuid.UUID(hex=chat)
    except ValueError:
        return None
    return {"chat": chat_id, "content": content, **{k: data[k] for k in data.keys() - PLAIN_KEYS}}


ANSWER_KEYS = frozenset({"chat", "content", "messageType"})
PLAIN_KEYS = frozenset({"chat", "content"})
# What DRF's CharField refuses besides non-strings: NUL and lone surrogates.
UNSAFE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class AnswerResultSerializer(serializers.Serializer):
    user_message = MessageSerializer()
    system_message = MessageSerializer()
    prompt_parameters_id = serializers.UUIDField(required=False)
    prompt_history_id = serializers.UUIDField(required=False)
    generation_task_id = serializers.UUIDField(required=False)


class SummarySerializer(serializers.Serializer):
    total_chats = serializers.IntegerField()
    completed_chats = serializers.IntegerField()
    active_chats = serializers.IntegerField()
    total_messages = serializers.IntegerField()
