"""What an employee reads when a generation fails: what happened, once, in plain Russian.

A task's `last_error` is written for admins and API clients (attempt counts, provider
names, HTTP statuses, setting names); the chat keeps it in the message's
`payload["reason"]` and shows instead one sentence chosen by the kind of failure, plus
what the employee can do about it (the «Повторить» button the web client draws).
"""

from collections import Counter
from enum import StrEnum
from uuid import UUID

from contentum.generation.models import AttemptStatus, GenerationAttempt, GenerationTask, TaskStatus

# The report's markers (the words the pipeline writes into `last_error`), so the chat and
# the usage report classify a failure alike.
from contentum.usage.selectors import STUCK_MARKER, TIMEOUT_MARKERS


class FailureKind(StrEnum):
    CANCELLED = "cancelled"
    QUALITY = "quality_checks"
    UNAVAILABLE = "provider_unavailable"
    PROVIDER = "provider_error"
    INTERRUPTED = "interrupted"
    OTHER = "other"


# Words of the providers' and the pipeline's messages for a service that did not answer,
# was overloaded or unreachable (providers/*.py, outcomes.provider_trouble): the employee
# can only wait and try again.
UNAVAILABLE_MARKERS = (
    *TIMEOUT_MARKERS,
    "ограничил частоту запросов",
    "переполнена",
    "не принимает задания",
    "нет связи",
    "ошибка на стороне",
    "провайдер недоступен",
)

# When a brief's variants failed in different ways and none is the most common: the kind
# that says most about what to do comes first.
_PRECEDENCE = (
    FailureKind.INTERRUPTED,
    FailureKind.UNAVAILABLE,
    FailureKind.QUALITY,
    FailureKind.PROVIDER,
    FailureKind.OTHER,
    FailureKind.CANCELLED,
)

_WHAT_HAPPENED = {
    FailureKind.CANCELLED: "Генерация отменена.",
    FailureKind.QUALITY: (
        "Не удалось сгенерировать изображение: все попытки не прошли автоматическую "
        "проверку качества."
    ),
    FailureKind.UNAVAILABLE: (
        "Не удалось сгенерировать изображение: сервис изображений не ответил вовремя "
        "или перегружен."
    ),
    FailureKind.PROVIDER: (
        "Не удалось сгенерировать изображение: сервис изображений не смог его нарисовать."
    ),
    FailureKind.INTERRUPTED: (
        "Не удалось сгенерировать изображение: генерация прервалась на сервере."
    ),
    FailureKind.OTHER: "Не удалось сгенерировать изображение из-за внутренней ошибки.",
}

_WHAT_TO_DO = {
    FailureKind.CANCELLED: "Чтобы запустить её снова, нажмите «Повторить».",
    FailureKind.QUALITY: "Нажмите «Повторить»: изображение нарисуется заново.",
    FailureKind.UNAVAILABLE: "Подождите пару минут и нажмите «Повторить».",
    FailureKind.PROVIDER: (
        "Нажмите «Повторить»; если не получится снова, сообщите администратору."
    ),
    FailureKind.INTERRUPTED: "Нажмите «Повторить», чтобы начать заново.",
    FailureKind.OTHER: "Нажмите «Повторить»; если не получится снова, сообщите администратору.",
}


def _kind_of(status: str, last_error: str, last_attempt: str | None) -> FailureKind:
    """One task's kind (a plain task or a variant). The pipeline's words come before the
    last attempt's status: a step that timed out after a rejected attempt fails the task
    with that attempt still the last one, and the task did not fail on quality."""
    if status == TaskStatus.CANCELLED:
        return FailureKind.CANCELLED
    error = last_error.lower()
    if STUCK_MARKER in error:
        return FailureKind.INTERRUPTED
    if any(marker in error for marker in UNAVAILABLE_MARKERS):
        return FailureKind.UNAVAILABLE
    if last_attempt == AttemptStatus.REJECTED:
        return FailureKind.QUALITY
    if last_attempt == AttemptStatus.FAILED:
        return FailureKind.PROVIDER
    return FailureKind.OTHER


def _last_attempt_statuses(task_ids: list[UUID]) -> dict[UUID, str]:
    """Each task's last attempt's status, in one query."""
    rows = (
        GenerationAttempt.objects.filter(task_id__in=task_ids)
        .order_by("task_id", "-number")
        .values_list("task_id", "status")
    )
    last: dict[UUID, str] = {}
    for task_id, status in rows:
        last.setdefault(task_id, status)
    return last


def failure_kind(task: GenerationTask) -> FailureKind:
    """Why a FAILED or CANCELLED task ended. A brief with variants failed as most of its
    variants did (its own `last_error` only lists theirs)."""
    if task.status == TaskStatus.CANCELLED:
        return FailureKind.CANCELLED
    if not task.has_variants:
        last = _last_attempt_statuses([task.pk]).get(task.pk)
        return _kind_of(task.status, task.last_error, last)
    variants = list(
        task.variants.filter(status__in=(TaskStatus.FAILED, TaskStatus.CANCELLED)).values_list(
            "pk", "status", "last_error"
        )
    )
    if not variants:
        return _kind_of(task.status, task.last_error, None)
    last = _last_attempt_statuses([pk for pk, _, _ in variants])
    counts = Counter(_kind_of(status, error, last.get(pk)) for pk, status, error in variants)
    failed = {kind: n for kind, n in counts.items() if kind != FailureKind.CANCELLED} or counts
    return max(failed, key=lambda kind: (failed[kind], -_PRECEDENCE.index(kind)))


def failure_sentence(kind: FailureKind) -> str:
    """What happened, in one sentence an employee understands: no URLs, codes or settings."""
    return _WHAT_HAPPENED[kind]


def failure_text(kind: FailureKind) -> str:
    """The chat message: what happened, then what the employee can do."""
    icon = "⏹" if kind == FailureKind.CANCELLED else "❌"
    return f"{icon} {failure_sentence(kind)}\n{_WHAT_TO_DO[kind]}"
