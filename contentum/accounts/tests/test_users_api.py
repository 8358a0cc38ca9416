import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.accounts.models import Role
from contentum.accounts.tests.factories import AdminFactory, UserFactory
from contentum.audit.models import AuditAction, AuditLog


@pytest.mark.django_db
def test_employee_cannot_list_users(employee_client):
    response = employee_client.get("/api/users/")
    assert response.status_code == 403
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_employee_sees_self_but_not_others(employee, employee_client):
    other = UserFactory()
    assert employee_client.get(f"/api/users/{employee.id}/").status_code == 200
    assert employee_client.get(f"/api/users/{other.id}/").status_code == 404


@pytest.mark.django_db
def test_employee_cannot_edit_anyone(employee, employee_client):
    response = employee_client.patch(f"/api/users/{employee.id}/", {"role": "ADMIN"}, format="json")
    assert response.status_code == 403
    employee.refresh_from_db()
    assert employee.role == Role.EMPLOYEE


@pytest.mark.django_db
def test_admin_lists_users_with_filters_search_and_ordering(admin_client_api, admin_user):
    UserFactory(email="anna@example.com", full_name="Анна Смирнова")
    UserFactory(email="boris@example.com", full_name="Борис Иванов", is_active=False)

    everyone = admin_client_api.get("/api/users/").json()
    assert everyone["count"] == 3
    assert set(everyone) == {"count", "next", "previous", "results"}

    admins = admin_client_api.get("/api/users/", {"role": "ADMIN"}).json()
    assert [u["email"] for u in admins["results"]] == [admin_user.email]

    inactive = admin_client_api.get("/api/users/", {"isActive": "false"}).json()
    assert [u["email"] for u in inactive["results"]] == ["boris@example.com"]

    found = admin_client_api.get("/api/users/", {"search": "смирнова"}).json()
    assert [u["email"] for u in found["results"]] == ["anna@example.com"]

    ordered = admin_client_api.get("/api/users/", {"ordering": "email"}).json()
    emails = [u["email"] for u in ordered["results"]]
    assert emails == sorted(emails)
    reverse = admin_client_api.get("/api/users/", {"ordering": "-fullName"}).json()
    names = [u["fullName"] for u in reverse["results"]]
    assert names == sorted(names, reverse=True)


@pytest.mark.django_db
def test_user_list_query_count_does_not_grow(admin_client_api):
    UserFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        admin_client_api.get("/api/users/")
    UserFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        admin_client_api.get("/api/users/")
    assert len(many) == len(few) <= 3


@pytest.mark.django_db
def test_admin_changes_role_and_activation_with_audit(admin_client_api, admin_user):
    user = UserFactory()
    response = admin_client_api.patch(
        f"/api/users/{user.id}/",
        {"role": "ADMIN", "isActive": False, "fullName": "Новое Имя"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "ADMIN"
    assert response.json()["isActive"] is False
    assert response.json()["fullName"] == "Новое Имя"
    role_row = AuditLog.objects.get(action=AuditAction.USER_ROLE_CHANGED)
    assert role_row.actor == admin_user
    assert role_row.target_id == str(user.id)
    assert role_row.details == {"old": "EMPLOYEE", "new": "ADMIN"}
    assert AuditLog.objects.get(action=AuditAction.USER_ACTIVATION_CHANGED).details == {
        "is_active": False
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"), [({"role": "EMPLOYEE"}, "role"), ({"isActive": False}, "isActive")]
)
def test_admin_cannot_demote_or_disable_themselves(admin_client_api, admin_user, body, field):
    response = admin_client_api.patch(f"/api/users/{admin_user.id}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    admin_user.refresh_from_db()
    assert admin_user.is_admin and admin_user.is_active
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
def test_another_admin_can_be_demoted(admin_client_api):
    other = AdminFactory()
    response = admin_client_api.patch(
        f"/api/users/{other.id}/", {"role": "EMPLOYEE"}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "KING"}, "role"),
        ({"isActive": "yes"}, "isActive"),
        ({"fullName": 7}, "fullName"),
        ({"fullName": "x" * 256}, "fullName"),
        ({"email": "new@example.com"}, "email"),
    ],
)
def test_bad_patch_input_changes_nothing(admin_client_api, body, field):
    user = UserFactory()
    before = (user.role, user.is_active, user.full_name, user.email)
    response = admin_client_api.patch(f"/api/users/{user.id}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    user.refresh_from_db()
    assert (user.role, user.is_active, user.full_name, user.email) == before


@pytest.mark.django_db
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"])
def test_malformed_user_ids_are_404_not_500(admin_client_api, bad_id):
    response = admin_client_api.get(f"/api/users/{bad_id}/")
    assert response.status_code == 404
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_put_is_not_allowed(admin_client_api, admin_user):
    response = admin_client_api.put(f"/api/users/{admin_user.id}/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["status"] == "error"
