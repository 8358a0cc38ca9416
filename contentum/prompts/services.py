"""Prompt rules: editing templates, storing parameter sets, assembling prompts.

The chats app calls, at a chat's completion (in its transaction, with no network):
    enriched = enrich_parameters(answers=..., local_only=True)           # the built-in draft
    parameters = prompt_parameters_create(user=..., enriched=enriched)
    history = prompt_assemble(user=..., parameters=parameters)
and, when an LLM enricher is configured, the generation worker later replaces the draft:
    enriched = enrich_parameters(answers=parameters.data, user=...)      # the network
    prompt_reassemble(history=history, enriched=enriched)                # under its lock
"""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.design import selectors as design
from contentum.design.engine import colour_names
from contentum.prompts import events, selectors, templating
from contentum.prompts.enrichment import (
    EnrichedParameters,
    enrich_parameters,
    enrichment_is_local,
)
from contentum.prompts.fitting import fit
from contentum.prompts.models import (
    MAX_PROMPT_LENGTH,
    PromptHistory,
    PromptParameters,
    PromptTemplate,
    PromptTemplateRevision,
)
from contentum.prompts.semantic import semantic_vector

__all__ = [
    "enrich_parameters",
    "enrichment_is_local",
    "prompt_assemble",
    "prompt_assemble_requested",
    "prompt_parameters_build",
    "prompt_parameters_create",
    "prompt_parameters_submit",
    "prompt_reassemble",
    "template_activate",
    "template_create",
    "template_delete",
    "template_update",
]

NAME_TAKEN = "Шаблон с таким названием уже есть."
BODY_FIELDS = ("template", "negative_template")


def _check_name(name: str, *, exclude: Any = None) -> None:
    if PromptTemplate.objects.filter(name=name).exclude(pk=exclude).exists():
        raise ApplicationError(NAME_TAKEN, errors={"name": [NAME_TAKEN]})


def _store_revision(template: PromptTemplate, *, author: Any) -> PromptTemplateRevision:
    return PromptTemplateRevision.objects.create(
        template=template,
        template_name=template.name,
        number=template.revision,
        body=template.template,
        negative_body=template.negative_template,
        author=author if getattr(author, "is_authenticated", False) else None,
    )


def template_create(
    *,
    actor: Any,
    name: str,
    template: str,
    negative_template: str = "",
    is_active: bool = False,
) -> PromptTemplate:
    """A new template and its first revision; `is_active` also switches the others off."""
    bodies = {"template": template, "negative_template": negative_template}
    templating.validate_bodies(bodies, scenario_keys=selectors.scenario_keys())
    _check_name(name)
    try:
        with transaction.atomic():
            created = PromptTemplate.objects.create(name=name, revision=1, **bodies)
            _store_revision(created, author=actor)
            events.template_created(actor=actor, template=created)
            if is_active:
                template_activate(actor=actor, prompt_template=created)
    except IntegrityError as exc:  # a concurrent create took the name
        raise ApplicationError(NAME_TAKEN, errors={"name": [NAME_TAKEN]}) from exc
    return created


def template_update(
    *, actor: Any, prompt_template: PromptTemplate, changes: dict[str, Any]
) -> PromptTemplate:
    """Edits name and bodies; a changed body is stored as the next revision.

    Renaming alone makes no revision: a revision is the text prompts were assembled from.
    `is_active: true` activates; switching the active template off is refused (409).
    """
    bodies = {f: changes[f] for f in BODY_FIELDS if f in changes}
    templating.validate_bodies(bodies, scenario_keys=selectors.scenario_keys())
    if changes.get("is_active") is False and prompt_template.is_active:
        raise ConflictError("Нельзя выключить активный шаблон: включите другой.")
    if "name" in changes:
        _check_name(changes["name"], exclude=prompt_template.pk)

    try:
        with transaction.atomic():
            current = PromptTemplate.objects.select_for_update().get(pk=prompt_template.pk)
            changed = [
                f
                for f in ("name", *BODY_FIELDS)
                if f in changes and getattr(current, f) != changes[f]
            ]
            for f in changed:
                setattr(current, f, changes[f])
            if changed:
                if any(f in BODY_FIELDS for f in changed):
                    current.revision += 1
                    _store_revision(current, author=actor)
                current.save()
                events.template_updated(actor=actor, template=current, fields=changed)
            if changes.get("is_active") and not current.is_active:
                template_activate(actor=actor, prompt_template=current)
    except IntegrityError as exc:
        raise ApplicationError(NAME_TAKEN, errors={"name": [NAME_TAKEN]}) from exc
    return current


