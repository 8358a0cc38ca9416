"""The Django admin edits users through the same rules and audit rows as the API."""

import pytest
from django.test import Client

from contentum.accounts.models import Role, User
from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditAction, AuditLog


@pytest.fixture
def admin_site(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def change(client, user, **fields):
    data = {
        "full_name": user.full_name,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
    }
    data.update(fields)
    return client.post(f"/admin/accounts/user/{user.pk}/change/", data)


@pytest.mark.django_db
def test_an_admin_cannot_demote_or_disable_themselves_in_the_admin(admin_site, admin_user):
    response = change(admin_site, admin_user, role=Role.EMPLOYEE, is_active="")
    assert response.status_code == 200  # the form comes back with errors
    assert "Нельзя снять с себя роль администратора." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_active
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_an_admin_edit_of_another_user_is_audited(admin_site, admin_user):
    user = UserFactory()
    response = change(admin_site, user, role=Role.ADMIN, is_active="")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.role == Role.ADMIN and not user.is_active
    actions = set(AuditLog.objects.filter(actor=admin_user).values_list("action", flat=True))
    assert actions == {AuditAction.USER_ROLE_CHANGED, AuditAction.USER_ACTIVATION_CHANGED}


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["1", "12345678", "password"])
def test_the_admin_refuses_weak_passwords_for_new_users(admin_site, password):
    response = admin_site.post(
        "/admin/accounts/user/add/",
        {
            "email": "new@example.com",
            "full_name": "Новый",
            "password": password,
            "role": "EMPLOYEE",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.com").exists()
