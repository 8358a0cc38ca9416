"""The generation pipeline: a task moves through short Celery steps, never sleeping.

    (enrich ─▶)
    submit ─▶ poll ─(pending: re-scheduled with a countdown)─▶ poll … ─(done)─▶ checks
      │  (a blocking provider: one `draw` call on the thread-pool queue) ─────▶ checks
      ▲                                                                          │
      └──── paraphrase + next attempt (up to max_attempts) ◀──── failed checks ──┘
                                                        passed ──▶ SUCCESS

The rules that make each step safe to deliver twice are in steps.py; how an attempt ends
(stored, rejected, failed, backed off) is in outcomes.py. tasks.py runs these functions;
they send the next step through steps.py by task name and never import tasks.py.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from contentum.common.exceptions import ApplicationError
from contentum.generation import outcomes, posters, steps, variants
from contentum.generation.images import InvalidImage, prepare_image
from contentum.generation.models import AttemptStatus, GenerationAttempt, GenerationTask, TaskStatus
from contentum.generation.paraphrase import Paraphraser, get_paraphraser
from contentum.generation.providers.base import (
    ImageProvider,
    ImageRequest,
    PollResult,
    ProviderError,
    get_image_provider,
)
from contentum.generation.quality import QualityReport, check_censored, run_quality_checks
from contentum.generation.steps import DRAW, ENRICH, POLL, SUBMIT
from contentum.prompts import llm
from contentum.prompts.services import enrich_parameters, prompt_reassemble

logger = logging.getLogger(__name__)

MIN_POLL_SECONDS = 0.05
# The job id of an attempt a blocking provider has drawn: its answer is stored, and a
# poll step judges it (run_poll uses the stored answer; there is no job to ask about).
DRAWN_JOB = "drawn"

__all__ = [
    "DRAW",
    "ENRICH",
    "POLL",
    "SUBMIT",
    "enrich_timed_out",
    "run_draw",
    "run_enrich",
    "run_poll",
    "run_submit",
]


def _provider(task: GenerationTask) -> ImageProvider:
    try:
        return get_image_provider(task.provider)
    except ImproperlyConfigured as exc:
        raise ProviderError(f"Провайдер изображений не настроен: {exc}", retryable=False) from exc


def _provider_or_none(task: GenerationTask) -> ImageProvider | None:
    try:
        return get_image_provider(task.provider)
    except ImproperlyConfigured:
        return None


def _request(task: GenerationTask, attempt: GenerationAttempt) -> ImageRequest:
    return ImageRequest(
        prompt=attempt.prompt,
        width=task.width,
        height=task.height,
        attempt=attempt.number,
        negative_prompt=task.negative_prompt,
        seed=task.seed,
        style_hint=task.style_hint,
    )


def paraphraser() -> Paraphraser:
    """The configured LLM (an OpenAI-compatible chat server with ENRICHER=openai, else
    GigaChat when it is configured), falling back to the rules on any failure; else rules."""
    return get_paraphraser(llm_complete=llm.configured_completion())


def _model_of(task: GenerationTask) -> str:
    try:
        provider = get_image_provider(task.provider)
    except ImproperlyConfigured:
        return ""  # the submit says why
    return str(getattr(provider, "model", ""))[:100]


def _new_attempt(task: GenerationTask, number: int, prompt: str) -> GenerationAttempt:
    attempt = GenerationAttempt.objects.create(
        task=task, number=number, prompt=prompt, provider=task.provider, model=_model_of(task)
    )
    task.attempts = number
    return attempt


def run_enrich(task_id: str, token: int) -> None:
    """Replaces the task's draft prompt (built-in enrichment, written by a chat's final
    answer) with one from the configured enricher, then submits. The LLM is asked outside
    any transaction; its answer is stored only if this message is still the current one.
    The enricher falls back to the built-in rules itself, so this step never fails a task."""
    task = (
        GenerationTask.objects.select_related("owner", "prompt_history__parameters")
        .filter(pk=task_id, step_token=token, enrich_first=True)
        .first()
    )
    if task is None or task.is_finished:
        logger.info("Stale enrich for generation task %s (token %s); dropped", task_id, token)
        return
    history = task.prompt_history
    parameters = history.parameters if history is not None else None
    enriched = None
    if parameters is not None:
        enriched = enrich_parameters(answers=parameters.data, user=task.owner)
    with transaction.atomic():
        locked = steps.lock(task_id, token)
        if locked is None:
            return
        if enriched is not None:
            prompt_reassemble(history=history, enriched=enriched)
            locked.prompt, locked.negative_prompt = (
                history.assembled_prompt,
                history.negative_prompt,
            )
        _draft_done(locked)


def enrich_timed_out(task_id: str, token: int) -> None:
    """The LLM took longer than the step may: the draft prompt is used as it is."""
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is not None:
            _draft_done(task)


def _draft_done(task: GenerationTask) -> None:
    task.enrich_first = False
    if task.has_variants:
        variants.variants_launch(task)  # each variant submits its own first attempt
    else:
        steps.schedule(task, SUBMIT)
    task.save()


def run_submit(task_id: str, token: int) -> None:
    """Starts the task's next attempt at the provider (creating the attempt if needed)."""
    next_number, failed_checks = 0, []
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            return
        if task.status == TaskStatus.PENDING:
            task.status, task.started_at = TaskStatus.RUNNING, timezone.now()
        attempt = steps.current_attempt(task)
        if attempt is not None and attempt.provider_job_id and not attempt.is_finished:
            steps.schedule(task, POLL)  # the job exists already: only polling is left
            task.save()
            return
        if attempt is None:
            attempt = _new_attempt(task, 1, task.prompt)
        elif attempt.is_finished:
            if task.attempts >= task.max_attempts:
                steps.finish(
                    task, TaskStatus.FAILED, reason=task.last_error or "Попытки закончились."
                )
                return
            next_number, failed_checks = task.attempts + 1, attempt.failed_checks
        task.save()

    if next_number:
        # The paraphrase may wait on the LLM: outside any transaction.
        prompt = paraphraser().paraphrase(task.prompt, failed_checks, next_number)
        if posters.PALETTE in failed_checks:
            prompt = posters.stress_palette(prompt)
        with transaction.atomic():
            task = steps.lock(task_id, token)
            if task is None or task.attempts + 1 != next_number:
                return  # a duplicate of this message created the attempt and carries on
            attempt = _new_attempt(task, next_number, prompt)
            task.save(update_fields=["attempts", "updated_at"])
    _submit(task, attempt, token)


