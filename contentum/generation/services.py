"""Generation rules: queuing a task, cancelling, retrying, sharing, and the sweeper.

The chats app queues a task at a chat's completion, inside its own transaction:

    task = generation_task_create(
        user=chat.user, prompt=history.assembled_prompt,
        negative_prompt=history.negative_prompt, width=size.width, height=size.height,
        chat=chat, prompt_history=history, origin=request_origin(request),
    )

and hears the outcome through a listener (see events.py). The worker starts only once
that transaction commits.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.design.models import Format
from contentum.generation import events, posters, quotas, selectors, steps, variants
from contentum.generation.models import (
    ACTIVE_STATUSES,
    MAX_ATTEMPTS,
    MIN_ATTEMPTS,
    AttemptStatus,
    GenerationTask,
    TaskStatus,
)
from contentum.generation.sizes import ImageSize, size_for_ratio, validate_size
from contentum.generation.text import MAX_PROMPT_CHARS
from contentum.prompts.services import prompt_assemble

logger = logging.getLogger(__name__)

DEFAULT_ASPECT_RATIO = "1:1"


def _invalid(field_name: str, message: str) -> ApplicationError:
    return ApplicationError(message, errors={field_name: [message]})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_max_attempts(max_attempts: Any) -> int:
    if not _is_int(max_attempts) or not MIN_ATTEMPTS <= max_attempts <= MAX_ATTEMPTS:
        raise _invalid(
            "max_attempts",
            f"Число попыток должно быть целым от {MIN_ATTEMPTS} до {MAX_ATTEMPTS}.",
        )
    return max_attempts


def _validate_prompt(prompt: Any, negative_prompt: Any) -> tuple[str, str]:
    if not isinstance(prompt, str) or not prompt.strip():
        raise _invalid("prompt", "Промпт не может быть пустым.")
    if not isinstance(negative_prompt, str):
        raise _invalid("negative_prompt", "Негативный промпт должен быть строкой.")
    for name, text in (("prompt", prompt), ("negative_prompt", negative_prompt)):
        if len(text.strip()) > MAX_PROMPT_CHARS:
            raise _invalid(
                name,
                f"Промпт длиннее {MAX_PROMPT_CHARS} символов ({len(text.strip())}): "
                "провайдер его не примет.",
            )
    return prompt.strip(), negative_prompt.strip()


def _validate_size(width: Any, height: Any) -> ImageSize:
    if not (_is_int(width) and _is_int(height)):
        raise _invalid("size", "Ширина и высота должны быть целыми числами.")
    return validate_size(width=width, height=height)


def generation_task_create(
    *,
    user: Any,
    prompt: str,
    negative_prompt: str = "",
    width: int,
    height: int,
    max_attempts: int = 3,
    chat: Any = None,
    prompt_history: Any = None,
    origin: str = "",
    enrich_first: bool = False,
    poster_format: Format | None = None,
    poster_text: dict[str, Any] | None = None,
    variant_count: int = 1,
    style_hint: str = "",
) -> GenerationTask:
    """Validates, stores a PENDING task, audits `generation.queued` and sends the first step
    once the caller's transaction commits. Bad input is a 400 ApplicationError naming the
    field (`prompt`, `negative_prompt`, `size`, `max_attempts`).

    `enrich_first`: the prompt is a draft of `prompt_history`, assembled with the built-in
    enricher; the worker asks the configured one and re-assembles before the first attempt.

    `poster_format`: the result is a poster of that format's exact size with
    `poster_text` (title, lines, call to action) typeset on it; `width`×`height` are then
    the size the provider draws. A text that cannot fit is a 400 naming the field.

    `variant_count` > 1: the task is a brief whose images are that many variants, run side
    by side (variants.py); 1..GENERATION_VARIANTS_MAX, else a 400 naming the range."""
    poster: dict[str, Any] = {}
    if poster_format is not None:
        text = posters.clean_text(**poster_text) if poster_text else {}
        snapshot = posters.canvas_snapshot(poster_format)
        if text:
            posters.validate_fits(text, snapshot, posters.brand_style(text))
        poster = {"poster_format": poster_format, "poster_canvas": snapshot, "poster_text": text}
    return _task_create(
        actor=user,
        owner=user,
        prompt=prompt,
        negative_prompt=negative_prompt,
        width=width,
        height=height,
        max_attempts=max_attempts,
        chat=chat,
        prompt_history=prompt_history,
        origin=origin,
        enrich_first=enrich_first and prompt_history is not None,
        variant_count=variant_count,
        style_hint=style_hint,
        **poster,
    )


def _task_create(
    *, actor: Any, owner: Any, retried_from: Any = None, **fields: Any
) -> GenerationTask:
    prompt, negative = _validate_prompt(fields["prompt"], fields["negative_prompt"])
    size = _validate_size(fields["width"], fields["height"])
    max_attempts = validate_max_attempts(fields["max_attempts"])
    variant_count = variants.validate_variant_count(fields.get("variant_count", 1))
    # Everything that can refuse is checked above or before the first write: no savepoint
    # needed inside a caller's.
    with transaction.atomic(savepoint=False):
        quotas.quota_charge(owner, images=variant_count)
        task = GenerationTask(
            owner=owner,
            chat=fields["chat"],
            prompt_history=fields["prompt_history"],
            retried_from=retried_from,
            prompt=prompt,
            negative_prompt=negative,
            provider=settings.IMAGE_PROVIDER,
            width=size.width,
            height=size.height,
            max_attempts=max_attempts,
            origin=selectors.clean_origin(fields["origin"]),
            enrich_first=fields.get("enrich_first", False),
            poster_format=fields.get("poster_format"),
            poster_canvas=fields.get("poster_canvas") or {},
            poster_text=fields.get("poster_text") or {},
            style_hint=(fields.get("style_hint") or "").strip()[:200],
            has_variants=variant_count > 1,
            variants_asked=variant_count,
            images_charged=variant_count,
        )
        launch_now = task.has_variants and not task.enrich_first
        if not launch_now:
            task.deadline_at = steps.deadline(steps.first_step(task))
        task.save(force_insert=True)
        events.task_queued(actor=actor, task=task)
        if launch_now:
            variants.variants_launch(task)
            task.save()
        else:
            steps.enqueue(task, steps.first_step(task))
    return task


def requested_size(
    *, aspect_ratio: str | None, width: int | None, height: int | None, parameters: Any
) -> ImageSize:
    """An explicit size, else an explicit ratio, else the ratio the user answered in the
    questionnaire, else 1:1."""
    if width is not None or height is not None:
        if width is None or height is None:
            raise _invalid("size", "Укажите и ширину, и высоту.")
        return _validate_size(width, height)
    ratio = aspect_ratio or getattr(parameters, "aspect_ratio", "") or DEFAULT_ASPECT_RATIO
    return size_for_ratio(ratio)


def generation_task_generate(
    *,
    user: Any,
    parameters: Any,
    template: Any = None,
    max_attempts: int = 3,
    aspect_ratio: str | None = None,
    width: int | None = None,
    height: int | None = None,
    origin: str = "",
    variant_count: int = 1,
) -> GenerationTask:
    """Assembles the prompt (a history row) and queues its generation, all or nothing:
    a refused size, attempt or variant count stores neither."""
    size = requested_size(
        aspect_ratio=aspect_ratio, width=width, height=height, parameters=parameters
    )
    validate_max_attempts(max_attempts)
    variants.validate_variant_count(variant_count)
    with transaction.atomic():
        history = prompt_assemble(user=user, parameters=parameters, template=template)
        return generation_task_create(
            user=user,
            prompt=history.assembled_prompt,
            negative_prompt=history.negative_prompt,
            width=size.width,
            height=size.height,
            max_attempts=max_attempts,
            prompt_history=history,
            origin=origin,
            variant_count=variant_count,
        )


def _lock(task: GenerationTask) -> GenerationTask:
    return GenerationTask.objects.select_for_update().get(pk=task.pk)


def generation_task_cancel(*, actor: Any, task: GenerationTask) -> GenerationTask:
    """Stops a PENDING or RUNNING task, and every variant it is running; their in-flight
    messages become stale. 409 once it has finished."""
    with transaction.atomic():
        # Variants first, then their brief: the order a variant's own end takes them in.
        running = list(
            GenerationTask.objects.select_for_update()
            .filter(brief_id=task.pk, status__in=ACTIVE_STATUSES)
            .order_by("pk")
        )
        task = _lock(task)
        if task.is_finished:
            raise ConflictError(
                "Задача уже завершена: отменять нечего.", errors={"status": [task.status]}
            )
        for variant in running:
            _stop(variant, actor=actor, settle=False)
        _stop(task, actor=actor)
    return task


def _stop(task: GenerationTask, *, actor: Any, settle: bool = True) -> None:
    attempt = steps.current_attempt(task)
    if attempt is not None and not attempt.is_finished:
        attempt.status, attempt.finished_at = AttemptStatus.CANCELLED, timezone.now()
        attempt.save(update_fields=["status", "finished_at"])
    reason = "Генерация отменена."
    steps.finish(task, TaskStatus.CANCELLED, reason=reason, actor=actor, settle=settle)


def generation_task_retry(*, actor: Any, task: GenerationTask, origin: str = "") -> GenerationTask:
    """A new task with the original prompt, size and settings of a FAILED or CANCELLED one
    (its chat, if any, hears the new outcome). 409 for one that is running or succeeded, or
    whose retry is already running (a double click makes one retry, not two)."""
    with transaction.atomic():
        original = _lock(task)
        if original.status not in (TaskStatus.FAILED, TaskStatus.CANCELLED):
            raise ConflictError(
                "Повторить можно только неудавшуюся или отменённую генерацию.",
                errors={"status": [original.status]},
            )
        running = original.retries.filter(status__in=ACTIVE_STATUSES).first()
        if running is not None:
            raise ConflictError(
                "Повтор этой генерации уже выполняется.",
                errors={"retry": [str(running.pk)]},
                extra={"data": {"task_id": str(running.pk)}},
            )
        retry = _task_create(
            actor=actor,
            owner=original.owner,
            retried_from=original,
            prompt=original.prompt,
            negative_prompt=original.negative_prompt,
            width=original.width,
            height=original.height,
            max_attempts=original.max_attempts,
            chat=original.chat,
            prompt_history=original.prompt_history,
            origin=origin or original.origin,
            enrich_first=original.enrich_first,  # it failed before its prompt was enriched
            poster_format=original.poster_format,
            poster_canvas=original.poster_canvas,
            poster_text=original.poster_text,
            style_hint=original.style_hint,
            variant_count=(
                min(original.variants_asked, settings.GENERATION_VARIANTS_MAX)
                if original.has_variants
                else 1
            ),
        )
        events.task_retried(actor=actor, task=original, retry=retry)
    return retry


def generation_task_text_update(
    *,
    actor: Any,
    task: GenerationTask,
    title: Any,
    lines: Any = (),
    call_to_action: Any = "",
) -> GenerationTask:
    """New text on a finished poster, re-composed from its stored background: no provider
    call, no attempt. Text that cannot fit is a 400 naming the field; nothing changes.
    A task with variants changes its chosen variant's poster, which it then shows."""
    font = task.poster_text.get("font", "")  # the brief's choice stays
    text = posters.clean_text(title=title, lines=lines, call_to_action=call_to_action, font=font)
    poster_task = task.chosen_variant if task.has_variants else task
    ready = task.status == TaskStatus.SUCCESS and poster_task is not None
    if not (ready and poster_task.background and poster_task.poster_canvas):
        raise ConflictError(
            "Текст можно изменить только у готового постера.", errors={"status": [task.status]}
        )
    with poster_task.background.open("rb") as stored:
        background = posters.open_png(stored.read())
    # Typesetting and encoding take a few hundred ms: before the row lock, not under it.
    poster = posters.compose_poster(
        background, snapshot=poster_task.poster_canvas, text=text, interactive=True
    )
    label = f"{poster_task.attempts}-{uuid.uuid4().hex[:8]}"
    with transaction.atomic():
        locked = _lock(poster_task)
        if locked.status != TaskStatus.SUCCESS:
            raise ConflictError("Постер больше не готов: обновите страницу.")
        old = [f.name for f in (locked.image, locked.thumbnail) if posters.is_poster_file(f.name)]
        saved = [
            (locked.image, f"poster-{label}.png", poster.poster_png),
            (locked.thumbnail, f"poster-{label}-thumb.webp", poster.thumbnail_webp),
        ]
        for file, name, data in saved:
            file.save(name, ContentFile(data), save=False)
        transaction.on_commit(lambda: posters.delete_files(locked.image.storage, old))
        locked.poster_text, locked.poster_layout = text, poster.layout
        locked.save(
            update_fields=["image", "thumbnail", "poster_text", "poster_layout", "updated_at"]
        )
        if locked.brief_id is None:
            events.task_text_changed(actor=actor, task=locked)
            return locked
        brief = _lock(task)  # after its variant: the order a variant's end takes them in
        if brief.chosen_variant_id == locked.pk:
            brief.show(locked)
            brief.save()
        events.task_text_changed(actor=actor, task=brief)
    return brief


