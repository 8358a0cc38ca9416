"""REGISTRATION_MODE: `open` lets anyone in, `approval` makes them wait for an admin,
`closed` leaves account creation to admins."""

import pytest
from django.test import Client

from conftest import client_for
from contentum.accounts import events as account_events
from contentum.accounts.models import Role, User
from contentum.accounts.services import BAD_CREDENTIALS, PENDING_APPROVAL
from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from contentum.audit.models import AuditAction, AuditLog

REGISTER, LOGIN = "/api/users/", "/api/auth/login/"
PASSWORD = "Vesna-Kraski-2026"


def register(client, email: str = "ivan@example.com", **overrides):
    body = {
        "email": email,
        "fullName": "Иван Петров",
        "password": PASSWORD,
        "passwordConfirm": PASSWORD,
        **overrides,
    }
    return client.post(REGISTER, body, format="json")


def login(client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password}, format="json")


@pytest.fixture
def approval_mode(settings):
    settings.REGISTRATION_MODE = "approval"


@pytest.fixture
def closed_mode(settings):
    settings.REGISTRATION_MODE = "closed"


@pytest.mark.django_db
def test_in_approval_mode_a_new_account_is_created_inactive_and_pending(api_client, approval_mode):
    response = register(api_client)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "success"
    assert "подтверждения администратором" in body["message"]
    assert (body["data"]["isActive"], body["data"]["approvedAt"]) == (False, None)
    user = User.objects.get()
    assert not user.is_active and user.is_pending_approval
    assert AuditLog.objects.filter(action=AuditAction.USER_REGISTERED, actor=user).exists()


@pytest.mark.django_db
def test_a_pending_account_is_told_at_login_that_it_awaits_approval(api_client, approval_mode):
    register(api_client)

    response = login(api_client, "ivan@example.com")

    assert response.status_code == 403
    assert response.json() == {"status": "error", "message": PENDING_APPROVAL, "errors": {}}
    failure = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failure.details == {"reason": "pending_approval"}


@pytest.mark.django_db
def test_only_the_right_password_learns_that_an_account_is_pending(api_client, approval_mode):
    register(api_client)
    response = login(api_client, "ivan@example.com", "Wrong-Password-2026")
    assert response.status_code == 401
    assert response.json()["message"] == BAD_CREDENTIALS


@pytest.mark.django_db
def test_an_account_deactivated_by_an_admin_is_not_called_pending(api_client):
    user = UserFactory(is_active=False)
    response = login(api_client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 401
    assert response.json()["message"] == BAD_CREDENTIALS


@pytest.mark.django_db
def test_admins_see_the_queue_of_pending_accounts(admin_client_api):
    waiting = UserFactory(is_active=False, approved_at=None)
    UserFactory(is_active=False)  # deactivated, not waiting

    pending = admin_client_api.get("/api/users/", {"approval": "pending"}).json()
    approved = admin_client_api.get("/api/users/", {"approval": "approved"}).json()

    assert [u["id"] for u in pending["results"]] == [str(waiting.id)]
    assert str(waiting.id) not in {u["id"] for u in approved["results"]}
    assert approved["count"] == 2  # the admin and the deactivated account


@pytest.mark.django_db
def test_an_admin_approves_a_pending_account_and_it_can_log_in(
    api_client, admin_client_api, admin_user, approval_mode
):
    user_id = register(api_client).json()["data"]["id"]

    response = admin_client_api.post(f"/api/users/{user_id}/approve/")

    assert response.status_code == 200, response.content
    assert response.json()["message"] == "Учётная запись подтверждена"
    assert response.json()["data"]["isActive"] is True
    assert response.json()["data"]["approvedAt"] is not None
    row = AuditLog.objects.get(action=account_events.USER_APPROVED)
    assert (row.actor, row.target_id) == (admin_user, user_id)
    assert login(api_client, "ivan@example.com").status_code == 200


@pytest.mark.django_db
def test_approving_an_approved_account_is_a_conflict(admin_client_api):
    user = UserFactory()
    response = admin_client_api.post(f"/api/users/{user.id}/approve/")
    assert response.status_code == 409
    assert response.json()["message"] == "Учётная запись уже подтверждена."
    assert not AuditLog.objects.filter(action=account_events.USER_APPROVED).exists()


@pytest.mark.django_db
def test_an_employee_cannot_approve_anyone(employee_client):
    waiting = UserFactory(is_active=False, approved_at=None)
    response = employee_client.post(f"/api/users/{waiting.id}/approve/")
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.is_pending_approval


@pytest.mark.django_db
def test_activating_a_pending_account_by_patch_approves_it(admin_client_api):
    waiting = UserFactory(is_active=False, approved_at=None)
    response = admin_client_api.patch(
        f"/api/users/{waiting.id}/", {"isActive": True}, format="json"
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.is_active and not waiting.is_pending_approval
    assert AuditLog.objects.filter(action=account_events.USER_APPROVED).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"email": "ivan@example.com"}, {}])