def _submit(task: GenerationTask, attempt: GenerationAttempt, token: int) -> None:
    task_id, number = str(task.pk), attempt.number
    try:
        provider = _provider(task)
        if provider.blocking:
            _hand_to_draw(task_id, token, number)
            return
        job = provider.submit(_request(task, attempt))
    except ProviderError as exc:
        outcomes.provider_trouble(task_id, token, number, exc, step=SUBMIT)
        return
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            logger.warning(
                "Job %s of task %s submitted after it moved on: unused", job.job_id, task_id
            )
            return
        GenerationAttempt.objects.filter(task=task, number=number).update(
            provider_job_id=job.job_id[:100],
            status=AttemptStatus.RUNNING,
            submitted_at=timezone.now(),
        )
        # A job that is ready at once (the simulation without latency) is polled right here,
        # sparing a round trip through the broker; anything else waits its countdown.
        inline = job.poll_after_seconds <= 0
        next_token = steps.schedule(task, POLL, job.poll_after_seconds, send=not inline)
        task.save()
    if inline:
        run_poll(task_id, next_token)


def _hand_to_draw(task_id: str, token: int, number: int) -> None:
    """A blocking provider draws in one long call: it is sent to the thread-pool queue
    (the `draw` step), so the submit's worker slot is free at once."""
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            return
        GenerationAttempt.objects.filter(task=task, number=number).update(
            status=AttemptStatus.RUNNING, submitted_at=timezone.now()
        )
        steps.schedule(task, DRAW)
        task.save()


