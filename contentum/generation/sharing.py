"""Links that open one task's image without a token: made by `share/`, revocable.

Each link is a row (`ShareLink`) and a signature. The signature carries the task id, the
row's id and its own expiry time, so a link keeps the lifetime it was made with even if
GENERATION_SHARE_TTL_SECONDS changes later; it is an HMAC with SECRET_KEY
(django.core.signing), so rotating the key voids every link at once. The row is what
makes one link revocable: a signed download opens only while its row is live (see
`share_link_open`). A signature without a row id (made before links were stored) opens
nothing: it could never be revoked.

The signature is a secret: access logs leave query strings out (gunicorn.conf.py and
`contentum.common.logfilters`).
"""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from rest_framework import status

from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.generation import events, selectors
from contentum.generation.models import GenerationTask, ShareLink, TaskStatus

SALT = "contentum.generation.share"
NOT_FINISHED = "Поделиться можно только готовым изображением."
SHARE_NOT_FOUND = "Ссылка не найдена."


class InvalidShareLink(Exception):
    """Forged, damaged, expired, revoked or made for another task."""


class ShareLinkNotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND

    def __init__(self) -> None:
        super().__init__(SHARE_NOT_FOUND)


@dataclass(frozen=True)
class ShareToken:
    signature: str
    expires_at: datetime


@dataclass(frozen=True)
class SharedLink:
    share: ShareLink
    download_url: str
    image_url: str
    thumbnail_url: str

    @property
    def expires_at(self) -> datetime:
        return self.share.expires_at


def sign(
    task_id: Any, *, ttl_seconds: int, now: float | None = None, share_id: Any = None
) -> ShareToken:
    expires = int((now if now is not None else time.time()) + ttl_seconds)
    payload = {"t": str(task_id), "e": expires}
    if share_id is not None:
        payload["s"] = str(share_id)
    signature = signing.dumps(payload, salt=SALT, compress=False)
    return ShareToken(signature=signature, expires_at=datetime.fromtimestamp(expires, tz=UTC))


def verify(signature: str, *, task_id: Any, now: float | None = None) -> str | None:
    """The id of the share row `signature` names (None for a link made without one) when
    it opens `task_id` now; raises InvalidShareLink else. Checks the signature only."""
    try:
        payload = signing.loads(signature, salt=SALT)
    except signing.BadSignature as exc:
        raise InvalidShareLink("bad signature") from exc
    if not isinstance(payload, dict) or payload.get("t") != str(task_id):
        raise InvalidShareLink("another task")
    expires = payload.get("e")
    if not isinstance(expires, int) or expires < (now if now is not None else time.time()):
        raise InvalidShareLink("expired")
    share_id = payload.get("s")
    return share_id if isinstance(share_id, str) else None


def share_link_open(*, signature: str, task_id: Any) -> GenerationTask:
    """The task a signed link opens, in one query; InvalidShareLink unless the signature
    is good and its row is live: not revoked, not expired, the task's owner and the
    link's maker still active (a deleted task or user took the row with it)."""
    share_id = verify(signature, task_id=task_id)
    try:
        share_id = uuid.UUID(share_id or "")
    except ValueError as exc:
        raise InvalidShareLink("not revocable") from exc
    live = ShareLink.objects.filter(
        pk=share_id,
        task_id=task_id,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        task__owner__is_active=True,
        created_by__is_active=True,
    )
    share = live.select_related("task").first()
    if share is None:
        raise InvalidShareLink("revoked")
    return share.task


def share_link_create(*, actor: Any, task: GenerationTask, origin: str = "") -> SharedLink:
    """A new link to the finished image, stored and audited, that works without a token
    until it expires or is revoked."""
    if task.status != TaskStatus.SUCCESS or not task.image:
        raise ConflictError(NOT_FINISHED, errors={"status": [task.status]})
    if origin and not task.origin:
        task.origin = selectors.clean_origin(origin)  # for the links only; not saved
    share_id = uuid.uuid4()
    token = sign(task.pk, ttl_seconds=settings.GENERATION_SHARE_TTL_SECONDS, share_id=share_id)
    with transaction.atomic():
        share = ShareLink.objects.create(
            id=share_id, task=task, created_by=actor, expires_at=token.expires_at
        )
        events.task_shared(actor=actor, share=share)
    urls = selectors.task_urls(task)
    query = f"?signature={token.signature}"
    return SharedLink(
        share=share,
        download_url=urls["download_url"] + query,
        image_url=urls["image_url"] + query,
        thumbnail_url=urls["thumbnail_url"] + query,
    )


def share_link_revoke(*, actor: Any, task: GenerationTask, share_id: Any) -> ShareLink:
    """Kills one link of `task` now. Revoking a dead link again changes (and audits)
    nothing; a link of another task is not found."""
    with transaction.atomic():
        share = ShareLink.objects.select_for_update().filter(task=task, pk=share_id).first()
        if share is None:
            raise ShareLinkNotFound()
        if share.revoked_at is None:
            share.revoked_at = timezone.now()
            share.save(update_fields=["revoked_at"])
            events.task_share_revoked(actor=actor, task=task, share_ids=[share.pk])
    return share


def share_links_revoke_all(*, actor: Any, task: GenerationTask) -> int:
    """Kills every link of `task` not revoked yet; how many it killed."""
    with transaction.atomic():
        live = ShareLink.objects.select_for_update().filter(task=task, revoked_at__isnull=True)
        share_ids = list(live.values_list("pk", flat=True))
        ShareLink.objects.filter(pk__in=share_ids).update(revoked_at=timezone.now())
        if share_ids:
            events.task_share_revoked(actor=actor, task=task, share_ids=share_ids)
    return len(share_ids)
