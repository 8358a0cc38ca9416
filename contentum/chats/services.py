"""Chat housekeeping: rename, soft delete, and removing expired temporary chats."""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from contentum.audit.context import current_origin
from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record
from contentum.chats.models import Chat

logger = logging.getLogger(__name__)


def chat_rename(*, actor: Any, chat: Chat, title: str) -> Chat:
    old = chat.title
    chat.title = title.strip()
    with transaction.atomic():
        chat.save(update_fields=["title", "updated_at"])
        audit_record(
            action="chat.renamed", actor=actor, target=chat, details={"old": old, "new": chat.title}
        )
    return chat


def chat_delete(*, actor: Any, chat: Chat) -> None:
    """Soft delete: the chat disappears for its owner and stops counting as unfinished."""
    with transaction.atomic():
        Chat.objects.filter(pk=chat.pk).update(is_active=False, updated_at=timezone.now())
        audit_record(action="chat.deleted", actor=actor, target=chat, details={"title": chat.title})


def chats_expire(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Deletes temporary chats past their expiry, a batch per transaction; one audit row each."""
    now = now or timezone.now()
    origin = current_origin.get()
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(
                Chat.objects.select_for_update(skip_locked=True)
                .filter(is_temporary=True, expires_at__lte=now)
                .values("id", "user_id", "title", "created_at")[:batch_size]
            )
            if not batch:
                return removed
            AuditLog.objects.bulk_create(
                AuditLog(
                    action="chat.expired",
                    target_type="chats.chat",
                    target_id=str(row["id"]),
                    details={
                        "owner": str(row["user_id"]),
                        "title": row["title"],
                        "created_at": row["created_at"].isoformat(),
                    },
                    ip_address=origin.ip_address,
                    user_agent=origin.user_agent,
                )
                for row in batch
            )
            Chat.objects.filter(pk__in=[row["id"] for row in batch]).delete()
        removed += len(batch)
        logger.info("expired %d temporary chats", len(batch))
