"""`manage.py ensure_admin`: there is always an active admin to log in with, and nobody
becomes that admin just by having registered its address first.

(It is the accounts app's command; `make run` calls it at every start.)
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from contentum.accounts import events
from contentum.accounts.management.commands.ensure_admin import Command
from contentum.accounts.models import Role, User
from contentum.accounts.tests.factories import DEFAULT_PASSWORD, AdminFactory, UserFactory
from contentum.audit.models import AuditLog

PASSWORD = "Chosen-Admin-Pass-2026"


def ensure_admin(*argv: str) -> str:
    out = StringIO()
    call_command("ensure_admin", *argv, stdout=out)
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


def tokens_refreshable(refresh: str) -> bool:
    return (
        APIClient().post("/api/auth/refresh/", {"refresh": refresh}, format="json").status_code
        == 200
    )


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="BOSS@example.com", ADMIN_PASSWORD=PASSWORD, ADMIN_PROMOTE=False)
def test_an_existing_employee_with_the_admin_email_is_refused_and_left_unchanged():
    existing = UserFactory(email="boss@example.com")
    refresh = str(RefreshToken.for_user(existing))

    with pytest.raises(CommandError, match=r"boss@example\.com") as refused:
        ensure_admin()

    assert "\n" not in str(refused.value)
    assert "CONTENTUM_ADMIN_PROMOTE" in str(refused.value)
    existing.refresh_from_db()
    assert (existing.role, existing.is_active) == (Role.EMPLOYEE, True)
    assert existing.check_password(DEFAULT_PASSWORD)
    assert tokens_refreshable(refresh)
    row = AuditLog.objects.get()
    assert (row.action, row.target_id) == (events.ADMIN_PROMOTION_REFUSED, str(existing.id))


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="boss@example.com", ADMIN_PASSWORD=PASSWORD, ADMIN_PROMOTE=False)
def test_a_deactivated_admin_is_not_reactivated_without_an_explicit_promotion():
    disabled = AdminFactory(email="boss@example.com", is_active=False)

    with pytest.raises(CommandError, match="deactivated"):
        ensure_admin()

    disabled.refresh_from_db()
    assert not disabled.is_active
    assert disabled.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="boss@example.com", ADMIN_PASSWORD=PASSWORD, ADMIN_PROMOTE=False)
def test_make_run_stops_on_a_refusal_with_one_line_and_a_failing_status(capsys):
    """scripts/run.sh runs under `set -e`: a non-zero status stops it, before the server."""
    UserFactory(email="boss@example.com")

    with pytest.raises(SystemExit) as stopped:
        Command().run_from_argv(["manage.py", "ensure_admin", "--skip-checks"])

    assert stopped.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("CommandError: Account boss@example.com already exists")
    assert "\n" not in err and "Traceback" not in err


@pytest.mark.django_db
@pytest.mark.parametrize(("argv", "promote_setting"), [(["--promote-existing"], False), ([], True)])
def test_an_explicit_promotion_sets_the_configured_password_and_revokes_sessions(
    settings, argv, promote_setting
):
    settings.ADMIN_EMAIL, settings.ADMIN_PASSWORD = "BOSS@example.com", PASSWORD
    settings.ADMIN_PROMOTE = promote_setting
    existing = UserFactory(email="boss@example.com", is_active=False)
    refresh = str(RefreshToken.for_user(existing))

    output = ensure_admin(*argv)

    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.role, existing.is_active) == (Role.ADMIN, True)
    assert existing.check_password(PASSWORD)
    assert not existing.check_password(DEFAULT_PASSWORD)
    assert not tokens_refreshable(refresh)
    assert "promoted" in output and PASSWORD not in output
    # Promoted once: the next start finds an active admin and changes nothing.
    assert "exists" in ensure_admin(*argv)


@pytest.mark.django_db
@override_settings(ADMIN_EMAIL="boss@example.com", ADMIN_PASSWORD="", ADMIN_PROMOTE=True)
def test_a_promotion_is_refused_without_a_configured_password():
    existing = UserFactory(email="boss@example.com")

    with pytest.raises(CommandError, match="CONTENTUM_ADMIN_PASSWORD"):
        ensure_admin()

    existing.refresh_from_db()
    assert existing.role == Role.EMPLOYEE
    assert existing.check_password(DEFAULT_PASSWORD)
