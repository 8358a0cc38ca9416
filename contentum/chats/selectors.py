"""Reads for chats and messages, with their joins decided here once."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from contentum.chats.models import Chat, ChatStatus, Message


def chat_list(*, user: Any) -> QuerySet[Chat]:
    """Own active chats; admins see every chat (deleted ones too, filterable by isActive)."""
    chats = Chat.objects.select_related("user", "last_message").prefetch_related(
        Prefetch("messages", queryset=Message.objects.order_by("seq"))
    )
    return chats if user.is_admin else chats.filter(user=user, is_active=True)


def chat_get(*, user: Any, chat_id: Any) -> Chat | None:
    return chat_list(user=user).filter(pk=chat_id).first()


def chat_for_messages(*, user: Any, chat_id: Any) -> Chat | None:
    """The chat whose messages `user` may read: no joins, only its id is needed."""
    chats = Chat.objects.only("id")
    if not user.is_admin:
        chats = chats.filter(user=user, is_active=True)
    return chats.filter(pk=chat_id).first()


def chat_unfinished(*, user: Any) -> Chat | None:
    return (
        chat_list(user=user).filter(user=user, is_active=True, status=ChatStatus.COLLECTING).first()
    )


def message_list(*, user: Any) -> QuerySet[Message]:
    messages = Message.objects.select_related("chat").order_by("-created_at", "-seq")
    if user.is_admin:
        return messages
    return messages.filter(chat__user=user, chat__is_active=True)


def user_summary(*, user: Any) -> dict[str, int]:
    totals = Chat.objects.filter(user=user).aggregate(
        total_chats=Count("id"),
        active_chats=Count("id", filter=Q(is_active=True)),
        completed_chats=Count("id", filter=Q(is_active=True, status=ChatStatus.COMPLETED)),
    )
    totals["total_messages"] = Message.objects.filter(chat__user=user, chat__is_active=True).count()
    return totals
