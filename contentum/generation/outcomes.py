"""How an attempt ends, and what the task does next: succeed, try again, back off, fail."""

import logging
import random

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from contentum.generation import steps
from contentum.generation.images import PreparedImage
from contentum.generation.models import AttemptStatus, GenerationAttempt, GenerationTask, TaskStatus
from contentum.generation.posters import Poster
from contentum.generation.providers.base import ProviderError
from contentum.generation.quality import QualityReport
from contentum.generation.scores import quality_score

logger = logging.getLogger(__name__)


def _rejection(report: QualityReport) -> str:
    return " ".join(check.message for check in report.checks if not check.passed)


def next_attempt_or_fail(task: GenerationTask, attempt: GenerationAttempt) -> None:
    task.last_error = f"Попытка {attempt.number}: {attempt.error}"
    if task.attempts < task.max_attempts:
        steps.schedule(task, steps.SUBMIT)
        task.save()
        return
    if attempt.status == AttemptStatus.REJECTED:
        reason = (
            f"Изображение не прошло автоматические проверки качества (попыток: "
            f"{task.attempts}). Последняя попытка: {attempt.error}"
        )
    else:
        reason = f"Не удалось получить изображение (попыток: {task.attempts}). {attempt.error}"
    steps.finish(task, TaskStatus.FAILED, reason=reason)


def attempt_checked(
    task_id: str,
    token: int,
    number: int,
    *,
    report: QualityReport,
    prepared: PreparedImage | None,
    poster: Poster | None = None,
) -> None:
    """Stores the attempt's image and report; the task succeeds or tries again. A task's
    poster (the background fitted to its format, and the text on it) becomes its image."""
    saved: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            task = steps.lock(task_id, token)
            if task is None:
                return
            attempt = steps.current_attempt(task, number)
            if prepared is not None:
                attempt.image.save(f"attempt-{number}.png", ContentFile(prepared.png), save=False)
                saved.append((attempt.image.storage, attempt.image.name))
                attempt.thumbnail.save(
                    f"attempt-{number}-thumb.webp",
                    ContentFile(prepared.thumbnail_webp),
                    save=False,
                )
                saved.append((attempt.thumbnail.storage, attempt.thumbnail.name))
                if attempt.raw_image:  # the provider's answer, now stored as the image
                    raw_storage, raw_name = attempt.raw_image.storage, attempt.raw_image.name
                    attempt.raw_image = ""
                    transaction.on_commit(lambda: raw_storage.delete(raw_name))
            attempt.quality_report = report.to_dict()
            attempt.finished_at = timezone.now()
            if report.passed:
                attempt.status, attempt.error = AttemptStatus.SUCCESS, ""
                attempt.save()
                task.image, task.thumbnail = attempt.image.name, attempt.thumbnail.name
                task.score = quality_score(
                    attempt.quality_report, attempt=number, max_attempts=task.max_attempts
                )
                if poster is not None:
                    saved.extend(_store_poster(task, poster, f"{number}"))
                steps.finish(task, TaskStatus.SUCCESS)
            else:
                attempt.status, attempt.error = AttemptStatus.REJECTED, _rejection(report)
                attempt.save()
                next_attempt_or_fail(task, attempt)
    except BaseException:  # SoftTimeLimitExceeded, SystemExit, … roll the rows back too
        for storage, name in saved:  # the rows were rolled back: do not leave their files
            try:
                storage.delete(name)
            except Exception:
                logger.warning("Could not delete orphaned file %s", name, exc_info=True)
        raise


def _store_poster(task: GenerationTask, poster: Poster, label: str) -> list[tuple[object, str]]:
    """Saves the poster's files on the task (not yet the row); returns them as stored."""
    task.background.save(f"background-{label}.png", ContentFile(poster.background_png), save=False)
    task.image.save(f"poster-{label}.png", ContentFile(poster.poster_png), save=False)
    task.thumbnail.save(
        f"poster-{label}-thumb.webp", ContentFile(poster.thumbnail_webp), save=False
    )
    task.poster_layout = poster.layout
    return [(f.storage, f.name) for f in (task.background, task.image, task.thumbnail)]


