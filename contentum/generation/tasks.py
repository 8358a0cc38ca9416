"""Celery tasks of the generation pipeline: thin wrappers over `pipeline` and `services`.

Queues (CELERY_TASK_ROUTES in settings/generation.py): `generation` for submits (they may
wait on the LLM paraphrase and the provider), `polling` for the short polls of every job
in flight, `maintenance` for the sweeper. Each message is JSON: a task id and a step token.
`acks_late` + `reject_on_worker_lost` (set globally) redeliver a message whose worker died;
the token makes the redelivered copy harmless (see steps.py).

Nothing in the pipeline imports this module: steps.py sends the next message by task name
(`steps.TASK_NAMES`), so the pipeline and the services are plain top-level imports here.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from contentum.generation import outcomes, pipeline
from contentum.generation.services import generation_tasks_sweep

logger = logging.getLogger(__name__)

MARGIN = settings.GENERATION_HARD_TIME_LIMIT_MARGIN


@shared_task(
    name="generation.submit",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_SUBMIT_TIME_LIMIT,
    time_limit=settings.GENERATION_SUBMIT_TIME_LIMIT + MARGIN,
)
def submit(task_id: str, token: int) -> None:
    """Paraphrases if needed, creates the attempt and starts the provider's job."""
    try:
        pipeline.run_submit(task_id, token)
    except SoftTimeLimitExceeded:
        logger.warning("generation.submit for %s hit its soft time limit", task_id)
        outcomes.step_timed_out(task_id, token, pipeline.SUBMIT)


@shared_task(
    name="generation.poll",
    ignore_result=True,
    soft_time_limit=settings.GENERATION_POLL_TIME_LIMIT,
    time_limit=settings.GENERATION_POLL_TIME_LIMIT + MARGIN,
)
def poll(task_id: str, token: int) -> None:
    """Asks the provider about the job once; re-schedules itself while it is pending."""
    try:
        pipeline.run_poll(task_id, token)
    except SoftTimeLimitExceeded:
        logger.warning("generation.poll for %s hit its soft time limit", task_id)
        outcomes.step_timed_out(task_id, token, pipeline.POLL)


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
