"""Where a task (or one of its variants) is, as an employee waits for it: queued, at the
provider, being checked, done; whether the provider is busy; roughly how long is left.

The estimate comes from recent work of the same provider: the median time from start to
finish of its last successful tasks, read once a minute at most (a cache), so polling a
task's detail every second costs no query for it.
"""

from statistics import median
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from contentum.generation.models import AttemptStatus, GenerationAttempt, GenerationTask, TaskStatus

QUEUED, PROVIDER, CHECKING, DONE, FAILED, CANCELLED = (
    "queued",
    "provider",
    "checking",
    "done",
    "failed",
    "cancelled",
)
STAGE_LABELS = {
    QUEUED: "В очереди",
    PROVIDER: "Рисуется у провайдера",
    CHECKING: "Проверяется",
    DONE: "Готов",
    FAILED: "Не получился",
    CANCELLED: "Отменён",
}
FINISHED_STAGES = {
    TaskStatus.SUCCESS: DONE,
    TaskStatus.FAILED: FAILED,
    TaskStatus.CANCELLED: CANCELLED,
}
RECENT_TASKS = 20
ESTIMATE_CACHE_SECONDS = 60


def typical_seconds(provider: str) -> float | None:
    """The median start-to-finish time of the provider's last successful tasks, or None
    before there are any."""
    key = f"generation:typical-seconds:{provider}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None  # 0.0 stands for "no data yet"
    rows = (
        GenerationTask.objects.filter(
            provider=provider, status=TaskStatus.SUCCESS, has_variants=False
        )
        .exclude(started_at=None)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:RECENT_TASKS]
    )
    durations = [(end - start).total_seconds() for start, end in rows if end and start]
    value = round(median(durations), 1) if durations else 0.0
    cache.set(key, value, ESTIMATE_CACHE_SECONDS)
    return value or None


def _current(attempts: list[GenerationAttempt]) -> GenerationAttempt | None:
    return attempts[-1] if attempts else None


def progress(task: GenerationTask, attempts: list[GenerationAttempt]) -> dict[str, Any]:
    """`stage` (+ its Russian label), `provider_queue` ("busy" while the provider turns
    jobs away or fails them for now, "available" while it has ours, else None), the
    provider's last word when busy, and `eta_seconds` (None once finished or unknown)."""
    stage = FINISHED_STAGES.get(task.status)
    attempt = _current(attempts)
    queue, message = None, ""
    if stage is None:
        stage = QUEUED
        if attempt is not None and not attempt.is_finished:
            if attempt.status == AttemptStatus.RUNNING:
                stage = CHECKING if attempt.raw_image else PROVIDER
            if attempt.provider_retries and not attempt.raw_image:
                queue, message = "busy", attempt.error
            elif attempt.status == AttemptStatus.RUNNING:
                queue = "available"
    eta = None
    if stage not in (DONE, FAILED, CANCELLED):
        typical = typical_seconds(task.provider)
        if typical is not None:
            elapsed = (timezone.now() - (task.started_at or task.created_at)).total_seconds()
            eta = max(1, round(typical - elapsed))
    return {
        "stage": stage,
        "stage_label": STAGE_LABELS[stage],
        "provider_queue": queue,
        "provider_message": message,
        "eta_seconds": eta,
    }
