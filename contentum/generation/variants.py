"""Variants: one brief, several posters to choose from.

A brief asked for more than one image (`has_variants`) runs no job itself. Once its prompt
is final (at once, or after the worker's enrich step) it launches its variants: tasks of
their own (`brief`, `variant_number`), each with its own seed, a composition hint from the
second on, and its own chain of attempts (checks, paraphrase), all sent at once. As each
one ends, `steps.finish` settles the brief: the best-scoring successful variant is shown
(its files are the brief's) until the user picks one, and once none is running the brief
finishes and its chat hears it, once.

Lock order: a variant's row, then its brief's (a variant finishing settles its brief).
Whatever locks both takes them in that order (`generation_task_cancel`), or locks the
brief alone (choose, vary); the owner's row (quotas) comes after either.
"""

import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework import status

from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.generation import events, quotas, steps
from contentum.generation.models import (
    ACTIVE_STATUSES,
    GenerationAttempt,
    GenerationTask,
    TaskStatus,
)
from contentum.generation.paraphrase import RuleParaphraser
from contentum.generation.text import MAX_PROMPT_CHARS

SUBTLE, STRONG = "subtle", "strong"
STRENGTHS = (SUBTLE, STRONG)
# Variants a brief may hold in all, «Ещё похожий» included: a grid, not an archive.
MAX_VARIANTS_PER_BRIEF = 12

# What sets the second and later variants apart besides their seed: providers without a
# seed parameter (Fusion Brain) still draw a different composition.
COMPOSITION_HINTS = (
    "крупный план, главный объект ближе к зрителю",
    "общий план, много воздуха вокруг главного объекта",
    "необычный ракурс снизу, выразительная перспектива",
    "мягкий боковой свет, глубокие тени",
    "симметричная композиция, спокойный ритм",
)


class VariantNotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND


def validate_variant_count(value: Any) -> int:
    """1..GENERATION_VARIANTS_MAX, else a 400 naming the range."""
    top = settings.GENERATION_VARIANTS_MAX
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        message = f"Число вариантов должно быть целым от 1 до {top}."
        raise ApplicationError(message, errors={"variant_count": [message]})
    return value


def variant_prompt(prompt: str, number: int) -> str:
    """The brief's prompt for variant `number`: as assembled for the first, with a
    composition hint for the others (left out when the prompt has no room for it)."""
    if number <= 1:
        return prompt
    hint = COMPOSITION_HINTS[(number - 2) % len(COMPOSITION_HINTS)]
    varied = f"{prompt.rstrip(' .,')}, {hint}"
    return varied if len(varied) <= MAX_PROMPT_CHARS else prompt


def new_seed() -> int:
    return random.SystemRandom().randrange(1, 2**31)


def _variant_create(
    brief: GenerationTask,
    *,
    number: int,
    prompt: str,
    charged: int,
    actor: Any = None,
    varied_from: GenerationTask | None = None,
) -> GenerationTask:
    """One variant of the locked `brief`, queued once the transaction commits."""
    variant = GenerationTask(
        owner_id=brief.owner_id,
        prompt_history_id=brief.prompt_history_id,
        prompt=prompt,
        negative_prompt=brief.negative_prompt,
        provider=brief.provider,
        width=brief.width,
        height=brief.height,
        max_attempts=brief.max_attempts,
        origin=brief.origin,
        poster_format_id=brief.poster_format_id,
        poster_canvas=brief.poster_canvas,
        poster_text=brief.poster_text,
        style_hint=brief.style_hint,
        brief=brief,
        variant_number=number,
        varied_from=varied_from,
        seed=new_seed(),
        images_charged=charged,
    )
    variant.deadline_at = steps.deadline(steps.SUBMIT)
    variant.save(force_insert=True)
    events.task_queued(actor=actor or brief.owner, task=variant)
    steps.enqueue(variant, steps.SUBMIT)
    return variant


def variants_launch(brief: GenerationTask) -> None:
    """Starts the locked brief's variants, its prompt now final; the caller saves it. The
    brief waits for no message of its own from here: its variants have their deadlines."""
    brief.status, brief.started_at = TaskStatus.RUNNING, brief.started_at or timezone.now()
    brief.step_token += 1
    brief.deadline_at = None
    for number in range(1, brief.variants_asked + 1):
        _variant_create(
            brief, number=number, prompt=variant_prompt(brief.prompt, number), charged=0
        )


def _locked(task: GenerationTask) -> GenerationTask:
    return GenerationTask.objects.select_for_update().get(pk=task.pk)


def _variant_of(brief: GenerationTask, number: int) -> GenerationTask:
    variant = brief.variants.filter(variant_number=number).first()
    if variant is None:
        top = brief.variants.aggregate(top=Max("variant_number"))["top"] or 1
        message = f"Варианта № {number} нет: у этой задачи варианты с 1 по {top}."
        raise VariantNotFound(message, errors={"variant": [message]})
    return variant


