from django.contrib import admin

from contentum.audit.admin import AuditedDeletionsAdmin
from contentum.chats.models import Chat, Message
from contentum.common.admin import RussianNoun


class ReadOnlyAdmin(AuditedDeletionsAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MessageInline(admin.TabularInline):
    model = Message
    fields = ["seq", "message_type", "kind", "content", "withdrawn", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["seq"]


@admin.register(Chat)
class ChatAdmin(ReadOnlyAdmin):
    noun = RussianNoun("чат", "чата", "чатов", "чаты")
    list_display = [
        "title",
        "user",
        "status",
        "flow_step",
        "message_count",
        "is_active",
        "created_at",
    ]
    list_filter = ["status", "is_active", "is_temporary", "created_at"]
    search_fields = ["title", "user__email", "user__full_name"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [MessageInline]
    exclude = ["questions", "last_message"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    noun = RussianNoun("сообщение", "сообщения", "сообщений", "сообщения")
    list_display = ["created_at", "chat", "message_type", "kind", "short_content", "withdrawn"]
    list_filter = ["message_type", "kind", "withdrawn", "created_at"]
    search_fields = ["content", "chat__title", "chat__user__email"]
    list_select_related = ["chat"]

    @admin.display(description="текст")
    def short_content(self, obj: Message) -> str:
        return obj.content[:80]
