import pytest
from django.db import IntegrityError, transaction

from contentum.audit.models import AuditLog
from contentum.prompts.tests.factories import make_active_template
from contentum.questionnaire.models import Question, Scenario
from contentum.questionnaire.selectors import active_scenario_keys

NEW_SCENARIO = {
    "name": "Короткий",
    "description": "Два вопроса",
    "questions": [
        {"key": "idea", "text": "Какая идея?", "min_length": 3},
        {
            "key": "aspect_ratio",
            "text": "Формат?",
            "kind": "choice",
            "options": ["1:1", "16:9"],
            "allow_free_answer": False,
            "optional": True,
            "default_value": "1:1",
        },
    ],
}


@pytest.mark.django_db
def test_the_default_scenario_is_installed_and_active():
    assert active_scenario_keys() == [
        "idea",
        "event_name",
        "event_date",
        "venue",
        "event_genre",
        "visual_style",
        "composition_focus",
        "color_palette",
        "visual_associations",
        "variant_count",
        "platform",
        "format",
    ]
    scenario = Scenario.objects.get(is_active=True)
    assert list(scenario.questions.values_list("position", flat=True)) == list(range(1, 13))
    assert scenario.version == 3  # 0004 and 0005 changed what 0002 installed
    for key in ("event_date", "venue"):
        line = Question.objects.get(key=key, scenario=scenario)
        assert (line.kind, line.optional) == ("text", True)
    chosen = Question.objects.get(key="format", scenario=scenario)
    assert (chosen.kind, chosen.options, chosen.default_value) == ("choice", [], "")
    assert chosen.optional and not chosen.allow_free_answer


@pytest.mark.django_db
def test_the_database_allows_only_one_active_scenario():
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.create(name="Второй", is_active=True)


@pytest.mark.django_db
def test_employees_cannot_see_or_edit_scenarios(employee_client):
    assert employee_client.get("/api/scenarios/").status_code == 403
    assert employee_client.post("/api/scenarios/", NEW_SCENARIO, format="json").status_code == 403


@pytest.mark.django_db
def test_admin_creates_edits_and_activates_a_scenario(admin_client_api):
    created = admin_client_api.post("/api/scenarios/", NEW_SCENARIO, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert [q["key"] for q in body["questions"]] == ["idea", "aspect_ratio"]
    assert body["is_active"] is False
    assert body["version"] == 1

    edited = admin_client_api.patch(
        f"/api/scenarios/{body['id']}/",
        {"questions": [{"key": "idea", "text": "Опишите идею"}]},
        format="json",
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["version"] == 2
    assert [q["text"] for q in edited.json()["questions"]] == ["Опишите идею"]

    activated = admin_client_api.post(f"/api/scenarios/{body['id']}/activate/")
    assert activated.status_code == 200
    assert activated.json()["status"] == "success"
    assert active_scenario_keys() == ["idea"]
    assert Scenario.objects.filter(is_active=True).count() == 1
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"scenario.created", "scenario.updated", "scenario.activated"} <= actions


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("questions", "field"),
    [
        ([], "questions"),
        ([{"key": "a", "text": "?"}, {"key": "a", "text": "??"}], "questions.1.key"),
        ([{"key": "a", "text": "?", "kind": "choice"}], "questions.0.options"),
        (  # answers match options regardless of case: these two are one option
            [{"key": "a", "text": "?", "kind": "choice", "options": ["Афиша", "афиша"]}],
            "questions.0.options",
        ),
        ([{"key": "a", "text": "?", "min_length": 10, "max_length": 5}], "questions.0.min_length"),
        ([{"key": "bad key!", "text": "?"}], "questions.0.key"),
        ([{"key": "event-name", "text": "?"}], "questions.0.key"),
        ([{"key": "2x", "text": "?"}], "questions.0.key"),
        ([{"key": "a", "text": 5}], "questions.0.text"),
        ([{"key": "a", "text": "?", "colour": "red"}], "questions.0.colour"),
    ],
)
def test_bad_scenarios_are_refused_and_nothing_is_written(admin_client_api, questions, field):
    response = admin_client_api.post(
        "/api/scenarios/", {**NEW_SCENARIO, "questions": questions}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert Scenario.objects.count() == 1


@pytest.mark.django_db
def test_the_active_scenario_cannot_be_deleted(admin_client_api):
    active = Scenario.objects.get(is_active=True)
    response = admin_client_api.delete(f"/api/scenarios/{active.id}/")
    assert response.status_code == 409
    assert Scenario.objects.filter(pk=active.pk).exists()


@pytest.mark.django_db
def test_a_scenario_the_active_template_cannot_use_is_not_activated(admin_client_api):
    """Every chat on it would end with an empty prompt: refused, naming the template."""
    make_active_template(name="Афиша", template="Постер к событию {event_name}.")
    before = Scenario.objects.get(is_active=True)
    created = admin_client_api.post("/api/scenarios/", NEW_SCENARIO, format="json").json()

    response = admin_client_api.post(f"/api/scenarios/{created['id']}/activate/")

    assert response.status_code == 409, response.content
    assert "«Афиша»" in response.json()["message"]
    assert Scenario.objects.get(is_active=True) == before
    assert not AuditLog.objects.filter(action="scenario.activated").exists()


@pytest.mark.django_db
def test_a_scenario_the_template_partly_uses_is_activated(admin_client_api):
    """Placeholders the new questions lack drop their sentences, as skipped answers do."""
    make_active_template(name="Афиша", template="{idea}. Постер к событию {event_name}.")
    created = admin_client_api.post("/api/scenarios/", NEW_SCENARIO, format="json").json()

    response = admin_client_api.post(f"/api/scenarios/{created['id']}/activate/")

    assert response.status_code == 200, response.content
    assert active_scenario_keys() == ["idea", "aspect_ratio"]


@pytest.mark.django_db
def test_the_active_scenario_cannot_lose_every_key_the_template_uses(admin_client_api):
    make_active_template(name="Афиша", template="Постер к событию {event_name}.")
    scenario = Scenario.objects.get(is_active=True)
    version = scenario.version

    response = admin_client_api.patch(
        f"/api/scenarios/{scenario.pk}/",
        {"questions": [{"key": "idea", "text": "Опишите идею"}]},
        format="json",
    )

    assert response.status_code == 409, response.content
    scenario.refresh_from_db()
    assert scenario.version == version
    assert "event_name" in active_scenario_keys()


@pytest.mark.django_db
def test_a_format_question_needs_no_options_of_its_own(admin_client_api):
    """Its options are computed when asked (the formats for the platform answer)."""
    questions = [
        {"key": "idea", "text": "Какая идея?"},
        {"key": "format", "text": "Формат?", "kind": "choice", "allow_free_answer": False},
    ]

    response = admin_client_api.post(
        "/api/scenarios/", {**NEW_SCENARIO, "questions": questions}, format="json"
    )

    assert response.status_code == 201, response.content
    assert [q["options"] for q in response.json()["questions"]] == [[], []]