@dataclass
class SweepResult:
    resumed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _stuck_reason(task: GenerationTask) -> str:
    return (
        "Генерация прервана: обработчик фоновых задач не продолжил её вовремя (шаг не "
        "выполнен к сроку; вероятно, воркер был остановлен или перезапущен), "
        f"восстановлений: {task.recoveries}. "
        "Запустите генерацию повторно."
    )


def generation_tasks_sweep(*, now: datetime | None = None) -> SweepResult:
    """Finds PENDING/RUNNING tasks whose next step is overdue: their message was lost.

    Resumes each from where it stopped (polling the provider's job if it has one, else
    submitting), at most GENERATION_MAX_RECOVERIES times; then fails it with a reason that
    says so. Resuming is safe: the new message gets a new token, so the lost one, should
    the broker still deliver it, is dropped as stale. Works in batches, oldest first.
    """
    now = now or timezone.now()
    result = SweepResult()
    overdue = GenerationTask.objects.filter(status__in=ACTIVE_STATUSES, deadline_at__lt=now)
    batch = overdue.order_by("deadline_at").values_list("pk", flat=True)
    for task_id in list(batch[: settings.GENERATION_SWEEP_BATCH]):
        with transaction.atomic():
            task = overdue.select_for_update().filter(pk=task_id).first()
            if task is None:
                continue  # it moved on meanwhile
            if task.recoveries >= settings.GENERATION_MAX_RECOVERIES:
                reason = _stuck_reason(task)
                attempt = steps.current_attempt(task)
                if attempt is not None and not attempt.is_finished:
                    attempt.status, attempt.error = AttemptStatus.FAILED, reason
                    attempt.finished_at = now
                    attempt.save(update_fields=["status", "error", "finished_at"])
                steps.finish(task, TaskStatus.FAILED, reason=reason)
                result.failed.append(str(task_id))
                logger.warning("Generation task %s was stuck; failed", task_id)
                continue
            step = steps.resume_step(task)
            task.recoveries += 1
            steps.schedule(task, step)
            task.save()
            events.task_recovered(task=task, step=step)
            result.resumed.append(str(task_id))
            logger.warning("Generation task %s was stuck; resumed at %s", task_id, step)
    return result
