import pytest

from contentum.audit.models import AuditLog
from contentum.prompts import services
from contentum.prompts.models import PromptTemplate
from contentum.prompts.tests.factories import PromptParametersFactory, make_template

pytestmark = pytest.mark.django_db


def test_admin_pages_open(admin_browser, employee):
    parameters = PromptParametersFactory(user=employee)
    history = services.prompt_assemble(user=employee, parameters=parameters)
    template = PromptTemplate.objects.get(is_active=True)
    for url in (
        "/admin/prompts/prompttemplate/",
        f"/admin/prompts/prompttemplate/{template.pk}/change/",
        "/admin/prompts/prompttemplate/add/",
        "/admin/prompts/promptparameters/",
        f"/admin/prompts/promptparameters/{parameters.pk}/change/",
        "/admin/prompts/prompthistory/",
        f"/admin/prompts/prompthistory/{history.pk}/change/",
    ):
        assert admin_browser.get(url).status_code == 200, url


def test_adding_a_template_in_the_admin_stores_a_revision_and_audits(admin_browser, admin_user):
    response = admin_browser.post(
        "/admin/prompts/prompttemplate/add/",
        {
            "name": "Из админки",
            "template": "{idea}",
            "negative_template": "",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = PromptTemplate.objects.get(name="Из админки")
    assert template.revisions.get().author == admin_user
    assert AuditLog.objects.filter(action="prompt_template.created").count() == 1


def test_the_admin_form_refuses_unknown_placeholders(admin_browser):
    template = make_template()
    response = admin_browser.post(
        f"/admin/prompts/prompttemplate/{template.pk}/change/",
        {
            "name": template.name,
            "template": "{idea} {secret}",
            "negative_template": "",
            "revisions-TOTAL_FORMS": "1",
            "revisions-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 200
    assert "{secret}" in response.content.decode()
    template.refresh_from_db()
    assert template.revision == 1


def test_parameters_and_history_are_read_only_in_the_admin(admin_browser, employee):
    parameters = PromptParametersFactory(user=employee)
    assert admin_browser.get("/admin/prompts/promptparameters/add/").status_code == 403
    response = admin_browser.post(
        f"/admin/prompts/promptparameters/{parameters.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert admin_browser.get("/admin/prompts/prompthistory/add/").status_code == 403
