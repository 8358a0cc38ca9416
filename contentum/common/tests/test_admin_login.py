"""The Django admin's login: the API login's limits, and every attempt in the audit log."""

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from contentum.audit.models import AuditAction, AuditLog

ADMIN_LOGIN = "/admin/login/?next=/admin/"


def admin_login(email: str, password: str = DEFAULT_PASSWORD, address: str = "127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(ADMIN_LOGIN, {"username": email, "password": password})
    return client, response


def refused_for_limits(response) -> bool:
    return response.status_code == 200 and "Слишком много" in response.content.decode()


@pytest.mark.django_db
def test_an_admin_still_logs_in_through_the_login_page(admin_user):
    assert Client().get("/admin/login/").status_code == 200
    client, response = admin_login(admin_user.email)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@override_settings(THROTTLE_RATES={"auth_ip": "3/min", "auth_email": "100/min"})
def test_admin_login_shares_the_api_logins_per_address_limit(admin_user):
    api = APIClient()
    for i in range(2):
        api.post("/api/auth/login/", {"email": f"x{i}@example.com", "password": "x"}, format="json")
    assert admin_login("nobody@example.com", "wrong")[1].status_code == 200  # the third

    client, response = admin_login(admin_user.email)  # the right password, over the limit

    assert refused_for_limits(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(LOGIN_FAILURES_FREE=2, LOGIN_FAILURE_DELAY_SECONDS=60)
def test_admin_login_failures_are_delayed_per_email_and_address(admin_user):
    for _ in range(2):
        admin_login(admin_user.email, "wrong", address="10.0.0.1")

    _, delayed = admin_login(admin_user.email, address="10.0.0.1")
    _, elsewhere = admin_login(admin_user.email, address="10.0.0.2")

    assert refused_for_limits(delayed)
    assert "1 мин" in delayed.content.decode()
    assert elsewhere.status_code == 302  # the owner from another address is not locked out


@pytest.mark.django_db
def test_admin_logins_are_audited_with_the_email_and_address_but_never_the_password(
    admin_user,
):
    admin_login(admin_user.email.upper(), "wrong-secret-1", address="10.0.0.7")
    admin_login(admin_user.email, address="10.0.0.7")

    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.actor_email == admin_user.email
    assert failed.ip_address == "10.0.0.7"
    assert failed.details == {"site": "admin", "reason": "invalid_login"}
    succeeded = AuditLog.objects.get(action=AuditAction.LOGIN_SUCCEEDED)
    assert succeeded.actor == admin_user
    assert succeeded.ip_address == "10.0.0.7"
    assert succeeded.details == {"site": "admin"}
    stored = [str(row.details) for row in AuditLog.objects.all()]
    assert not any("wrong-secret-1" in text or DEFAULT_PASSWORD in text for text in stored)


@pytest.mark.django_db
def test_an_employee_at_the_admin_door_is_refused_and_audited():
    employee = UserFactory()

    client, response = admin_login(employee.email)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_email == employee.email
    assert failed.details["site"] == "admin"
