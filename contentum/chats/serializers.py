from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contentum.chats.messages import question_payload
from contentum.chats.models import Chat, ChatStatus, MessageKind, MessageType
from contentum.chats.questions import asked_question
from contentum.common.serializers import StrictCharField, StrictInputSerializer
from contentum.design.models import Format
from contentum.design.selectors import active_formats

# The serializer context's key for the active formats of one response.
ACTIVE_FORMATS = "active_formats"


class MessageSerializer(serializers.Serializer):
    """A chat message, read-only. Declared field by field rather than as a ModelSerializer:
    every answer renders two, and a ModelSerializer rebuilds its fields from the model
    each time it is instantiated."""

    id = serializers.UUIDField(read_only=True)
    chat = serializers.UUIDField(source="chat_id", read_only=True)
    content = serializers.CharField(read_only=True)
    messageType = serializers.ChoiceField(
        source="message_type", choices=MessageType.choices, read_only=True
    )
    kind = serializers.ChoiceField(choices=MessageKind.choices, read_only=True)
    payload = serializers.JSONField(read_only=True)
    withdrawn = serializers.BooleanField(read_only=True)
    seq = serializers.IntegerField(read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)


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
    """A chat with its flow state, read-only (declared field by field, as messages are).
    `messages` come from the serializer context when the caller has them in hand (a chat
    just created), else from the chat's messages."""

    id = serializers.UUIDField(read_only=True)
    user = serializers.UUIDField(source="user_id", read_only=True)
    userEmail = serializers.EmailField(source="user.email", read_only=True)
    userFullName = serializers.CharField(source="user.full_name", read_only=True)
    title = serializers.CharField(read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)
    isActive = serializers.BooleanField(source="is_active", read_only=True)
    is_temporary = serializers.BooleanField(read_only=True)
    expires_at = serializers.DateTimeField(allow_null=True, read_only=True)
    status = serializers.ChoiceField(choices=ChatStatus.choices, read_only=True)
    flow_step = serializers.IntegerField(read_only=True)
    total_steps = serializers.IntegerField(read_only=True)
    current_question = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    messageCount = serializers.IntegerField(source="message_count", read_only=True)
    lastMessage = MessageSerializer(source="last_message", allow_null=True, read_only=True)

    @extend_schema_field(CurrentQuestionSerializer(allow_null=True))
    def get_current_question(self, chat: Chat) -> dict | None:
        """The question being asked: the same payload its message carries, plus its text."""
        if chat.current_question is None:
            return None
        question = asked_question(chat, load_formats=self._active_formats)
        return {"text": question["text"], **question_payload(chat, question)}

    def _active_formats(self) -> list[Format]:
        """Loaded once per response: a page of chats asking for a format costs one query.
        (A list's children share their root's context.)"""
        if ACTIVE_FORMATS not in self.context:
            self.context[ACTIVE_FORMATS] = active_formats()
        return self.context[ACTIVE_FORMATS]

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, chat: Chat) -> list[dict]:
        messages = self.context.get("messages")
        if messages is None:
            messages = chat.messages.all()
        return MessageSerializer(messages, many=True).data


class ChatCreatedSerializer(ChatSerializer):
    initial_system_message = MessageSerializer()


def validate_answer_length(value: str) -> None:
    """An answer is at most CHAT_MAX_ANSWER_LENGTH characters, whether sent as a message or
    as the `initialMessage` that answers a new chat's first question."""
    limit = settings.CHAT_MAX_ANSWER_LENGTH
    if len(value) > limit:
        raise serializers.ValidationError(f"Сообщение слишком длинное: не больше {limit} символов.")


class ChatCreateSerializer(StrictInputSerializer):
    title = StrictCharField(max_length=255, required=False, allow_blank=True, default="")
    initialMessage = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        allow_null=True,
        default=None,
        validators=[validate_answer_length],
    )


class ChatRenameSerializer(StrictInputSerializer):
    title = StrictCharField(max_length=255)


class MessageCreateSerializer(StrictInputSerializer):
    chat = serializers.UUIDField(error_messages={"invalid": "Неверный идентификатор чата."})
    content = StrictCharField(
        trim_whitespace=False, allow_blank=True, validators=[validate_answer_length]
    )
    messageType = serializers.ChoiceField(
        choices=[MessageType.USER],
        required=False,
        error_messages={"invalid_choice": "Клиент может отправлять только сообщения типа USER."},
    )


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
