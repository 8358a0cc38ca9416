import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.prompts.models import PromptParameters
from contentum.prompts.tests.factories import ANSWERS, PromptParametersFactory

URL = "/api/promptparameters/"
FIELDS = {"id", "user", "data", "enriched", "enrichment", "semantic_vector", "createdAt"}


@pytest.mark.django_db
def test_an_employee_stores_answers_verbatim_with_enrichment_beside_them(employee, employee_client):
    answers = {**ANSWERS, "idea": "кот на крыше {secret}"}
    response = employee_client.post(URL, {"data": answers}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["user"] == str(employee.id)
    assert body["data"] == answers
    assert set(body["enriched"]) == {"idea", "visual_associations"}
    assert body["enriched"]["idea"].startswith("кот на крыше {secret} — ")
    assert body["enrichment"]["idea"] == {"enricher": "builtin"}
    assert body["semantic_vector"]["кот"] > 0
    stored = PromptParameters.objects.get()
    assert stored.data == answers and stored.user == employee


@pytest.mark.django_db
def test_long_answers_are_not_enriched(employee_client):
    long_idea = (
        "Рыжий кот сидит на черепичной крыше старого дома и смотрит на полную луну, "
        "что висит над трубами"
    )
    response = employee_client.post(
        URL, {"data": {"idea": long_idea, "visual_associations": "луна"}}, format="json"
    )
    assert set(response.json()["enriched"]) == {"visual_associations"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"data": ["кот"]}, "data"),
        ({"data": "кот"}, "data"),
        ({"data": None}, "data"),
        ({"data": {"idea": "кот", "secret": "x"}}, "data.secret"),
        ({"data": {"idea": 5}}, "data.idea"),
        ({"data": {"idea": ["кот"]}}, "data.idea"),
        ({"data": {"idea": {"text": "кот"}}}, "data.idea"),
        ({"data": {"idea": None}}, "data.idea"),
        ({"data": {"idea": "я" * 2001}}, "data.idea"),
        ({"data": {"idea": "кот\u0000собака"}}, "data.idea"),
        ({"data": {}}, "data"),
        ({"data": {"idea": "  "}}, "data"),
        ({}, "data"),
        ({"data": {"idea": "кот"}, "user": "someone"}, "user"),
    ],
)
def test_bad_parameters_are_refused_and_write_nothing(employee_client, body, field):
    response = employee_client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["status"] == "error"
    assert field in response.json()["errors"], response.json()
    assert not PromptParameters.objects.exists()
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_a_json_array_body_is_refused(employee_client):
    response = employee_client.post(URL, data="[1]", content_type="application/json")
    assert response.status_code == 400
    assert not PromptParameters.objects.exists()


@pytest.mark.django_db
def test_employees_see_only_their_own_sets_and_admins_see_all(
    employee, employee_client, admin_client_api
):
    own = PromptParametersFactory(user=employee)
    other = PromptParametersFactory()
    listed = employee_client.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [str(own.id)]
    assert employee_client.get(f"{URL}{own.id}/").status_code == 200
    hidden = employee_client.get(f"{URL}{other.id}/")
    assert hidden.status_code == 404 and hidden.json()["status"] == "error"
    assert admin_client_api.get(URL).json()["count"] == 2
    assert admin_client_api.get(f"{URL}{other.id}/").status_code == 200


@pytest.mark.django_db
def test_parameters_cannot_be_edited_or_deleted(employee, employee_client):
    own = PromptParametersFactory(user=employee)
    assert employee_client.patch(f"{URL}{own.id}/", {"data": {}}, format="json").status_code == 405
    assert employee_client.delete(f"{URL}{own.id}/").status_code == 405


@pytest.mark.django_db
def test_parameters_are_filtered_searched_and_ordered(admin_client_api):
    anna = UserFactory(email="anna@example.com")
    first = PromptParametersFactory(user=anna, data={"idea": "Рыжий кот на крыше"})
    second = PromptParametersFactory(data={"idea": "Синий автомобиль"})

    def ids(**params):
        return [row["id"] for row in admin_client_api.get(URL, params).json()["results"]]

    assert ids(user=str(anna.id)) == [str(first.id)]
    assert ids(search="рыжий") == [str(first.id)]
    assert ids(search="anna@") == [str(first.id)]
    assert ids(ordering="createdAt") == [str(first.id), str(second.id)]
    assert ids(ordering="-createdAt") == [str(second.id), str(first.id)]
    assert ids(createdAt_after="2999-01-01T00:00:00Z") == []


@pytest.mark.django_db
def test_parameter_list_query_count_does_not_grow(employee, employee_client, admin_client_api):
    PromptParametersFactory(user=employee)
    with CaptureQueriesContext(connection) as one:
        employee_client.get(URL)
    with CaptureQueriesContext(connection) as one_admin:
        admin_client_api.get(URL)
    PromptParametersFactory.create_batch(20, user=employee)
    with CaptureQueriesContext(connection) as many:
        assert employee_client.get(URL).json()["count"] == 21
    with CaptureQueriesContext(connection) as many_admin:
        admin_client_api.get(URL, {"search": "кот"})
    assert len(many) == len(one) <= 3
    assert len(many_admin) == len(one_admin) <= 3
