"""What happens to a generation task, told to others: listeners and audit rows.

Listeners are how other apps hear that a task finished without `generation` importing them
(the chats app posts its "✅ Генерация завершена!" message from one). They register once,
at start-up (an AppConfig.ready()), in every process: web and worker alike.

    class ChatListener:
        def task_finished(self, task: GenerationTask) -> None: ...

    register_listener(ChatListener())

`task_finished` runs inside the transaction that moves the task to SUCCESS, FAILED or
CANCELLED, with the task row locked, exactly once per task: the move happens only from an
unfinished state under that lock, so a redelivered message or a second worker finds the
task finished and calls nobody. Each listener runs in its own savepoint: one that raises
is logged and rolled back alone, and the task still finishes (an image must not be lost
to a bug in a chat message).
"""

import logging
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction

from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record

if TYPE_CHECKING:
    from contentum.generation.models import GenerationTask, ShareLink

logger = logging.getLogger(__name__)

QUEUED = "generation.queued"
SUCCEEDED = "generation.succeeded"
FAILED = "generation.failed"
CANCELLED = "generation.cancelled"
RETRIED = "generation.retried"
SHARED = "generation.shared"
SHARE_REVOKED = "generation.share_revoked"
RECOVERED = "generation.recovered"
TEXT_CHANGED = "generation.text_changed"
VARIANT_CHOSEN = "generation.variant_chosen"
VARIANT_ADDED = "generation.variant_added"


class TaskListener(Protocol):
    def task_finished(self, task: "GenerationTask") -> None: ...


_listeners: list[TaskListener] = []


def register_listener(listener: TaskListener) -> None:
    """Adds `listener`; registering the same object again changes nothing."""
    if not callable(getattr(listener, "task_finished", None)):
        raise TypeError("A generation listener needs a task_finished(task) method.")
    if not any(existing is listener for existing in _listeners):
        _listeners.append(listener)


def unregister_listener(listener: TaskListener) -> None:
    _listeners[:] = [existing for existing in _listeners if existing is not listener]


def notify_finished(task: "GenerationTask") -> None:
    """Calls every listener; the caller holds the transaction that finished `task`."""
    for listener in list(_listeners):
        try:
            with transaction.atomic():
                listener.task_finished(task)
        except Exception:
            logger.exception(
                "Generation listener %s failed for task %s", type(listener).__name__, task.pk
            )


def notify_chosen(task: "GenerationTask", variant: "GenerationTask") -> None:
    """Tells listeners that have `variant_chosen(task, variant)` of a finished task's new
    choice; the caller holds the transaction that recorded it."""
    for listener in list(_listeners):
        chosen = getattr(listener, "variant_chosen", None)
        if chosen is None:
            continue
        try:
            with transaction.atomic():
                chosen(task, variant)
        except Exception:
            logger.exception(
                "Generation listener %s failed for task %s", type(listener).__name__, task.pk
            )


def _summary(task: "GenerationTask") -> dict[str, Any]:
    summary = {
        "owner": str(task.owner_id),
        "chat": str(task.chat_id) if task.chat_id else None,
        "size": f"{task.width}x{task.height}",
        "attempts": task.attempts,
        "max_attempts": task.max_attempts,
        "provider": task.provider,
    }
    if task.brief_id:
        summary.update(brief=str(task.brief_id), variant=task.variant_number)
    elif task.has_variants:
        summary["variants"] = task.variants_asked
    return summary


def task_queued(*, actor: Any, task: "GenerationTask") -> AuditLog:
    return audit_record(
        action=QUEUED,
        actor=actor,
        target=task,
        details={
            **_summary(task),
            "prompt_history": str(task.prompt_history_id) if task.prompt_history_id else None,
            "retried_from": str(task.retried_from_id) if task.retried_from_id else None,
        },
    )


def task_succeeded(*, task: "GenerationTask") -> AuditLog:
    return audit_record(action=SUCCEEDED, target=task, details=_summary(task))


def task_failed(*, task: "GenerationTask") -> AuditLog:
    return audit_record(
        action=FAILED, target=task, details={**_summary(task), "reason": task.last_error}
    )


def task_cancelled(*, actor: Any, task: "GenerationTask") -> AuditLog:
    return audit_record(action=CANCELLED, actor=actor, target=task, details=_summary(task))


def task_shared(*, actor: Any, share: "ShareLink") -> AuditLog:
    return audit_record(
        action=SHARED,
        actor=actor,
        target=share.task,
        details={"share": str(share.pk), "expires_at": share.expires_at.isoformat()},
    )


def task_share_revoked(*, actor: Any, task: "GenerationTask", share_ids: list[Any]) -> AuditLog:
    return audit_record(
        action=SHARE_REVOKED,
        actor=actor,
        target=task,
        details={"shares": [str(share_id) for share_id in share_ids]},
    )


def task_retried(*, actor: Any, task: "GenerationTask", retry: "GenerationTask") -> AuditLog:
    return audit_record(
        action=RETRIED,
        actor=actor,
        target=task,
        details={**_summary(task), "retry": str(retry.pk)},
    )


def task_text_changed(*, actor: Any, task: "GenerationTask") -> AuditLog:
    return audit_record(
        action=TEXT_CHANGED,
        actor=actor,
        target=task,
        details={**_summary(task), **task.poster_text},
    )


def task_recovered(*, task: "GenerationTask", step: str) -> AuditLog:
    return audit_record(
        action=RECOVERED,
        target=task,
        details={**_summary(task), "step": step, "recoveries": task.recoveries},
    )


def variant_chosen(*, actor: Any, task: "GenerationTask", variant: "GenerationTask") -> AuditLog:
    """The audit row; a finished task's listeners hear of it too (its chat gets the link)."""
    if task.is_finished:
        notify_chosen(task, variant)
    return audit_record(
        action=VARIANT_CHOSEN,
        actor=actor,
        target=task,
        details={**_summary(task), "variant": variant.variant_number},
    )


def variant_varied(
    *, actor: Any, task: "GenerationTask", variant: "GenerationTask", strength: str
) -> AuditLog:
    return audit_record(
        action=VARIANT_ADDED,
        actor=actor,
        target=task,
        details={
            **_summary(task),
            "variant": variant.variant_number,
            "varied_from": variant.varied_from.variant_number if variant.varied_from else None,
            "strength": strength,
        },
    )
