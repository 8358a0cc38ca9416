"""`admin_ensure` leaves a trail: every change it makes to an account is an audit row."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts import events as account_events
from contentum.accounts.models import Role
from contentum.accounts.services import (
    AdminEnsureOutcome,
    AdminPromotionRefused,
    admin_ensure,
)
from contentum.accounts.tests.factories import AdminFactory, UserFactory
from contentum.audit.models import AuditAction, AuditLog

PASSWORD = "Chosen-Admin-Pass-2026"


def actions() -> set[str]:
    return set(AuditLog.objects.values_list("action", flat=True))


@pytest.mark.django_db
def test_creating_the_admin_is_audited():
    result = admin_ensure(email="boss@example.com", password=PASSWORD)
    assert result.outcome == AdminEnsureOutcome.CREATED
    assert actions() == {account_events.ADMIN_CREATED}


@pytest.mark.django_db
def test_a_refused_promotion_is_audited_and_changes_nothing():
    user = UserFactory()
    with pytest.raises(AdminPromotionRefused):
        admin_ensure(email=user.email, password=PASSWORD)
    user.refresh_from_db()
    assert user.role == Role.EMPLOYEE
    row = AuditLog.objects.get()
    assert row.action == account_events.ADMIN_PROMOTION_REFUSED
    assert row.details["reason"] == "not_requested"


@pytest.mark.django_db
def test_a_promotion_audits_the_promotion_role_password_and_revoked_tokens():
    user = UserFactory(is_active=False)
    RefreshToken.for_user(user)
    RefreshToken.for_user(user)

    result = admin_ensure(email=user.email, password=PASSWORD, promote=True)

    assert result.outcome == AdminEnsureOutcome.PROMOTED
    assert actions() == {
        account_events.ADMIN_PROMOTED,
        AuditAction.USER_ROLE_CHANGED,
        AuditAction.USER_ACTIVATION_CHANGED,
        account_events.PASSWORD_SET,
        account_events.TOKENS_REVOKED,
    }
    promoted = AuditLog.objects.get(action=account_events.ADMIN_PROMOTED)
    assert promoted.details == {"via": "ensure_admin", "old_role": "EMPLOYEE", "was_active": False}
    revoked = AuditLog.objects.get(action=account_events.TOKENS_REVOKED)
    assert revoked.details["refresh_tokens"] == 2
    assert BlacklistedToken.objects.filter(token__user=user).count() == 2


@pytest.mark.django_db
def test_promoting_a_pending_account_approves_it():
    user = UserFactory(is_active=False, approved_at=None)
    admin_ensure(email=user.email, password=PASSWORD, promote=True)
    user.refresh_from_db()
    assert user.is_active and not user.is_pending_approval


@pytest.mark.django_db
def test_an_active_admin_changes_nothing_and_writes_no_row():
    admin = AdminFactory()
    result = admin_ensure(email=admin.email, password=PASSWORD, promote=True)
    assert (result.user, result.outcome) == (admin, AdminEnsureOutcome.EXISTS)
    admin.refresh_from_db()
    assert not admin.check_password(PASSWORD)
    assert not AuditLog.objects.exists()
