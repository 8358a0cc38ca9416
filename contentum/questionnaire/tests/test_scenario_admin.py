import pytest
from django.test import Client

from contentum.prompts.tests.factories import make_active_template
from contentum.questionnaire.models import Question, Scenario


def inline_data(scenario, *, delete_all: bool) -> dict:
    questions = list(scenario.questions.order_by("position"))
    data = {
        "name": scenario.name,
        "description": scenario.description,
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(questions):
        prefix = f"questions-{i}-"
        data.update(
            {
                f"{prefix}id": str(q.pk),
                f"{prefix}scenario": str(scenario.pk),
                f"{prefix}position": str(q.position),
                f"{prefix}key": q.key,
                f"{prefix}text": q.text,
                f"{prefix}kind": q.kind,
                f"{prefix}options": "\n".join(q.options),
                f"{prefix}min_length": str(q.min_length),
                f"{prefix}max_length": str(q.max_length),
                f"{prefix}default_value": q.default_value,
            }
        )
        if q.allow_free_answer:
            data[f"{prefix}allow_free_answer"] = "on"
        if q.optional:
            data[f"{prefix}optional"] = "on"
        if delete_all:
            data[f"{prefix}DELETE"] = "on"
    return data


@pytest.mark.django_db
def test_the_admin_cannot_delete_every_question_of_a_scenario(admin_user):
    client = Client()
    client.force_login(admin_user)
    scenario = Scenario.objects.get(is_active=True)
    before = Question.objects.filter(scenario=scenario).count()

    response = client.post(
        f"/admin/questionnaire/scenario/{scenario.pk}/change/",
        inline_data(scenario, delete_all=True),
    )

    assert response.status_code == 200
    assert "хотя бы один вопрос" in response.content.decode()
    assert Question.objects.filter(scenario=scenario).count() == before


@pytest.mark.django_db
def test_an_admin_edit_bumps_the_version_and_is_audited(admin_user):
    from contentum.audit.models import AuditLog

    client = Client()
    client.force_login(admin_user)
    scenario = Scenario.objects.get(is_active=True)
    version = scenario.version
    # The default scenario as installed: its format question has no options of its own.
    response = client.post(
        f"/admin/questionnaire/scenario/{scenario.pk}/change/",
        inline_data(scenario, delete_all=False),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario.refresh_from_db()
    assert scenario.version == version + 1
    assert AuditLog.objects.filter(action="scenario.updated", target_id=str(scenario.pk)).exists()


@pytest.mark.django_db
def test_the_admin_cannot_drop_every_key_the_active_template_uses(admin_user):
    make_active_template(name="Афиша", template="Постер к событию {event_name}.")
    client = Client()
    client.force_login(admin_user)
    scenario = Scenario.objects.get(is_active=True)
    before = Question.objects.filter(scenario=scenario).count()
    data = inline_data(scenario, delete_all=False)
    for i, question in enumerate(scenario.questions.order_by("position")):
        if question.key != "idea":
            data[f"questions-{i}-DELETE"] = "on"

    response = client.post(f"/admin/questionnaire/scenario/{scenario.pk}/change/", data)

    assert response.status_code == 200
    assert "«Афиша»" in response.content.decode()
    assert Question.objects.filter(scenario=scenario).count() == before