def active_template_fits(keys: list[str]) -> None:
    """Refuses question keys from which the active template can only ever render an empty
    prompt (a 409 naming the template). Registered as a questionnaire rule: otherwise every
    chat on such a scenario would end in "Промпт получился пустым". Placeholders the keys
    do not provide are allowed, as skipped optional answers are: their sentences drop out."""
    revision = selectors.revision_current()
    if revision is None:
        return
    values = templating.placeholder_values({key: "значение" for key in keys})
    if not templating.render(revision.body, values).strip():
        raise ConflictError(
            f"Активный шаблон промпта «{revision.template_name}» не использует ни одного из "
            "этих вопросов: промпт всегда получался бы пустым. Сначала измените шаблон "
            "или включите другой.",
            errors={"questions": [f"Ключи: {', '.join(keys)}."]},
        )


def template_activate(*, actor: Any, prompt_template: PromptTemplate) -> PromptTemplate:
    """Makes this the one active template, in one transaction (the database allows no second)."""
    if prompt_template.is_active:
        return prompt_template
    templating.validate_bodies(
        {f: getattr(prompt_template, f) for f in BODY_FIELDS},
        scenario_keys=selectors.scenario_keys(),
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            others = PromptTemplate.objects.filter(is_active=True).exclude(pk=prompt_template.pk)
            others.update(is_active=False, updated_at=now)
            PromptTemplate.objects.filter(pk=prompt_template.pk).update(
                is_active=True, updated_at=now
            )
            prompt_template.is_active, prompt_template.updated_at = True, now
            events.template_activated(actor=actor, template=prompt_template)
    except IntegrityError as exc:  # another activation committed first
        raise ConflictError("Другой шаблон включают прямо сейчас. Повторите попытку.") from exc
    return prompt_template


@transaction.atomic
def template_delete(*, actor: Any, prompt_template: PromptTemplate) -> None:
    """Deletes an inactive template. Revisions that history used are kept, without it."""
    if prompt_template.is_active:
        raise ConflictError("Активный шаблон нельзя удалить: сначала включите другой.")
    events.template_deleted(actor=actor, template=prompt_template)
    prompt_template.revisions.filter(history__isnull=True).delete()
    prompt_template.delete()


def prompt_parameters_create(*, user: Any, enriched: EnrichedParameters) -> PromptParameters:
    """Stores the answers verbatim, the enrichment beside them, and their semantic vector."""
    parameters = PromptParameters(
        user=user,
        data=dict(enriched.answers),
        enriched=dict(enriched.enriched),
        enrichment=enriched.enrichment,
        semantic_vector=semantic_vector(enriched.answers),
    )
    parameters.save(force_insert=True)
    return parameters


def prompt_parameters_submit(*, user: Any, answers: dict[str, str]) -> PromptParameters:
    """Enriches (outside any transaction: it may wait on the network, at most the request's
    budget, past which the built-in enricher stands in), then stores."""
    enriched = enrich_parameters(
        answers=answers, user=user, budget_seconds=settings.ENRICH_REQUEST_BUDGET_SECONDS
    )
    return prompt_parameters_create(user=user, enriched=enriched)


def prompt_parameters_build(*, user: Any, answers: dict[str, str]) -> PromptParameters:
    """An unsaved set for assembling from inline answers (not enriched, not stored)."""
    return PromptParameters(user=user, data=dict(answers))


def prompt_assemble(
    *, user: Any, parameters: PromptParameters, template: PromptTemplate | None = None
) -> PromptHistory:
    """Fills the template (the active one by default) and stores the result in history.

    No network. The history row points at the exact revision used and keeps every
    placeholder value. The prompt fits MAX_PROMPT_LENGTH, cut between sentences or clauses.
    """
    revision = selectors.revision_current(template=template)
    if revision is None:
        raise ConflictError("Нет активного шаблона промпта: администратор должен включить шаблон.")
    history = PromptHistory(
        user=user,
        parameters=None if parameters._state.adding else parameters,
        template_revision=revision,
    )
    _fill(history, parameters.values)
    # Everything that can refuse is checked above, so no savepoint is needed here (a finished
    # chat calls this inside its own transaction).
    with transaction.atomic(savepoint=False):
        history.save(force_insert=True)
        events.prompt_assembled(user=user, history=history)
    return history


def _with_suffix(text: str, suffix: str, separator: str) -> str:
    """`text` fitted to leave room for `suffix`, which always survives."""
    if not suffix:
        return fit(text, MAX_PROMPT_LENGTH)
    head = fit(text, MAX_PROMPT_LENGTH - len(suffix) - len(separator))
    return f"{head}{separator}{suffix}" if head else fit(suffix, MAX_PROMPT_LENGTH)


def _fill(history: PromptHistory, answer_values: dict[str, str]) -> None:
    """Renders the history row's template revision with these values, onto the row. The
    active brand kit's colours (by name), style words and negative prompt go into every
    prompt: through `{brand_colors}` if the template has it, else appended."""
    revision = history.template_revision
    kit = design.active_brand_kit()
    colours = ", ".join(colour_names(design.brand_palette(kit)))
    style_words, brand_negative = design.brand_prompt_suffix(kit)
    values = {"brand_colors": colours, **templating.placeholder_values(answer_values)}
    body = templating.render(revision.body, values)
    if not body:
        raise ApplicationError(
            "Промпт получился пустым: в параметрах нет ни одного значения для шаблона."
        )
    brand = [f"{style_words[0].upper()}{style_words[1:].rstrip('.')}." if style_words else ""]
    if colours and "{brand_colors}" not in revision.body:
        brand.insert(0, f"Фирменные цвета: {colours}.")
    negative = templating.render(revision.negative_body, values, as_sentences=False)
    history.values = {key: value for key, value in values.items() if value}
    history.assembled_prompt = _with_suffix(body, " ".join(filter(None, brand)), " ")
    history.negative_prompt = _with_suffix(negative, brand_negative, ", " if negative else "")


def prompt_reassemble(*, history: PromptHistory, enriched: EnrichedParameters) -> PromptHistory:
    """Replaces a draft with the configured enricher's texts: the parameters' enrichment and
    the prompt, by the same template revision. Called by the generation worker before any
    image is made from the draft, so the row still names the prompt that was used."""
    parameters = history.parameters
    if parameters is not None:
        parameters.enriched = dict(enriched.enriched)
        parameters.enrichment = enriched.enrichment
        parameters.save(update_fields=["enriched", "enrichment"])
    _fill(history, enriched.values)
    history.save(update_fields=["values", "assembled_prompt", "negative_prompt"])
    return history


def prompt_assemble_requested(
    *,
    user: Any,
    prompt_parameters_id: Any = None,
    parameters: dict[str, str] | None = None,
    template_id: Any = None,
) -> PromptHistory:
    """What `promptactions/assemble/` (and `generate/`) do with their validated input.

    A stored set must be visible to `user` and a template must exist, else 404; nothing is
    written before both are found.
    """
    if prompt_parameters_id is not None:
        chosen = selectors.parameters_get(user=user, parameters_id=prompt_parameters_id)
    else:
        chosen = prompt_parameters_build(user=user, answers=parameters or {})
    template = selectors.template_get(template_id=template_id) if template_id else None
    return prompt_assemble(user=user, parameters=chosen, template=template)
