"""The audit log in the Django admin: admins read it; nobody adds, changes or deletes."""

import pytest
from django.test import Client

from contentum.audit.models import AuditLog
from contentum.audit.tests.factories import AuditLogFactory

CHANGELIST = "/admin/audit/auditlog/"


@pytest.mark.django_db
def test_admin_opens_the_changelist_with_filters_and_search(admin_browser):
    row = AuditLogFactory(actor_email="someone@example.com")
    response = admin_browser.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [row]
    html = response.content.decode()
    assert "someone@example.com" in html
    assert 'name="q"' in html
    assert "?action=auth.login_succeeded" in html  # the filter by action


@pytest.mark.django_db
def test_admin_searches_the_log(admin_browser):
    AuditLogFactory(actor_email="alpha@example.com")
    beta = AuditLogFactory(actor_email="beta@example.com")
    response = admin_browser.get(CHANGELIST, {"q": "beta@"})
    assert list(response.context["cl"].result_list) == [beta]


@pytest.mark.django_db
def test_admin_can_view_a_row_read_only(admin_browser):
    row = AuditLogFactory()
    response = admin_browser.get(f"{CHANGELIST}{row.pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="_save"' not in response.content


@pytest.mark.django_db
def test_admin_cannot_add_a_row(admin_browser):
    assert admin_browser.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_browser.post(f"{CHANGELIST}add/", {"action": "forged"}).status_code == 403
    assert not AuditLog.objects.exists()
    assert f"{CHANGELIST}add/".encode() not in admin_browser.get(CHANGELIST).content


@pytest.mark.django_db
def test_admin_cannot_change_a_row(admin_browser):
    row = AuditLogFactory(action="auth.login_succeeded")
    response = admin_browser.post(f"{CHANGELIST}{row.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.action == "auth.login_succeeded"


@pytest.mark.django_db
def test_admin_cannot_delete_a_row(admin_browser):
    row = AuditLogFactory()
    assert admin_browser.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_browser.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert AuditLog.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_an_employee_cannot_open_the_log(employee):
    client = Client()
    client.force_login(employee)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
