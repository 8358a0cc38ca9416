import django_filters

from contentum.chats.models import Chat, ChatStatus, Message, MessageType


class ChatFilter(django_filters.FilterSet):
    user = django_filters.UUIDFilter(field_name="user_id")
    isActive = django_filters.BooleanFilter(field_name="is_active")
    status = django_filters.ChoiceFilter(choices=ChatStatus.choices)
    createdAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    updatedAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="updated_at")
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "createdAt"), ("updated_at", "updatedAt"), ("title", "title"))
    )

    class Meta:
        model = Chat
        fields = ["user", "isActive", "status", "createdAt", "updatedAt"]


class MessageFilter(django_filters.FilterSet):
    messageType = django_filters.ChoiceFilter(
        field_name="message_type", choices=MessageType.choices
    )
    kind = django_filters.CharFilter(field_name="kind")
    chat = django_filters.UUIDFilter(field_name="chat_id")
    createdAt = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    ordering = django_filters.OrderingFilter(fields=(("created_at", "createdAt"),))

    class Meta:
        model = Message
        fields = ["messageType", "kind", "chat", "createdAt"]