def variant_choose(*, actor: Any, task: GenerationTask, number: Any) -> GenerationTask:
    """Shows variant `number` as the task's poster from now on (downloads, shares, the
    text editor). Its chat gets a message with the link if the task had finished;
    nothing earlier is rewritten. Of concurrent choices the last one to commit wins."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        message = "Укажите номер варианта: целое число от 1."
        raise ApplicationError(message, errors={"variant": [message]})
    with transaction.atomic():
        brief = _locked(task)
        if not brief.has_variants:
            if number != 1:
                message = f"Варианта № {number} нет: у этой задачи один вариант."
                raise VariantNotFound(message, errors={"variant": [message]})
            if brief.status != TaskStatus.SUCCESS:
                raise _not_ready(1, brief)
            return brief  # a task of one image is its own first variant, always chosen
        if brief.status == TaskStatus.CANCELLED:
            raise ConflictError("Задача отменена: выбирать не из чего.")
        variant = _variant_of(brief, number)
        if variant.status != TaskStatus.SUCCESS:
            raise _not_ready(number, variant)
        changed = brief.chosen_variant_id != variant.pk
        brief.show(variant)
        brief.chosen_by_user = True
        brief.save()
        if changed:
            events.variant_chosen(actor=actor, task=brief, variant=variant)
    return brief


def _not_ready(number: int, variant: GenerationTask) -> ConflictError:
    if variant.status in ACTIVE_STATUSES:
        message = f"Вариант № {number} ещё не готов."
    else:
        message = f"Вариант № {number} не получился: выбрать можно только готовый."
    return ConflictError(message, errors={"variant": [message]})


def variant_vary(*, actor: Any, task: GenerationTask, number: int, strength: Any) -> GenerationTask:
    """«Ещё похожий»: a new variant of the task from variant `number`, `subtle` (the same
    prompt, a new seed) or `strong` (the prompt reworded by the built-in paraphraser: no
    network call in the request). It joins the task and is charged to the quota like any
    image the user asks for. A task of one image becomes a task with variants."""
    if strength not in STRENGTHS:
        message = "strength: subtle (тот же промпт, другое зерно) или strong (другие слова)."
        raise ApplicationError(message, errors={"strength": [message]})
    with transaction.atomic():
        brief = _locked(task)
        if brief.status == TaskStatus.CANCELLED:
            raise ConflictError(
                "Задача отменена: новые варианты к ней не добавить.",
                errors={"status": [brief.status]},
            )
        if not brief.has_variants:
            if number != 1:
                message = f"Варианта № {number} нет: у этой задачи один вариант."
                raise VariantNotFound(message, errors={"variant": [message]})
            if brief.status in ACTIVE_STATUSES:
                raise ConflictError(
                    "Дождитесь, пока изображение будет готово.", errors={"status": [brief.status]}
                )
            _become_brief(brief)
        source = _variant_of(brief, number)
        count = brief.variants.count()
        if count >= MAX_VARIANTS_PER_BRIEF:
            message = f"У задачи уже {count} вариантов: больше не добавить."
            raise ConflictError(message, errors={"variant": [message]})
        prompt = source.prompt
        if strength == STRONG:
            prompt = RuleParaphraser().paraphrase(source.prompt, [], count + 1)
        quotas.quota_charge(brief.owner)
        top = brief.variants.aggregate(top=Max("variant_number"))["top"] or 0
        variant = _variant_create(
            brief, number=top + 1, prompt=prompt, charged=1, actor=actor, varied_from=source
        )
        if brief.status == TaskStatus.FAILED:  # nothing to show yet: it runs again
            brief.status, brief.finished_at, brief.last_error = TaskStatus.RUNNING, None, ""
        brief.save()
        events.variant_varied(actor=actor, task=brief, variant=variant, strength=strength)
    return brief


def _become_brief(task: GenerationTask) -> None:
    """A finished task of one image turns into a task with variants: what it made moves,
    attempts and all, into its variant 1, which it then shows."""
    first = GenerationTask(
        owner_id=task.owner_id,
        prompt_history_id=task.prompt_history_id,
        prompt=task.prompt,
        negative_prompt=task.negative_prompt,
        provider=task.provider,
        width=task.width,
        height=task.height,
        status=task.status,
        attempts=task.attempts,
        max_attempts=task.max_attempts,
        last_error=task.last_error,
        image=task.image.name,
        thumbnail=task.thumbnail.name,
        background=task.background.name,
        origin=task.origin,
        poster_format_id=task.poster_format_id,
        poster_canvas=task.poster_canvas,
        poster_text=task.poster_text,
        poster_layout=task.poster_layout,
        brief=task,
        variant_number=1,
        seed=task.seed,
        style_hint=task.style_hint,
        score=task.score,
        images_charged=0,  # the task keeps what it was charged
        started_at=task.started_at,
        finished_at=task.finished_at,
    )
    first.save(force_insert=True)
    GenerationTask.objects.filter(pk=first.pk).update(created_at=task.created_at)
    GenerationAttempt.objects.filter(task=task).update(task=first)
    task.has_variants, task.variants_asked, task.attempts = True, 1, 0
    if first.status == TaskStatus.SUCCESS:
        task.show(first)
