"""The hand-off the chats app uses at a chat's completion, and assembly rules end to end."""

import pytest
from django.db import transaction

from contentum.accounts.tests.factories import AdminFactory
from contentum.common.exceptions import ApplicationError
from contentum.prompts import services
from contentum.prompts.enrichment import enrich_parameters
from contentum.prompts.models import PromptHistory, PromptTemplate
from contentum.prompts.tests.factories import ANSWERS, make_template

pytestmark = pytest.mark.django_db


def test_the_chat_completion_hand_off(employee):
    enriched = enrich_parameters(answers=ANSWERS, user=employee)
    with transaction.atomic():
        parameters = services.prompt_parameters_create(user=employee, enriched=enriched)
        history = services.prompt_assemble(user=employee, parameters=parameters)

    assert parameters.data == ANSWERS
    assert parameters.enriched == enriched.enriched
    assert parameters.enrichment == {
        "idea": {"enricher": "builtin"},
        "visual_associations": {"enricher": "builtin"},
    }
    assert parameters.aspect_ratio == "9:16"
    assert history.parameters == parameters
    assert history.assembled_prompt.startswith("Кот на крыше под луной — ")
    assert len(history.assembled_prompt) <= 1000
    assert history.values["idea"] == enriched.enriched["idea"].rstrip(".")
    assert history.values["format_hint"] == "Вертикальный кадр 9:16 для поста в Telegram"


def test_history_points_at_the_exact_revision_used(employee):
    template = make_template()
    parameters = services.prompt_parameters_build(user=employee, answers={"idea": "Кот"})
    first = services.prompt_assemble(user=employee, parameters=parameters, template=template)
    template = services.template_update(
        actor=AdminFactory(), prompt_template=template, changes={"template": "Картина: {idea}"}
    )
    second = services.prompt_assemble(user=employee, parameters=parameters, template=template)
    assert (first.template_revision.number, first.assembled_prompt) == (1, "Кот.")
    assert (second.template_revision.number, second.assembled_prompt) == (2, "Картина: кот.")
    assert first.template_revision.body == "{idea}. Стиль: {visual_style}"


def test_skipped_optional_answers_leave_no_dangling_labels(employee):
    answers = {**ANSWERS, "event_name": "", "event_genre": "-", "visual_associations": ""}
    answers |= {"color_palette": "", "platform": ""}
    parameters = services.prompt_parameters_build(user=employee, answers=answers)
    prompt = services.prompt_assemble(user=employee, parameters=parameters).assembled_prompt
    for label in ("Событие", "Цветовая гамма", "Образы и детали", "для "):
        assert label not in prompt
    assert "Вертикальный кадр 9:16." in prompt
    assert ": ." not in prompt and ", ." not in prompt and ",," not in prompt


def test_a_template_with_only_empty_placeholders_is_refused(employee):
    template = make_template(template="{event_name}")
    parameters = services.prompt_parameters_build(user=employee, answers={"idea": "Кот"})
    with pytest.raises(ApplicationError):
        services.prompt_assemble(user=employee, parameters=parameters, template=template)
    assert not PromptHistory.objects.exists()


def test_the_default_template_is_valid_for_the_default_scenario():
    from contentum.prompts.selectors import scenario_keys
    from contentum.prompts.templating import allowed_placeholders, template_errors

    template = PromptTemplate.objects.get(is_active=True)
    allowed = allowed_placeholders(scenario_keys())
    assert template_errors(template.template, allowed=allowed) == []
    assert template_errors(template.negative_template, allowed=allowed) == []
