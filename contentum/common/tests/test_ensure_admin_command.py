"""`manage.py ensure_admin`: there is always an active admin to log in with.

(It is the accounts app's command; `make run` calls it at every start.)
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from contentum.accounts.models import Role, User
from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

PASSWORD = "Chosen-Admin-Pass-2026"


def ensure_admin() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="Boss@Example.com", ADMIN_PASSWORD=PASSWORD)
def test_creates_an_active_admin_from_the_configured_email_and_password():
    output = ensure_admin()

    user = User.objects.get()
    assert user.email == "boss@example.com"
    assert (user.role, user.is_active) == (Role.ADMIN, True)
    assert user.check_password(PASSWORD)
    assert "boss@example.com" in output
    assert PASSWORD not in output


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="boss@example.com", ADMIN_PASSWORD="")
def test_without_a_password_prints_a_generated_one_once():
    first = ensure_admin()
    match = re.search(r"boss@example\.com / (\S+)", first)
    assert match, first
    generated = match.group(1)
    assert len(generated) >= 12
    assert User.objects.get().check_password(generated)

    second = ensure_admin()
    assert generated not in second
    assert User.objects.get().check_password(generated)


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="", ADMIN_PASSWORD="")
def test_without_any_configuration_creates_a_default_admin():
    ensure_admin()
    assert User.objects.get().email == "admin@contentum.local"
    assert User.objects.get().is_admin


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="boss@example.com", ADMIN_PASSWORD=PASSWORD)
def test_running_it_again_changes_nothing():
    ensure_admin()
    before = User.objects.values().get()

    output = ensure_admin()

    assert User.objects.values().get() == before
    assert "exists" in output


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="BOSS@example.com", ADMIN_PASSWORD=PASSWORD)
def test_promotes_and_reactivates_an_existing_user_with_that_email():
    existing = UserFactory(email="boss@example.com", is_active=False)

    ensure_admin()

    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.role, existing.is_active) == (Role.ADMIN, True)
    # A person's own password is not replaced behind their back.
    assert existing.check_password(DEFAULT_PASSWORD)
