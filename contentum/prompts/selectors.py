"""Reading templates, parameter sets and history; who may see what is decided here."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from rest_framework import status

from contentum.common.exceptions import ApplicationError
from contentum.prompts.models import (
    PromptHistory,
    PromptParameters,
    PromptTemplate,
    PromptTemplateRevision,
)
from contentum.questionnaire.selectors import active_scenario_keys

TEMPLATE_NOT_FOUND = "Шаблон промпта не найден."
PARAMETERS_NOT_FOUND = "Набор параметров не найден."


def scenario_keys() -> list[str]:
    """The question keys answers and templates may use: the active scenario's."""
    return active_scenario_keys()


def template_list() -> QuerySet[PromptTemplate]:
    return PromptTemplate.objects.all()


def revision_current(*, template: PromptTemplate | None = None) -> PromptTemplateRevision | None:
    """The newest revision of `template`, or of the active template: what assembly fills."""
    revisions = PromptTemplateRevision.objects.all()
    if template is None:  # at most one is active: a constraint
        revisions = revisions.filter(template__is_active=True, number=F("template__revision"))
    else:
        revisions = revisions.filter(template=template, number=template.revision)
    return revisions.first()


def _not_found(message: str, field: str) -> ApplicationError:
    return ApplicationError(
        message, errors={field: [message]}, status_code=status.HTTP_404_NOT_FOUND
    )


def template_get(*, template_id: Any) -> PromptTemplate:
    try:
        return PromptTemplate.objects.get(pk=template_id)
    except (PromptTemplate.DoesNotExist, ValidationError, ValueError) as exc:
        raise _not_found(TEMPLATE_NOT_FOUND, "template_id") from exc


def parameters_list(*, user: Any) -> QuerySet[PromptParameters]:
    """Admins see every set; anyone else only their own (others' are "not found")."""
    parameters = PromptParameters.objects.all()
    return parameters if user.is_admin else parameters.filter(user=user)


def parameters_get(*, user: Any, parameters_id: Any) -> PromptParameters:
    try:
        return parameters_list(user=user).get(pk=parameters_id)
    except (PromptParameters.DoesNotExist, ValidationError, ValueError) as exc:
        raise _not_found(PARAMETERS_NOT_FOUND, "prompt_parameters_id") from exc


def history_list(*, user: Any) -> QuerySet[PromptHistory]:
    history = PromptHistory.objects.select_related("template_revision")
    return history if user.is_admin else history.filter(user=user)
