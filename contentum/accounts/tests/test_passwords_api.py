"""Passwords: one's own change (`users/me/password/`) and an admin's reset
(`users/{id}/password/`, also in the Django admin). Both end the account's sessions."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from contentum.accounts import events as account_events
from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from contentum.audit.models import AuditLog

LOGIN, REFRESH, ME = "/api/auth/login/", "/api/auth/refresh/", "/api/users/me/"
MY_PASSWORD = "/api/users/me/password/"
NEW_PASSWORD = "Osen-Listopad-2027"


def login(email: str, password: str = DEFAULT_PASSWORD) -> dict:
    response = APIClient().post(LOGIN, {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def refreshes(refresh: str) -> bool:
    response = APIClient().post(REFRESH, {"refresh": refresh}, format="json")
    return response.status_code == 200


@pytest.mark.django_db
def test_changing_ones_password_ends_other_sessions_and_keeps_this_client_logged_in(employee):
    phone, laptop = login(employee.email), login(employee.email)

    response = bearer(laptop["access"]).post(
        MY_PASSWORD, {"oldPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    assert set(body["data"]) == {"access", "refresh"}
    employee.refresh_from_db()
    assert employee.check_password(NEW_PASSWORD)
    assert not refreshes(phone["refresh"]) and not refreshes(laptop["refresh"])
    assert bearer(body["data"]["access"]).get(ME).status_code == 200
    assert refreshes(body["data"]["refresh"])
    assert {a for a in AuditLog.objects.values_list("action", flat=True)} >= {
        account_events.PASSWORD_CHANGED,
        account_events.TOKENS_REVOKED,
    }
    revoked = AuditLog.objects.get(action=account_events.TOKENS_REVOKED)
    assert (revoked.actor, revoked.details["refresh_tokens"]) == (employee, 2)


@pytest.mark.django_db
def test_a_password_change_needs_the_current_password(employee, employee_client):
    response = employee_client.post(
        MY_PASSWORD,
        {"oldPassword": "Not-My-Password-1", "newPassword": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Неверный текущий пароль."
    assert "oldPassword" in response.json()["errors"]
    employee.refresh_from_db()
    assert employee.check_password(DEFAULT_PASSWORD)
    failed = AuditLog.objects.get(action=account_events.PASSWORD_CHANGE_FAILED)
    assert failed.details == {"reason": "bad_old_password"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"newPassword": "Short-1"}, "newPassword"),
        ({"newPassword": "Osen-List-27"[:11]}, "newPassword"),
        ({"newPassword": "123456789012"}, "newPassword"),
        (
            {"newPassword": NEW_PASSWORD, "newPasswordConfirm": NEW_PASSWORD + "!"},
            "newPasswordConfirm",
        ),
        ({"newPassword": 123456789012}, "newPassword"),
        ({"newPassword": NEW_PASSWORD, "password": "x"}, "password"),
        ({}, "newPassword"),
    ],
)
def test_a_bad_new_password_changes_nothing(employee, employee_client, body, field):
    response = employee_client.post(
        MY_PASSWORD, {"oldPassword": DEFAULT_PASSWORD, **body}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert field in response.json()["errors"]
    employee.refresh_from_db()
    assert employee.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_the_confirmation_field_is_accepted_when_it_matches(employee, employee_client):
    response = employee_client.post(
        MY_PASSWORD,
        {
            "oldPassword": DEFAULT_PASSWORD,
            "newPassword": NEW_PASSWORD,
            "newPasswordConfirm": NEW_PASSWORD,
        },
        format="json",
    )
    assert response.status_code == 200


def test_a_password_change_needs_a_token(api_client):
    response = api_client.post(MY_PASSWORD, {}, format="json")
    assert response.status_code == 401


@pytest.mark.django_db
def test_old_access_tokens_die_with_the_old_password(employee):
    old = login(employee.email)
    client = bearer(old["access"])
    assert client.get(ME).status_code == 200

    fresh = client.post(
        MY_PASSWORD, {"oldPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD}, format="json"
    ).json()["data"]

    assert client.get(ME).status_code == 401
    assert bearer(fresh["access"]).get(ME).status_code == 200


@pytest.mark.django_db
def test_an_admin_sets_a_users_password_and_ends_their_sessions(admin_client_api, admin_user):
    user = UserFactory()
    session = login(user.email)

    response = admin_client_api.post(
        f"/api/users/{user.id}/password/", {"newPassword": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["data"]["id"] == str(user.id)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not refreshes(session["refresh"])
    row = AuditLog.objects.get(action=account_events.PASSWORD_SET)
    assert (row.actor, row.target_id, row.details) == (admin_user, str(user.id), {"via": "api"})
    assert AuditLog.objects.get(action=account_events.TOKENS_REVOKED).actor == admin_user


@pytest.mark.django_db
def test_an_admin_set_password_must_pass_the_validators(admin_client_api):
    user = UserFactory()
    response = admin_client_api.post(
        f"/api/users/{user.id}/password/", {"newPassword": "Short-Pass1"}, format="json"
    )
    assert response.status_code == 400
    assert "newPassword" in response.json()["errors"]
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.django_db
def test_an_employee_cannot_set_someone_elses_password(employee_client):
    other = UserFactory()
    response = employee_client.post(
        f"/api/users/{other.id}/password/", {"newPassword": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.check_password(DEFAULT_PASSWORD)


@pytest.fixture
def admin_site(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_the_django_admin_reset_password_button_opens_a_working_form(admin_site, admin_user):
    user = UserFactory()
    session = login(user.email)
    change_page = admin_site.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'href="../password/"' in change_page
    form_url = f"/admin/accounts/user/{user.pk}/password/"
    assert admin_site.get(form_url).status_code == 200

    weak = admin_site.post(form_url, {"password1": "Short-1", "password2": "Short-1"})
    assert weak.status_code == 200  # the form comes back with errors
    response = admin_site.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not refreshes(session["refresh"])
    row = AuditLog.objects.get(action=account_events.PASSWORD_SET)
    assert (row.actor, row.details) == (admin_user, {"via": "admin"})
