"""Editing scenarios. Every edit bumps the version; running chats keep their own snapshot."""

from typing import Any

from django.db import transaction

from contentum.audit.services import audit_record
from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.questionnaire.checks import check_active_keys
from contentum.questionnaire.models import (
    COMPUTED_OPTIONS_KEYS,
    QUESTION_FIELDS,
    Question,
    QuestionKind,
    Scenario,
)


def _repeated_option(options: list[str]) -> str | None:
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            return option
        seen.add(option.casefold())
    return None


def check_questions(questions: list[dict[str, Any]]) -> None:
    """The rules a scenario's question list must satisfy (API and Django admin alike)."""
    errors: dict[str, list[str]] = {}
    if not questions:
        errors["questions"] = ["В сценарии должен быть хотя бы один вопрос."]
    seen: set[str] = set()
    for index, question in enumerate(questions):
        prefix = f"questions.{index}"
        key = question["key"]
        if key in seen:
            errors[f"{prefix}.key"] = [f"Ключ «{key}» уже есть в этом сценарии."]
        seen.add(key)
        options = question.get("options") or []
        repeated = _repeated_option(options)
        if repeated:
            # Answers match options regardless of case: «Афиша» and «афиша» are one.
            errors[f"{prefix}.options"] = [f"Вариант «{repeated[:40]}» повторяется."]
        computed = key in COMPUTED_OPTIONS_KEYS
        if question.get("kind") == QuestionKind.CHOICE and not options and not computed:
            errors[f"{prefix}.options"] = ["У вопроса с выбором должны быть варианты ответа."]
        if question.get("min_length", 1) > question.get("max_length", 500):
            errors[f"{prefix}.min_length"] = ["Минимальная длина больше максимальной."]
        default = question.get("default_value") or ""
        strict = question.get("kind") == QuestionKind.CHOICE and not question.get(
            "allow_free_answer", True
        )
        if default and strict and default not in options and not computed:
            errors[f"{prefix}.default_value"] = [
                "Значение по умолчанию должно быть одним из вариантов."
            ]
    if errors:
        raise ApplicationError("Сценарий заполнен с ошибками.", errors=errors)


@transaction.atomic
def scenario_save(
    *,
    actor: Any,
    scenario: Scenario | None = None,
    questions: list[dict] | None = None,
    **fields: Any,
) -> Scenario:
    """Creates or updates a scenario; `questions`, when given, replaces the whole list in order."""
    created = scenario is None
    scenario = scenario or Scenario()
    for name in ("name", "description"):
        if name in fields:
            setattr(scenario, name, fields[name])
    if Scenario.objects.filter(name=scenario.name).exclude(pk=scenario.pk).exists():
        raise ApplicationError(
            "Сценарий с таким названием уже есть.", errors={"name": ["Название занято."]}
        )
    if questions is not None:
        check_questions(questions)
        if scenario.is_active:
            check_active_keys([question["key"] for question in questions])
    if not created:
        scenario.version += 1
    scenario.save()
    if questions is not None:
        scenario.questions.all().delete()
        Question.objects.bulk_create(
            Question(
                scenario=scenario, position=position, **{f: q[f] for f in QUESTION_FIELDS if f in q}
            )
            for position, q in enumerate(questions, start=1)
        )
    audit_record(
        action="scenario.created" if created else "scenario.updated",
        actor=actor,
        target=scenario,
        details={"version": scenario.version},
    )
    return scenario


@transaction.atomic
def scenario_activate(*, actor: Any, scenario: Scenario) -> Scenario:
    """Makes this the one active scenario (the database allows no second one)."""
    keys = list(scenario.questions.order_by("position").values_list("key", flat=True))
    if not keys:
        raise ApplicationError("Нельзя включить сценарий без вопросов.")
    check_active_keys(keys)
    Scenario.objects.filter(is_active=True).exclude(pk=scenario.pk).update(is_active=False)
    Scenario.objects.filter(pk=scenario.pk).update(is_active=True)
    scenario.is_active = True
    audit_record(action="scenario.activated", actor=actor, target=scenario)
    return scenario


@transaction.atomic
def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    if scenario.is_active:
        raise ConflictError("Активный сценарий нельзя удалить: сначала включите другой.")
    audit_record(
        action="scenario.deleted", actor=actor, target=scenario, details={"name": scenario.name}
    )
    scenario.delete()
