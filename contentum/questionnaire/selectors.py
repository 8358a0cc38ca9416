from django.db.models import Prefetch, QuerySet

from contentum.questionnaire.models import Question, Scenario


def scenario_list() -> QuerySet[Scenario]:
    return Scenario.objects.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position"))
    )


def active_scenario() -> Scenario | None:
    """The scenario new chats use, with its questions loaded in order."""
    return scenario_list().filter(is_active=True).first()


def question_snapshots(scenario: Scenario) -> list[dict]:
    return [question.snapshot() for question in scenario.questions.all()]


def active_scenario_keys() -> list[str]:
    """Question keys of the active scenario, in order: the names prompt templates may use."""
    return list(
        Question.objects.filter(scenario__is_active=True)
        .order_by("position")
        .values_list("key", flat=True)
    )
