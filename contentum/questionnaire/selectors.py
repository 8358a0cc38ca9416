from django.db.models import Prefetch, QuerySet

from contentum.questionnaire.models import Question, Scenario


def scenario_list() -> QuerySet[Scenario]:
    return Scenario.objects.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position"))
    )


def active_questions() -> tuple[Scenario | None, list[dict]]:
    """The scenario new chats use and snapshots of its questions in order.

    (None, []) when no scenario is active or the active one has no questions.
    """
    scenario = Scenario.objects.filter(is_active=True).first()  # at most one: a constraint
    if scenario is None:
        return None, []
    questions = list(scenario.questions.order_by("position"))
    if not questions:
        return None, []
    return scenario, [question.snapshot() for question in questions]


def active_scenario_keys() -> list[str]:
    """Question keys of the active scenario, in order: the names prompt templates may use."""
    return list(
        Question.objects.filter(scenario__is_active=True)
        .order_by("position")
        .values_list("key", flat=True)
    )
