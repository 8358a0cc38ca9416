import pytest

from contentum.accounts.models import Role
from contentum.accounts.services import admin_ensure
from contentum.accounts.tests.factories import AdminFactory, UserFactory
from contentum.audit.models import AuditAction, AuditLog


@pytest.mark.django_db
def test_promoting_an_employee_audits_the_role_change_only():
    user = UserFactory()
    admin_ensure(email=user.email, password="ignored")
    user.refresh_from_db()
    assert user.role == Role.ADMIN
    assert list(AuditLog.objects.values_list("action", flat=True)) == [
        AuditAction.USER_ROLE_CHANGED
    ]


@pytest.mark.django_db
def test_reactivating_an_admin_audits_the_activation_only():
    admin = AdminFactory(is_active=False)
    admin_ensure(email=admin.email, password="ignored")
    row = AuditLog.objects.get()
    assert row.action == AuditAction.USER_ACTIVATION_CHANGED
    assert row.details == {"is_active": True}


@pytest.mark.django_db
def test_an_active_admin_changes_nothing():
    admin = AdminFactory()
    assert admin_ensure(email=admin.email, password="ignored") == (admin, False)
    assert not AuditLog.objects.exists()
