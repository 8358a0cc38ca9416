from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contentum.chats.models import Chat, Message, MessageType
from contentum.common.serializers import StrictCharField, StrictInputSerializer


class MessageSerializer(serializers.ModelSerializer):
    chat = serializers.UUIDField(source="chat_id", read_only=True)
    messageType = serializers.CharField(source="message_type", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "chat",
            "content",
            "messageType",
            "kind",
            "payload",
            "withdrawn",
            "seq",
            "createdAt",
        ]
        read_only_fields = fields


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


class ChatSerializer(serializers.ModelSerializer):
    user = serializers.UUIDField(source="user_id", read_only=True)
    userEmail = serializers.EmailField(source="user.email", read_only=True)
    userFullName = serializers.CharField(source="user.full_name", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)
    isActive = serializers.BooleanField(source="is_active", read_only=True)
    messages = MessageSerializer(many=True, read_only=True)
    messageCount = serializers.IntegerField(source="message_count", read_only=True)
    lastMessage = MessageSerializer(source="last_message", read_only=True, allow_null=True)
    current_question = serializers.SerializerMethodField()
    total_steps = serializers.IntegerField(read_only=True)

    class Meta:
        model = Chat
        fields = [
            "id",
            "user",
            "userEmail",
            "userFullName",
            "title",
            "createdAt",
            "updatedAt",
            "isActive",
            "is_temporary",
            "expires_at",
            "status",
            "flow_step",
            "total_steps",
            "current_question",
            "messages",
            "messageCount",
            "lastMessage",
        ]
        read_only_fields = fields

    @extend_schema_field(CurrentQuestionSerializer(allow_null=True))
    def get_current_question(self, chat: Chat) -> dict | None:
        question = chat.current_question
        if question is None:
            return None
        return {
            "key": question["key"],
            "text": question["text"],
            "kind": question["kind"],
            "options": question.get("options") or [],
            "allow_free_answer": question.get("allow_free_answer", True),
            "optional": question.get("optional", False),
            "default": question.get("default") or "",
            "step": chat.flow_step + 1,
            "total_steps": chat.total_steps,
        }


class ChatCreatedSerializer(ChatSerializer):
    initial_system_message = MessageSerializer(read_only=True)

    class Meta(ChatSerializer.Meta):
        fields = [*ChatSerializer.Meta.fields, "initial_system_message"]
        read_only_fields = fields


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
        from django.conf import settings

        limit = settings.CHAT_MAX_ANSWER_LENGTH
        if len(value) > limit:
            raise serializers.ValidationError(
                f"Сообщение слишком длинное: не больше {limit} символов."
            )
        return value


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
