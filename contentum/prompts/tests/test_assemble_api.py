import uuid

import pytest

from contentum.audit.models import AuditLog
from contentum.prompts.models import PromptHistory, PromptParameters, PromptTemplate
from contentum.prompts.tests.factories import PromptParametersFactory, make_template

URL = "/api/promptactions/assemble/"


def assert_refused(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error" and body["message"]
    if field:
        assert field in body["errors"], body
    assert not PromptHistory.objects.exists()
    assert not AuditLog.objects.filter(action="prompt.assembled").exists()


@pytest.mark.django_db
def test_assembling_a_stored_set_with_the_active_template(employee, employee_client):
    parameters = PromptParametersFactory(user=employee)
    response = employee_client.post(
        URL, {"prompt_parameters_id": str(parameters.id)}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["message"]) == ("success", "Промпт собран")
    data = body["data"]
    assert set(data) == {"assembled_prompt", "negative_prompt", "history_id"}
    prompt = data["assembled_prompt"]
    assert prompt.startswith("Кот на крыше под луной.")
    assert "Событие: спектакль «Чайка», театральная атмосфера" in prompt
    assert "Стиль: акварель, акварельная живопись" in prompt
    assert "Вертикальный кадр 9:16 для поста в Telegram." in prompt
    assert "{" not in prompt and "  " not in prompt and "\n" not in prompt
    assert "водяные знаки" in data["negative_prompt"]

    history = PromptHistory.objects.get(pk=data["history_id"])
    active = PromptTemplate.objects.get(is_active=True)
    assert history.template_revision == active.revisions.get(number=active.revision)
    assert (history.user, history.parameters) == (employee, parameters)
    assert history.assembled_prompt == prompt
    assert history.aspect_ratio == "9:16"
    row = AuditLog.objects.get(action="prompt.assembled")
    assert (row.actor, row.target_id) == (employee, str(history.id))
    assert row.details["revision"] == 1


@pytest.mark.django_db
def test_enriched_values_fill_the_template_instead_of_the_short_answers(employee, employee_client):
    parameters = PromptParametersFactory(
        user=employee, enriched={"idea": "Рыжий кот на черепичной крыше в лунном свете"}
    )
    data = employee_client.post(
        URL, {"prompt_parameters_id": str(parameters.id)}, format="json"
    ).json()["data"]
    assert data["assembled_prompt"].startswith("Рыжий кот на черепичной крыше в лунном свете.")


@pytest.mark.django_db
def test_assembling_inline_parameters_with_a_chosen_template(employee_client):
    template = make_template(template="{idea}\nСтиль: {visual_style}\nСобытие: {event_info}")
    response = employee_client.post(
        URL,
        {"parameters": {"idea": "лес", "event_name": "Чайка"}, "template_id": str(template.id)},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["assembled_prompt"] == "Лес. Событие: Чайка."
    assert response.json()["data"]["negative_prompt"] == ""
    history = PromptHistory.objects.get()
    assert history.parameters is None
    assert history.values == {"idea": "лес", "event_name": "Чайка", "event_info": "Чайка"}
    assert not PromptParameters.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer", ["{secret}", "{0.__class__}", "{idea}", "{visual_style:>10}", "{{x}}", "%(x)s"]
)
def test_braces_and_format_specs_in_answers_stay_literal(employee_client, answer):
    response = employee_client.post(
        URL, {"parameters": {"idea": answer, "visual_style": "Винтаж"}}, format="json"
    )
    prompt = response.json()["data"]["assembled_prompt"]
    assert prompt.startswith(f"{answer}.")
    assert "Стиль: винтаж" in prompt


@pytest.mark.django_db
def test_an_admin_may_assemble_anyones_set(admin_client_api, admin_user):
    parameters = PromptParametersFactory()
    response = admin_client_api.post(
        URL, {"prompt_parameters_id": str(parameters.id)}, format="json"
    )
    assert response.status_code == 200
    assert PromptHistory.objects.get().user == admin_user


@pytest.mark.django_db
def test_the_prompt_never_exceeds_a_thousand_characters(employee_client):
    idea = "Огромный праздничный город, " * 50 + "конец"
    response = employee_client.post(
        URL,
        {"parameters": {"idea": idea, "visual_style": "Акварель", "aspect_ratio": "1:1"}},
        format="json",
    )
    prompt = response.json()["data"]["assembled_prompt"]
    assert len(prompt) <= 1000
    assert prompt.endswith("город.")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"prompt_parameters_id": None, "parameters": None}, "non_field_errors"),
        ({"parameters": {"idea": "кот"}, "prompt_parameters_id": str(uuid.uuid4())}, None),
        ({"parameters": ["кот"]}, "parameters"),
        ({"parameters": "кот"}, "parameters"),
        ({"parameters": {"secret": "кот"}}, "parameters.secret"),
        ({"parameters": {"idea": 7}}, "parameters.idea"),
        ({"parameters": {"idea": ["кот"]}}, "parameters.idea"),
        ({"parameters": {"idea": {"a": "b"}}}, "parameters.idea"),
        ({"parameters": {"idea": ""}}, "parameters"),
        ({"prompt_parameters_id": 7}, "prompt_parameters_id"),
        ({"prompt_parameters_id": "not-a-uuid"}, "prompt_parameters_id"),
        ({"parameters": {"idea": "кот"}, "template_id": 5}, "template_id"),
        ({"parameters": {"idea": "кот"}, "extra": 1}, "extra"),
    ],
)
def test_bad_assemble_input_is_400_and_writes_nothing(employee_client, body, field):
    assert_refused(employee_client.post(URL, body, format="json"), 400, field)


@pytest.mark.django_db
def test_a_missing_or_someone_elses_parameter_set_is_404(employee_client):
    others = PromptParametersFactory()
    for parameters_id in (str(uuid.uuid4()), str(others.id)):
        response = employee_client.post(URL, {"prompt_parameters_id": parameters_id}, format="json")
        assert_refused(response, 404, "prompt_parameters_id")


@pytest.mark.django_db
def test_a_missing_template_is_404(employee, employee_client):
    parameters = PromptParametersFactory(user=employee)
    response = employee_client.post(
        URL,
        {"prompt_parameters_id": str(parameters.id), "template_id": str(uuid.uuid4())},
        format="json",
    )
    assert_refused(response, 404, "template_id")


@pytest.mark.django_db
def test_without_an_active_template_assembling_is_a_conflict(employee_client):
    PromptTemplate.objects.update(is_active=False)
    assert_refused(employee_client.post(URL, {"parameters": {"idea": "кот"}}, format="json"), 409)


@pytest.mark.django_db
def test_anonymous_callers_cannot_assemble(api_client):
    assert_refused(api_client.post(URL, {"parameters": {"idea": "кот"}}, format="json"), 401)