def _running(task_id: str, token: int):
    """The task's current attempt while it is at the provider, with its task, if `token`
    is still the one the task waits for."""
    return GenerationAttempt.objects.select_related("task").filter(
        task_id=task_id,
        task__step_token=token,
        task__status=TaskStatus.RUNNING,
        number=F("task__attempts"),
        status=AttemptStatus.RUNNING,
    )


def _drawing(task_id: str, token: int) -> GenerationAttempt | None:
    """The attempt a blocking provider is drawing."""
    return _running(task_id, token).first()


def run_draw(task_id: str, token: int) -> None:
    """Asks a blocking provider for the current attempt's image in one call (outside any
    transaction) and stores the answer; its checks then run as a poll step would. An
    answer already stored by an earlier delivery of this step is not asked for again."""
    attempt = _drawing(task_id, token)
    if attempt is None:
        logger.info("Stale draw for generation task %s (token %s); dropped", task_id, token)
        return
    task, number = attempt.task, attempt.number
    if not attempt.raw_image:
        try:
            result = _provider(task).draw(_request(task, attempt))
        except ProviderError as exc:
            outcomes.provider_trouble(task_id, token, number, exc, step=DRAW)
            return
        if result.state != "done":
            _job_failed(task_id, token, number, result)
            return
        _store_raw(attempt, result.image_bytes or b"", result.censored)
    _hand_to_checks(task_id, token, number)


def _hand_to_checks(task_id: str, token: int, number: int) -> None:
    """The drawn image waits as the attempt's stored answer; a poll step judges it. The
    checks (decoding, measuring, typesetting: CPU) then run in the prefork pool's
    processes side by side, not in the drawing threads under one interpreter lock, and
    the threads only ever wait on the network."""
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            return
        drawn = (
            GenerationAttempt.objects.filter(task=task, number=number, status=AttemptStatus.RUNNING)
            .exclude(raw_image="")
            .update(provider_job_id=DRAWN_JOB)
        )
        if not drawn:
            return  # the answer was not kept (the attempt moved on): nothing to judge
        steps.schedule(task, POLL)
        task.save()


def _in_flight(task_id: str, token: int) -> GenerationAttempt | None:
    """The attempt whose job is at the provider. One query: polls are the pipeline's most
    frequent message."""
    return _running(task_id, token).exclude(provider_job_id="").first()


def _store_raw(attempt: GenerationAttempt, image_bytes: bytes, censored: bool) -> None:
    """Saves the provider's answer on the attempt, in a short transaction of its own, before
    anything else is done with it: Fusion Brain hands an image out once, so a step that
    dies later (soft time limit, SIGKILL, a dropped database connection) is redelivered
    and finds it here. Kept only while the attempt still waits for this very job."""
    with transaction.atomic():
        GenerationTask.objects.select_for_update().filter(pk=attempt.task_id).first()
        current = GenerationAttempt.objects.filter(
            pk=attempt.pk,
            provider_job_id=attempt.provider_job_id,
            status=AttemptStatus.RUNNING,
            raw_image="",
        ).first()
        if current is None:
            return
        current.task = attempt.task  # file names are built from the task
        current.raw_image.save(
            f"attempt-{attempt.number}-raw.bin", ContentFile(image_bytes), save=False
        )
        current.raw_censored = censored
        current.save(update_fields=["raw_image", "raw_censored"])
        # The task is checking its image now: what a client polling it sees changes.
        GenerationTask.objects.filter(pk=attempt.task_id).update(updated_at=timezone.now())


def _stored_raw(attempt: GenerationAttempt) -> bytes:
    with attempt.raw_image.open("rb") as stored:
        return stored.read()