def attempt_failed(task_id: str, token: int, number: int, *, error: str, retry: bool) -> None:
    """The attempt gave no usable image; the next one starts if `retry` and any are left."""
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            return
        attempt = steps.current_attempt(task, number)
        attempt.status, attempt.error = AttemptStatus.FAILED, error
        attempt.finished_at = timezone.now()
        attempt.save()
        if retry:
            next_attempt_or_fail(task, attempt)
        else:
            steps.finish(task, TaskStatus.FAILED, reason=error)


def backoff_seconds(retry: int, retry_after: float | None = None) -> float:
    """Exponential, capped, with full jitter: anywhere from 0 to the capped delay, so jobs
    that failed together do not retry together, at the cap too (a jitter applied before
    the cap is cut off by it). A provider's Retry-After is honoured up to the cap."""
    cap = settings.GENERATION_RETRY_MAX_SECONDS
    ceiling = min(settings.GENERATION_RETRY_BASE_SECONDS * 2 ** max(retry - 1, 0), cap)
    delay = max(random.uniform(0.0, ceiling), retry_after or 0.0)
    return min(delay, cap)


def provider_trouble(
    task_id: str, token: int, number: int, exc: ProviderError, *, step: str
) -> None:
    """A call did not go through: back off and repeat the step, or fail the task."""
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            return
        attempt = steps.current_attempt(task, number)
        if attempt is not None and attempt.is_finished:
            attempt = None  # timed out before the next attempt existed
        limit = settings.GENERATION_PROVIDER_MAX_RETRIES
        exhausted = attempt is not None and attempt.provider_retries >= limit
        orphaned = False
        if exc.job_may_exist and attempt is not None:  # a timed-out start: count the orphan
            attempt.orphaned_runs += 1
            attempt.save(update_fields=["orphaned_runs"])
            orphaned = attempt.orphaned_runs > settings.GENERATION_MAX_ORPHANED_RUNS
        if not exc.retryable or exhausted or orphaned:
            reason = exc.message
            if orphaned:
                reason = (
                    f"{exc.message} Запуск не ответил {attempt.orphaned_runs} раз(а); "
                    "новые задания не отправляются, чтобы не копить их у провайдера."
                )
            elif exc.retryable:
                reason = f"{exc.message} Провайдер недоступен: повторов без успеха — {limit}."
            if attempt is not None:
                attempt.status, attempt.error = AttemptStatus.FAILED, reason
                attempt.finished_at = timezone.now()
                attempt.save()
            steps.finish(task, TaskStatus.FAILED, reason=reason)
            return
        retry = 1
        if attempt is not None:
            attempt.provider_retries += 1
            attempt.error = exc.message
            attempt.save(update_fields=["provider_retries", "error"])
            retry = attempt.provider_retries
        delay = backoff_seconds(retry, exc.retry_after)
        logger.info("Task %s: %s; %s again in %.1f s", task_id, exc.message, step, delay)
        task.last_error = exc.message
        steps.schedule(task, step, delay)
        task.save()


def job_lost(task_id: str, token: int, number: int, *, error: str) -> None:
    """The provider no longer knows the attempt's job (its image was handed out and lost on
    the way): the same prompt goes out again as a new job of the same attempt, with no
    paraphrase and no attempt used up, for no image was judged. Past
    GENERATION_MAX_LOST_JOBS restarts the attempt fails like any that gave no image."""
    with transaction.atomic():
        task = steps.lock(task_id, token)
        if task is None:
            return
        attempt = steps.current_attempt(task, number)
        if attempt.lost_jobs >= settings.GENERATION_MAX_LOST_JOBS:
            attempt.status, attempt.error = AttemptStatus.FAILED, error
            attempt.finished_at = timezone.now()
            attempt.save()
            next_attempt_or_fail(task, attempt)
            return
        logger.warning("Task %s: %s; the same prompt goes out again", task_id, error)
        attempt.lost_jobs += 1
        attempt.provider_job_id, attempt.status = "", AttemptStatus.PENDING
        attempt.submitted_at, attempt.error = None, error
        attempt.save()
        task.last_error = error
        steps.schedule(task, steps.SUBMIT)
        task.save()


def step_timed_out(task_id: str, token: int, step: str) -> None:
    """A step ran past its soft time limit: treated as a provider that did not answer."""
    task = GenerationTask.objects.filter(pk=task_id).only("attempts").first()
    if task is None:
        return
    message = "Шаг генерации не уложился в отведённое время."
    provider_trouble(
        task_id, token, task.attempts, ProviderError(message, retryable=True), step=step
    )
