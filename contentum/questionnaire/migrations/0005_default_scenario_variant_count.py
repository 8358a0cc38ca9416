"""The default scenario asks how many poster variants to prepare, before the platform.

Its options (1 … GENERATION_VARIANTS_MAX) and its default (GENERATION_VARIANTS_DEFAULT)
are computed when asked, so none are stored. Only the scenario installed by 0002 is
changed, and only if it has no `variant_count` yet; the version is bumped both ways.
"""

from django.db import migrations
from django.db.models import F

SCENARIO_NAME = "Маркетинговое изображение"
BEFORE_KEY = "platform"
QUESTION = {
    "key": "variant_count",
    "text": "Сколько вариантов постера подготовить? Из них можно будет выбрать лучший.",
    "kind": "choice",
    "options": [],
    "allow_free_answer": False,
    "optional": True,
    "min_length": 1,
    "max_length": 2,
    "default_value": "",
}


def _shift(questions, *, after: int, by: int) -> None:
    """Moves the questions past position `after` by `by`, one at a time in an order that
    never puts two on one position (the pair is unique)."""
    moving = questions.filter(position__gt=after).order_by("-position" if by > 0 else "position")
    for question in moving:
        question.position += by
        question.save(update_fields=["position"])


def forward(apps, schema_editor):
    Scenario = apps.get_model("questionnaire", "Scenario")
    Question = apps.get_model("questionnaire", "Question")
    scenario = Scenario.objects.filter(name=SCENARIO_NAME).first()
    if scenario is None:
        return
    questions = Question.objects.filter(scenario=scenario)
    anchor = questions.filter(key=BEFORE_KEY).first()
    if anchor is None or questions.filter(key=QUESTION["key"]).exists():
        return
    position = anchor.position
    _shift(questions, after=position - 1, by=1)
    Question.objects.create(scenario=scenario, position=position, **QUESTION)
    Scenario.objects.filter(pk=scenario.pk).update(version=F("version") + 1)


def backward(apps, schema_editor):
    Scenario = apps.get_model("questionnaire", "Scenario")
    Question = apps.get_model("questionnaire", "Question")
    scenario = Scenario.objects.filter(name=SCENARIO_NAME).first()
    if scenario is None:
        return
    questions = Question.objects.filter(scenario=scenario)
    question = questions.filter(key=QUESTION["key"]).first()
    if question is None:
        return
    position = question.position
    question.delete()
    _shift(questions, after=position, by=-1)
    Scenario.objects.filter(pk=scenario.pk).update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0004_default_scenario_formats")]
    operations = [migrations.RunPython(forward, backward)]