def run_poll(task_id: str, token: int) -> None:
    """Asks the provider about the current attempt's job once, then re-schedules or checks.
    An answer already stored by an earlier delivery of this step is used instead."""
    attempt = _in_flight(task_id, token)
    if attempt is None:
        logger.info("Stale poll for generation task %s (token %s); dropped", task_id, token)
        return
    task = attempt.task
    if attempt.raw_image:
        image_bytes, censored = _stored_raw(attempt), attempt.raw_censored
    else:
        received = _ask_provider(task, attempt, token)
        if received is None:
            return
        image_bytes, censored = received
        _store_raw(attempt, image_bytes, censored)
    _judge(task, attempt, token, image_bytes, censored)


def _judge(
    task: GenerationTask, attempt: GenerationAttempt, token: int, image_bytes: bytes, censored: bool
) -> None:
    """The provider's answer, checked: the image's checks, then (for a poster) fitted,
    typeset and the layer's checks; the attempt then ends (outcomes.attempt_checked)."""
    task_id, number = str(task.pk), attempt.number
    try:
        prepared = prepare_image(image_bytes)
    except InvalidImage as exc:
        outcomes.attempt_failed(task_id, token, number, error=exc.reason, retry=True)
        return
    report = run_quality_checks(
        image=prepared.image, width=task.width, height=task.height, censored=censored
    )
    poster = None
    if task.poster_canvas:
        report = QualityReport((*report.checks, *posters.background_checks(prepared.image)))
        if report.passed:
            try:
                poster = posters.compose_poster(
                    prepared.image, snapshot=task.poster_canvas, text=task.poster_text
                )
            except ApplicationError as exc:  # the brand kit's fonts changed since the brief
                outcomes.attempt_failed(task_id, token, number, error=exc.message, retry=False)
                return
            report = QualityReport((*report.checks, *poster.checks))
    outcomes.attempt_checked(
        task_id, token, number, report=report, prepared=prepared, poster=poster
    )


def _job_failed(task_id: str, token: int, number: int, result: PollResult) -> None:
    """The provider ran the job and gave no image. A censored one is judged as a failed
    `censored` check, so the next attempt is reworded to pass the filter."""
    if result.censored:
        report = QualityReport((check_censored(True),))
        outcomes.attempt_checked(task_id, token, number, report=report, prepared=None)
    else:
        outcomes.attempt_failed(task_id, token, number, error=result.error, retry=result.retryable)


def _ask_provider(
    task: GenerationTask, attempt: GenerationAttempt, token: int
) -> tuple[bytes, bool] | None:
    """The finished job's bytes and censored flag; otherwise `None`, the outcome (pending,
    failed, lost, provider trouble) already handled."""
    task_id, number = str(task.pk), attempt.number
    provider = _provider_or_none(task)
    if provider is not None and provider.blocking:  # its stored answer is gone: draw again
        outcomes.job_lost(task_id, token, number, error="Ответ провайдера не сохранился.")
        return None
    timeout = settings.GENERATION_JOB_TIMEOUT_SECONDS
    if attempt.submitted_at and timezone.now() - attempt.submitted_at > timedelta(seconds=timeout):
        error = f"Провайдер не вернул изображение за {timeout} с."
        outcomes.attempt_failed(task_id, token, number, error=error, retry=True)
        return None
    try:
        result = _provider(task).poll(attempt.provider_job_id, _request(task, attempt))
    except ProviderError as exc:
        outcomes.provider_trouble(task_id, token, number, exc, step=POLL)
        return None

    if result.state == "pending":
        steps.reschedule(task, token, POLL, max(result.poll_after_seconds, MIN_POLL_SECONDS))
        return None
    if result.state == "lost":
        outcomes.job_lost(task_id, token, number, error=result.error)
        return None
    if result.state == "failed":
        _job_failed(task_id, token, number, result)
        return None
    return result.image_bytes or b"", result.censored
