"""What every pipeline step and service shares: the step token, the deadline, the end.

Why a redelivered or duplicated message changes nothing:
- a message carries (task id, step token); the task row holds the token of the one message
  it waits for. Results are written under the row lock (SELECT … FOR UPDATE; on SQLite the
  IMMEDIATE transaction), and a message whose token is not the task's is dropped;
- the step that records a result moves the token on in the same transaction and sends the
  next message only once that commits. A worker dying before the commit leaves the token:
  the redelivered message does the step again. Dying after it: the copy is dropped;
- network calls (provider, LLM) run outside transactions, between a read and a re-checked
  write, so no lock (nor SQLite's one writer lock) is held while waiting on the network;
- attempts are unique per (task, number) and files are named per attempt.
A message lost for good (worker killed, broker down) is found by the sweeper once the
task's deadline passes (the step's countdown and its own time limit: `deadline`); see
`services.generation_tasks_sweep`.

Messages are sent by Celery task name (`TASK_NAMES`), never through the task objects:
`tasks` runs the pipeline, which schedules through this module, so importing `tasks` here
would close a circle. Imports go one way only: tasks → pipeline → outcomes → steps,
pipeline and services → variants → steps, and services → steps. By name, a process that
never loaded `tasks` (the web) publishes with `send_task`, routed by CELERY_TASK_ROUTES;
one that did (a worker, the tests) goes through the registered task, so eager Celery runs
it in place.
"""

import logging
from datetime import datetime, timedelta

from celery import signature
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError

from contentum.generation import events
from contentum.generation.models import (
    FINISHED_STATUSES,
    SHOWN_FIELDS,
    GenerationAttempt,
    GenerationTask,
    TaskStatus,
)

logger = logging.getLogger(__name__)

ENRICH = "enrich"
SUBMIT = "submit"
POLL = "poll"
DRAW = "draw"  # a blocking provider's one call (openai, gigachat), instead of polls
# The Celery task that runs each step (defined in tasks.py; queues by these names).
TASK_NAMES = {
    ENRICH: "generation.enrich",
    SUBMIT: "generation.submit",
    POLL: "generation.poll",
    DRAW: "generation.draw",
}
# Their soft time limits (read when asked: tests change settings).
STEP_TIME_LIMITS = {
    ENRICH: lambda: settings.GENERATION_ENRICH_TIME_LIMIT,
    SUBMIT: lambda: settings.GENERATION_SUBMIT_TIME_LIMIT,
    POLL: lambda: settings.GENERATION_POLL_TIME_LIMIT,
    DRAW: lambda: settings.GENERATION_DRAW_TIME_LIMIT,
}


def publish(step: str, task_id: str, token: int, countdown: float = 0.0) -> None:
    """Publishes one pipeline message now, due in `countdown` seconds (0: at once).

    Runs after the commit, when the caller's answer is already decided: a broker that is
    down is logged, not raised. The task keeps its token and deadline, so the sweeper
    resends the message once the deadline passes."""
    try:
        signature(TASK_NAMES[step], args=(task_id, token), countdown=countdown).apply_async()
    except KombuError:
        logger.exception(
            "Could not publish %s of generation task %s (token %s); the sweeper resends it",
            step,
            task_id,
            token,
        )


def enqueue(task: GenerationTask, step: str, countdown: float = 0.0) -> None:
    """Sends the message for the task's current token once the transaction commits: a
    worker never sees a row (or a token) that is not committed yet."""
    task_id, token = str(task.pk), task.step_token
    transaction.on_commit(lambda: publish(step, task_id, token, countdown))


def deadline(step: str, countdown: float = 0.0) -> datetime:
    """When a message for `step` due in `countdown` seconds must have run: its countdown,
    plus the step's own soft time limit, plus a margin for a busy queue. Any later and it
    was lost, and the sweeper resends it: within about a minute, not a fixed grace."""
    limit = STEP_TIME_LIMITS[step]()
    margin = settings.GENERATION_DEADLINE_MARGIN_SECONDS
    return timezone.now() + timedelta(seconds=countdown + limit + margin)


def schedule(task: GenerationTask, step: str, countdown: float = 0.0, *, send: bool = True) -> int:
    """Moves the token on: from now the task waits for `step`, due in `countdown` seconds.
    The caller holds the row lock and saves the task."""
    task.step_token += 1
    task.deadline_at = deadline(step, countdown)
    if send:
        enqueue(task, step, countdown)
    return task.step_token


# What settling a brief reads of its variants.
SETTLE_FIELDS = (
    "id",
    "status",
    "score",
    "variant_number",
    "last_error",
    "attempts",
    "varied_from_id",
)


