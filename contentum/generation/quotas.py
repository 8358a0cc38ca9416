"""Monthly quotas of provider images, per account.

What a user is charged: one image per image they ask for: a task (a chat's brief,
`generate/`, a retry), each variant of a brief, each «Ещё похожий». A task's row holds
its charge (`images_charged`), refunded when it ends before drawing anything. The extra
attempts our own quality checks ask for, and jobs drawn again because their answer was
lost, are ours, not the user's. Past the quota nothing is queued: a 429 that says when
the month resets.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from contentum.common.exceptions import QuotaExceeded
from contentum.generation.models import GenerationTask

MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")  # fmt: skip


@dataclass(frozen=True)
class Quota:
    limit: int | None  # None: no limit
    used: int
    resets_at: datetime

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


def month_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The calendar month around `now` in TIME_ZONE: its first instant and the next's."""
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, following


def quota_of(user: Any, *, now: datetime | None = None) -> Quota:
    """The account's limit, what it used this month, and when that resets. One query."""
    start, resets_at = month_bounds(now or timezone.now())
    own = getattr(user, "monthly_image_quota", None)
    limit = own if own is not None else (settings.GENERATION_MONTHLY_QUOTA or None)
    charged = GenerationTask.objects.filter(owner_id=user.pk, created_at__gte=start).aggregate(
        used=Sum("images_charged")
    )
    used = charged["used"] or 0
    return Quota(limit=limit, used=used, resets_at=resets_at)


def quota_charge(owner: Any, *, images: int = 1) -> None:
    """Refuses `images` more past the owner's quota (429 with Retry-After). Called inside
    the task's transaction with the owner's row locked, so concurrent briefs cannot both
    take the last image."""
    if owner.monthly_image_quota is None and not settings.GENERATION_MONTHLY_QUOTA:
        return  # no limit: no lock, no count
    type(owner).objects.select_for_update().filter(pk=owner.pk).values_list("pk").get()
    now = timezone.now()
    quota = quota_of(owner, now=now)
    if quota.limit is not None and quota.used + images > quota.limit:
        resets = timezone.localtime(quota.resets_at)
        asked = f" Запрошено изображений: {images}." if images > 1 else ""
        refused = QuotaExceeded(
            f"Лимит изображений на месяц исчерпан ({quota.used} из {quota.limit}).{asked} "
            f"Новый месяц начнётся {resets.day} {MONTHS[resets.month - 1]} в 00:00.",
            wait=(quota.resets_at - now).total_seconds(),
        )
        refused.extra = {"data": quota_data(quota)}
        raise refused


def quota_data(quota: Quota) -> dict[str, Any]:
    """The quota as the API shows it (users/me/, a refused brief)."""
    return {
        "limit": quota.limit,
        "used": quota.used,
        "left": quota.left,
        "resets_at": quota.resets_at.isoformat(),
    }
