import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from contentum.audit.models import AuditLog
from contentum.prompts.models import PromptTemplate, PromptTemplateRevision
from contentum.prompts.tests.factories import make_template

URL = "/api/prompttemplates/"
FIELDS = {
    "id",
    "name",
    "template",
    "negative_template",
    "is_active",
    "revision",
    "createdAt",
    "updatedAt",
}
NEW = {"name": "Афиша", "template": "{idea}\nСтиль: {visual_style}, {style_hint}"}


def default_template() -> PromptTemplate:
    return PromptTemplate.objects.get(is_active=True)


def assert_refused(response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["message"]
    if field:
        assert field in body["errors"], body


@pytest.mark.django_db
def test_the_default_template_is_installed_active_with_its_first_revision():
    template = default_template()
    assert template.revision == 1
    revision = template.revisions.get()
    assert (revision.number, revision.body) == (1, template.template)
    assert "{event_info}" in template.template
    assert template.negative_template


@pytest.mark.django_db
def test_the_database_allows_only_one_active_template():
    with pytest.raises(IntegrityError), transaction.atomic():
        PromptTemplate.objects.create(name="Второй", template="{idea}", is_active=True)


@pytest.mark.django_db
def test_employees_read_templates(employee_client):
    listed = employee_client.get(URL)
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert set(row) == FIELDS
    assert employee_client.get(f"{URL}{row['id']}/").json()["name"] == row["name"]


@pytest.mark.django_db
def test_anonymous_callers_are_refused(api_client):
    assert_refused(api_client.get(URL), 401)


@pytest.mark.django_db
def test_employees_cannot_create_edit_delete_or_activate(employee_client):
    template = make_template()
    detail = f"{URL}{template.id}/"
    assert_refused(employee_client.post(URL, NEW, format="json"), 403)
    assert_refused(employee_client.patch(detail, {"name": "Новое"}, format="json"), 403)
    assert_refused(employee_client.put(detail, NEW, format="json"), 403)
    assert_refused(employee_client.delete(detail), 403)
    assert_refused(employee_client.post(f"{detail}activate/"), 403)
    template.refresh_from_db()
    assert (template.name, template.is_active) == ("Короткий", False)
    assert PromptTemplate.objects.count() == 2


@pytest.mark.django_db
def test_admin_creates_a_template_with_its_first_revision_and_an_audit_row(
    admin_client_api, admin_user
):
    response = admin_client_api.post(URL, NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert (body["is_active"], body["revision"], body["negative_template"]) == (False, 1, "")
    revision = PromptTemplateRevision.objects.get(template_id=body["id"])
    assert (revision.number, revision.body, revision.author) == (1, NEW["template"], admin_user)
    row = AuditLog.objects.get(action="prompt_template.created")
    assert (row.actor, row.target_id) == (admin_user, body["id"])


@pytest.mark.django_db
def test_every_body_edit_stores_a_new_revision(admin_client_api):
    template = make_template()
    detail = f"{URL}{template.id}/"
    edited = admin_client_api.patch(detail, {"template": "{idea}!"}, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["revision"] == 2
    negative = admin_client_api.patch(detail, {"negative_template": "шум"}, format="json")
    assert negative.json()["revision"] == 3
    renamed = admin_client_api.put(
        detail, {"name": "Другое имя", "template": "{idea}!"}, format="json"
    )
    assert renamed.json()["revision"] == 3  # a rename is not a new text
    assert renamed.json()["name"] == "Другое имя"
    assert list(template.revisions.values_list("number", "body", "negative_body")) == [
        (3, "{idea}!", "шум"),
        (2, "{idea}!", ""),
        (1, "{idea}. Стиль: {visual_style}", ""),
    ]
    assert AuditLog.objects.filter(action="prompt_template.updated").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"template": "{idea} {secret}"}, "template", "{secret}"),
        ({"template": "{idea"}, "template", "Незакрытая"),
        ({"template": "idea}"}, "template", "Лишняя"),
        ({"template": "{0.__class__}"}, "template", "Недопустимая"),
        ({"negative_template": "{nope}"}, "negative_template", "{nope}"),
        ({"template": "я" * 10_001}, "template", "10000"),
        ({"negative_template": "я" * 10_001}, "negative_template", "10000"),
        ({"template": "   "}, "template", "пуст"),
        ({"template": 5}, "template", "строка"),
        ({"is_active": "yes"}, "is_active", ""),
        ({"colour": "red"}, "colour", "Неизвестное"),
    ],
)
def test_bad_template_input_is_refused_and_writes_nothing(admin_client_api, body, field, fragment):
    before = AuditLog.objects.count(), PromptTemplateRevision.objects.count()
    created = admin_client_api.post(URL, {**NEW, **body}, format="json")
    assert_refused(created, 400, field)
    assert fragment in " ".join(created.json()["errors"][field])
    template = default_template()
    edited = admin_client_api.patch(f"{URL}{template.id}/", body, format="json")
    assert_refused(edited, 400, field)
    assert PromptTemplate.objects.count() == 1
    template.refresh_from_db()
    assert template.revision == 1
    assert (AuditLog.objects.count(), PromptTemplateRevision.objects.count()) == before