def finish(
    task: GenerationTask,
    status: str,
    *,
    reason: str = "",
    actor: object = None,
    settle: bool = True,
    variants: list | None = None,
) -> None:
    """Ends the locked task: its audit row and the listeners, in the caller's transaction.
    A variant's end settles its brief instead (`settle=False`: the caller ends the brief
    itself, as a cancel does); only a task the user asked for is told to listeners. A
    brief's `variants` (SETTLE_FIELDS rows) spare reading them again when already read."""
    task.status = status
    task.finished_at = timezone.now()
    task.last_error = "" if status == TaskStatus.SUCCESS else reason
    task.step_token += 1  # whatever message is still out there is now stale
    task.deadline_at = None
    if task.has_variants:
        if variants is None:
            variants = list(task.variants.values_list(*SETTLE_FIELDS, named=True))
        task.images_charged = _charged_variants(variants)
    elif task.attempts == 0:
        task.images_charged = 0  # ended before any image: nothing is charged
    task.save()
    if status == TaskStatus.SUCCESS:
        events.task_succeeded(task=task)
    elif status == TaskStatus.FAILED:
        events.task_failed(task=task)
    else:
        events.task_cancelled(actor=actor, task=task)
    if task.brief_id is None:
        events.notify_finished(task)
    elif settle:
        settle_brief(task)


def _charged_variants(variants) -> int:
    """What a brief costs once it ends: the variants it launched that drew something
    (a «Ещё похожий» variant carries its own charge)."""
    return sum(1 for v in variants if v.varied_from_id is None and v.attempts > 0)


def settle_brief(variant: GenerationTask) -> None:
    """After one of its variants ended: the brief shows its best-scoring successful variant
    (unless the user chose one, or the brief had already finished: a published link does
    not change under its reader), and finishes once none of its variants is running.
    Runs once per variant under the brief's row lock: it reads what it decides on and
    writes the brief only when that changes."""
    brief = GenerationTask.objects.select_for_update().get(pk=variant.brief_id)
    variants = list(
        GenerationTask.objects.filter(brief_id=brief.pk)
        .order_by("variant_number")
        .values_list(*SETTLE_FIELDS, named=True)
    )
    done = [v for v in variants if v.status == TaskStatus.SUCCESS]
    best = max(done, key=lambda v: (v.score or 0.0, -v.variant_number), default=None)
    keep = brief.chosen_by_user or (brief.is_finished and brief.chosen_variant_id)
    shown = best is not None and not keep and brief.chosen_variant_id != best.id
    if shown:
        brief.show(variant if best.id == variant.pk else GenerationTask.objects.get(pk=best.id))
    if brief.is_finished or any(v.status not in FINISHED_STATUSES for v in variants):
        if shown:
            brief.save(update_fields=[*SHOWN_FIELDS, "updated_at"])
        return
    if brief.chosen_variant_id is not None:
        finish(brief, TaskStatus.SUCCESS, variants=variants)
        return
    errors = [f"вариант {v.variant_number}: {v.last_error}" for v in variants if v.last_error]
    reason = "Ни один вариант не получился. " + "; ".join(errors)
    finish(brief, TaskStatus.FAILED, reason=reason.strip(), variants=variants)


def current_attempt(task: GenerationTask, number: int | None = None) -> GenerationAttempt | None:
    number = task.attempts if number is None else number
    if number < 1:
        return None
    attempt = GenerationAttempt.objects.filter(task=task, number=number).first()
    if attempt is not None:
        attempt.task = task  # file names are built from the task: spare the query
    return attempt


def first_step(task: GenerationTask) -> str:
    return ENRICH if task.enrich_first else SUBMIT


def resume_step(task: GenerationTask) -> str:
    """The step a task stopped at: enriching its draft prompt, polling its job if the
    provider has one, else submitting (which, for a blocking provider, draws again)."""
    if task.enrich_first:
        return ENRICH
    attempt = current_attempt(task)
    if attempt is not None and attempt.provider_job_id and not attempt.is_finished:
        return POLL
    return SUBMIT


def lock(task_id: str, token: int) -> GenerationTask | None:
    """The task row, locked, if this message is still the one the task waits for."""
    task = GenerationTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        logger.info("Generation task %s no longer exists; message dropped", task_id)
        return None
    if task.is_finished or task.step_token != token:
        logger.info(
            "Stale message for generation task %s (token %s; task %s at token %s); dropped",
            task_id,
            token,
            task.status,
            task.step_token,
        )
        return None
    return task


def reschedule(task: GenerationTask, token: int, step: str, countdown: float) -> None:
    """`schedule` without a row lock: a compare-and-set on the token, in one UPDATE. Of two
    copies of a message only one moves the token; the other sends nothing. `updated_at`
    stays: a poll that found the job pending changes nothing a client sees (its ETag)."""
    moved = GenerationTask.objects.filter(
        pk=task.pk, step_token=token, status=TaskStatus.RUNNING
    ).update(step_token=token + 1, deadline_at=deadline(step, countdown))
    if moved:
        task.step_token = token + 1
        enqueue(task, step, countdown)
