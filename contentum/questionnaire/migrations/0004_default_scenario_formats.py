"""The default scenario asks for the event's date and venue (poster lines) and for a format
(options computed from the platform answer) instead of an aspect ratio.

Only the scenario installed by 0002 is changed, and only what it still has as installed:
an admin's own edits (a removed `event_name`, an existing `venue`…) are left alone. Every
change bumps the version, both ways: chats tell scenario versions apart by it.
"""

from django.db import migrations
from django.db.models import F

SCENARIO_NAME = "Маркетинговое изображение"
DESCRIPTION = "Сценарий по умолчанию: идея, событие, дата и место, стиль, композиция, палитра, формат."
OLD_DESCRIPTION = "Сценарий по умолчанию: идея, событие, стиль, композиция, палитра, формат."

AFTER_KEY = "event_name"
NEW_QUESTIONS = [
    {
        "key": "event_date",
        "text": "Когда событие? Дата и время, например «12 декабря, 19:00» (или пропустите).",
        "optional": True,
        "max_length": 100,
    },
    {
        "key": "venue",
        "text": "Где оно пройдёт? Площадка или адрес (или пропустите).",
        "optional": True,
        "max_length": 150,
    },
]

# Options are computed when asked (the formats for the platform answer): none stored.
FORMAT_QUESTION = {
    "key": "format",
    "text": "Выберите формат публикации.",
    "kind": "choice",
    "options": [],
    "allow_free_answer": False,
    "optional": True,
    "min_length": 1,
    "max_length": 100,
    "default_value": "",
}
# The question it replaces, as 0002 installed it.
ASPECT_RATIO_QUESTION = {
    "key": "aspect_ratio",
    "text": "Выберите формат кадра (соотношение сторон).",
    "kind": "choice",
    "options": ["1:1", "9:16", "16:9", "4:5", "2:3"],
    "allow_free_answer": False,
    "optional": True,
    "min_length": 1,
    "max_length": 10,
    "default_value": "1:1",
}


def _shift(questions, *, after: int, by: int) -> None:
    """Moves the questions past position `after` by `by`, one by one in an order that never
    puts two on one position (the pair is unique, checked row by row)."""
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
    keys = set(questions.values_list("key", flat=True))
    changed = False
    anchor = questions.filter(key=AFTER_KEY).first()
    if anchor is not None and not keys & {q["key"] for q in NEW_QUESTIONS}:
        _shift(questions, after=anchor.position, by=len(NEW_QUESTIONS))
        for offset, fields in enumerate(NEW_QUESTIONS, start=1):
            Question.objects.create(scenario=scenario, position=anchor.position + offset, **fields)
        changed = True
    if "aspect_ratio" in keys and "format" not in keys:
        questions.filter(key="aspect_ratio").update(**FORMAT_QUESTION)
        changed = True
    if changed:
        Scenario.objects.filter(pk=scenario.pk, description=OLD_DESCRIPTION).update(
            description=DESCRIPTION
        )
        Scenario.objects.filter(pk=scenario.pk).update(version=F("version") + 1)


def backward(apps, schema_editor):
    Scenario = apps.get_model("questionnaire", "Scenario")
    Question = apps.get_model("questionnaire", "Question")
    scenario = Scenario.objects.filter(name=SCENARIO_NAME).first()
    if scenario is None:
        return
    questions = Question.objects.filter(scenario=scenario)
    keys = set(questions.values_list("key", flat=True))
    changed = False
    for fields in reversed(NEW_QUESTIONS):
        question = questions.filter(key=fields["key"]).first()
        if question is not None:
            position = question.position
            question.delete()
            _shift(questions, after=position, by=-1)
            changed = True
    if "format" in keys and "aspect_ratio" not in keys:
        questions.filter(key="format").update(**ASPECT_RATIO_QUESTION)
        changed = True
    if changed:
        Scenario.objects.filter(pk=scenario.pk, description=DESCRIPTION).update(
            description=OLD_DESCRIPTION
        )
        Scenario.objects.filter(pk=scenario.pk).update(version=F("version") + 1)


class Migration(migrations.Migration):
    dependencies = [("questionnaire", "0003_question_key_identifier")]
    operations = [migrations.RunPython(forward, backward)]