@pytest.mark.django_db
def test_a_template_body_of_exactly_ten_thousand_characters_is_accepted(admin_client_api):
    body = "{idea} " + "я" * (10_000 - 7)
    response = admin_client_api.post(URL, {**NEW, "template": body}, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_a_taken_name_is_refused(admin_client_api):
    make_template(name="Афиша")
    assert_refused(admin_client_api.post(URL, NEW, format="json"), 400, "name")


@pytest.mark.django_db
def test_activating_switches_the_other_off_with_an_audit_row(admin_client_api, admin_user):
    old = default_template()
    new = make_template()
    response = admin_client_api.post(f"{URL}{new.id}/activate/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["message"]) == ("success", "Шаблон включён")
    assert body["data"]["id"] == str(new.id) and body["data"]["is_active"] is True
    assert list(PromptTemplate.objects.filter(is_active=True)) == [new]
    old.refresh_from_db()
    assert old.is_active is False
    row = AuditLog.objects.get(action="prompt_template.activated")
    assert (row.actor, row.target_id) == (admin_user, str(new.id))


@pytest.mark.django_db
def test_creating_an_active_template_switches_the_old_one_off(admin_client_api):
    response = admin_client_api.post(URL, {**NEW, "is_active": True}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True
    assert PromptTemplate.objects.filter(is_active=True).get().name == "Афиша"


@pytest.mark.django_db
def test_the_active_template_cannot_be_switched_off_or_deleted(admin_client_api):
    template = default_template()
    detail = f"{URL}{template.id}/"
    assert_refused(admin_client_api.patch(detail, {"is_active": False}, format="json"), 409)
    assert_refused(admin_client_api.delete(detail), 409)
    template.refresh_from_db()
    assert template.is_active


@pytest.mark.django_db
def test_deleting_keeps_the_revisions_history_used(admin_client_api, employee):
    from contentum.prompts.services import prompt_assemble, prompt_parameters_build

    template = make_template()
    parameters = prompt_parameters_build(user=employee, answers={"idea": "Кот"})
    history = prompt_assemble(user=employee, parameters=parameters, template=template)
    make_template(name="Неиспользованный")

    assert admin_client_api.delete(f"{URL}{template.id}/").status_code == 204
    assert not PromptTemplate.objects.filter(pk=template.pk).exists()
    history.template_revision.refresh_from_db()
    assert history.template_revision.template is None
    assert history.template_revision.body == "{idea}. Стиль: {visual_style}"
    unused = PromptTemplate.objects.get(name="Неиспользованный")
    assert admin_client_api.delete(f"{URL}{unused.id}/").status_code == 204
    assert PromptTemplateRevision.objects.filter(template_name="Неиспользованный").count() == 0
    assert AuditLog.objects.filter(action="prompt_template.deleted").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["nope", "00000000-0000-0000-0000-000000000000"])
def test_unknown_template_ids_are_404(admin_client_api, bad_id):
    assert_refused(admin_client_api.get(f"{URL}{bad_id}/"), 404)
    assert_refused(admin_client_api.post(f"{URL}{bad_id}/activate/"), 404)


@pytest.mark.django_db
def test_templates_are_filtered_searched_and_ordered(employee_client):
    make_template(name="Бета", template="{idea} на закате")
    make_template(name="Альфа", template="{idea} в тумане")

    def names(**params):
        return [row["name"] for row in employee_client.get(URL, params).json()["results"]]

    assert names(is_active="true") == ["Маркетинговое изображение (Kandinsky)"]
    assert names(search="тумане") == ["Альфа"]
    assert names(name="бет") == ["Бета"]
    assert names(ordering="name")[:2] == ["Альфа", "Бета"]
    assert names(ordering="-createdAt")[0] == "Альфа"
    assert len(names(createdAt_after="2000-01-01T00:00:00Z")) == 3


@pytest.mark.django_db
def test_template_list_query_count_does_not_grow(employee_client):
    with CaptureQueriesContext(connection) as one:
        employee_client.get(URL)
    for index in range(25):
        make_template(name=f"Шаблон {index}")
    with CaptureQueriesContext(connection) as many:
        response = employee_client.get(URL, {"page_size": 50})
    assert response.json()["count"] == 26
    assert len(many) == len(one) <= 3


@pytest.mark.django_db
def test_patching_is_active_true_activates(admin_client_api):
    template = make_template()
    response = admin_client_api.patch(f"{URL}{template.id}/", {"is_active": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is True
    assert PromptTemplate.objects.filter(is_active=True).get() == template
    assert AuditLog.objects.filter(action="prompt_template.activated").count() == 1


@pytest.mark.django_db
def test_activating_a_template_whose_placeholders_left_the_scenario_is_refused(admin_client_api):
    template = make_template(template="{idea} {platform}")
    from contentum.questionnaire.models import Question

    Question.objects.filter(key="platform").delete()
    response = admin_client_api.post(f"{URL}{template.id}/activate/")
    assert_refused(response, 400, "template")
    template.refresh_from_db()
    assert not template.is_active