def test_in_closed_mode_registration_is_refused_with_403_whatever_the_body(
    api_client, closed_mode, body
):
    response = api_client.post(REGISTER, body, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "status": "error",
        "message": "Регистрация закрыта: учётные записи создаёт администратор.",
        "errors": {},
    }
    assert not User.objects.exists()


@pytest.mark.django_db
def test_in_closed_mode_an_employee_cannot_create_accounts_either(employee_client, closed_mode):
    assert register(employee_client).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["open", "approval", "closed"])
def test_an_admin_creates_an_active_account_of_any_role_in_every_mode(
    settings, admin_client_api, admin_user, mode
):
    settings.REGISTRATION_MODE = mode
    response = admin_client_api.post(
        REGISTER,
        {"email": "New@Example.com", "fullName": "Новая", "password": PASSWORD, "role": "ADMIN"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["message"] == "Пользователь создан"
    user = User.objects.get(email="new@example.com")
    assert (user.role, user.is_active, user.is_pending_approval) == (Role.ADMIN, True, False)
    row = AuditLog.objects.get(action=account_events.USER_CREATED_BY_ADMIN)
    assert (row.actor, row.target_id, row.details) == (admin_user, str(user.id), {"role": "ADMIN"})


@pytest.mark.django_db
def test_an_admin_created_account_still_needs_a_strong_password(admin_client_api, closed_mode):
    response = register(admin_client_api, password="short", passwordConfirm="short")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert User.objects.count() == 1  # the admin


@pytest.fixture
def admin_site(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
def test_the_django_admin_filters_pending_accounts(admin_site):
    waiting = UserFactory(email="waiting@example.com", is_active=False, approved_at=None)
    UserFactory(email="approved@example.com")

    page = admin_site.get("/admin/accounts/user/", {"approval": "pending"}).content.decode()

    assert waiting.email in page
    assert "approved@example.com" not in page


@pytest.mark.django_db
def test_the_django_admin_approve_action_approves_pending_accounts_with_audit(
    admin_site, admin_user
):
    waiting = UserFactory(is_active=False, approved_at=None)
    approved = UserFactory()

    response = admin_site.post(
        "/admin/accounts/user/",
        {"action": "approve", "_selected_action": [str(waiting.pk), str(approved.pk)]},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_active and not waiting.is_pending_approval
    rows = AuditLog.objects.filter(action=account_events.USER_APPROVED)
    assert [(r.actor, r.target_id) for r in rows] == [(admin_user, str(waiting.pk))]


@pytest.mark.django_db
def test_a_pending_account_is_refused_even_if_its_tokens_exist(approval_mode, api_client):
    """A token minted before approval (by a bug or by hand) does not open the API."""
    register(api_client)
    user = User.objects.get()
    response = client_for(user).get("/api/users/me/")
    assert response.status_code == 401
