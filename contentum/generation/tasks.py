"""Celery tasks of the generation pipeline: thin wrappers over `pipeline` and `services`.

Queues (CELERY_TASK_ROUTES in settings/generation.py): `generation` for enrichment and
submits (they may wait on the LLM and the provider), `polling` for the short polls of every job
in flight, `generation-blocking` for the one long call of a blocking provider (a
thread-pool worker), `maintenance` for the sweeper. Each message is JSON: a task id and a
step token.
`acks_late` + `reject_on_worker_lost` (set globally) redeliver a message whose worker died;
the token makes the redelivered copy harmless (see steps.py).

Nothing in the pipeline imports this module: steps.py sends the next message by task name
(`steps.TASK_NAMES`), so the pipeline and the services are plain top-level imports here.
"""

import logging
from collections.abc import Callable

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, close_old_connections

from contentum.generation import outcomes, pipeline
from contentum.generation.services import generation_tasks_sweep

logger = logging.getLogger(__name__)

MARGIN = settings.GENERATION_HARD_TIME_LIMIT_MARGIN


def _run_step(
    celery_task: Task,
    step: str,
    run: Callable[[str, int], None],
    task_id: str,
    token: int,
    timed_out: Callable[[str, int], None] | None = None,
) -> None:
    """Runs one step. Past its soft time limit the step is backed off like a provider that
    did not answer (or `timed_out` decides). A database error (connection dropped, database
    restarting) would otherwise kill the step and leave the task to the sweeper: the broken
    connection is closed and the same message runs again after a backoff (its token keeps
    it harmless)."""
    try:
        run(task_id, token)
    except SoftTimeLimitExceeded:
        logger.warning("generation.%s for %s hit its soft time limit", step, task_id)
        if timed_out is not None:
            timed_out(task_id, token)
        else:
            outcomes.step_timed_out(task_id, token, step)
    except OperationalError as exc:
        close_old_connections()
        retries = celery_task.request.retries
        logger.warning("generation.%s for %s met a database error: %s", step, task_id, exc)
        raise celery_task.retry(
            exc=exc,
            countdown=outcomes.backoff_seconds(retries + 1),
            max_retries=settings.GENERATION_DB_MAX_RETRIES,
        ) from exc


@shared_task(
    bind=True,
    name="generation.enrich",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_ENRICH_TIME_LIMIT,
    time_limit=settings.GENERATION_ENRICH_TIME_LIMIT + MARGIN,
)
def enrich(self: Task, task_id: str, token: int) -> None:
    """Enriches a chat's draft prompt with the configured LLM, then submits."""
    _run_step(self, pipeline.ENRICH, pipeline.run_enrich, task_id, token, pipeline.enrich_timed_out)


@shared_task(
    bind=True,
    name="generation.submit",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_SUBMIT_TIME_LIMIT,
    time_limit=settings.GENERATION_SUBMIT_TIME_LIMIT + MARGIN,
)
def submit(self: Task, task_id: str, token: int) -> None:
    """Paraphrases if needed, creates the attempt and starts the provider's job."""
    _run_step(self, pipeline.SUBMIT, pipeline.run_submit, task_id, token)


@shared_task(
    bind=True,
    name="generation.poll",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_POLL_TIME_LIMIT,
    time_limit=settings.GENERATION_POLL_TIME_LIMIT + MARGIN,
)
def poll(self: Task, task_id: str, token: int) -> None:
    """Asks the provider about the job once; re-schedules itself while it is pending."""
    _run_step(self, pipeline.POLL, pipeline.run_poll, task_id, token)


@shared_task(
    bind=True,
    name="generation.draw",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_DRAW_TIME_LIMIT,
    time_limit=settings.GENERATION_DRAW_TIME_LIMIT + MARGIN,
)
def draw(self: Task, task_id: str, token: int) -> None:
    """Asks a blocking provider for the image in one call (on the thread-pool queue)."""
    _run_step(self, pipeline.DRAW, pipeline.run_draw, task_id, token)


@shared_task(
    name="generation.sweep",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_SWEEP_TIME_LIMIT,
    time_limit=settings.GENERATION_SWEEP_TIME_LIMIT + MARGIN,
)
def sweep() -> dict[str, int]:
    """Periodic (beat): resumes tasks whose next step never ran, or fails them."""
    result = generation_tasks_sweep()
    return {"resumed": len(result.resumed), "failed": len(result.failed)}
