"""The Django admin: admins log in with email and password; employees stay outside.

(These exercise the accounts admin; they live here because the admin site is shared.)
"""

import pytest
from django.test import Client

from contentum.accounts.models import Role
from contentum.accounts.tests.factories import DEFAULT_PASSWORD, AdminFactory, UserFactory

USERS = "/admin/accounts/user/"


def log_in(email: str, password: str = DEFAULT_PASSWORD) -> tuple[Client, object]:
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": password})
    return client, response


@pytest.fixture
def admin_browser(admin_user) -> Client:
    client, response = log_in(admin_user.email.upper())
    assert response.status_code == 302, "an admin's login must redirect into the admin"
    assert response["Location"] == "/admin/"
    return client


def listed_emails(response) -> set[str]:
    assert response.status_code == 200
    return {user.email for user in response.context["cl"].result_list}


@pytest.mark.django_db
def test_an_admin_logs_in_and_sees_the_users_and_the_audit_log(admin_browser):
    index = admin_browser.get("/admin/")
    assert index.status_code == 200
    html = index.content.decode()
    assert USERS in html
    assert "/admin/audit/auditlog/" in html


@pytest.mark.django_db
def test_user_changelist_offers_filters_by_role_and_active_flag(admin_browser):
    response = admin_browser.get(USERS)
    html = response.content.decode()
    assert "?role__exact=ADMIN" in html
    assert "?role__exact=EMPLOYEE" in html
    assert "?is_active__exact=1" in html
    assert "?is_active__exact=0" in html
    assert 'name="q"' in html  # the search box


@pytest.mark.django_db
def test_user_changelist_filters_by_role(admin_browser, admin_user):
    employee = UserFactory()
    assert listed_emails(admin_browser.get(USERS, {"role__exact": Role.ADMIN})) == {
        admin_user.email
    }
    assert listed_emails(admin_browser.get(USERS, {"role__exact": Role.EMPLOYEE})) == {
        employee.email
    }


@pytest.mark.django_db
def test_user_changelist_filters_by_active_flag(admin_browser):
    disabled = UserFactory(is_active=False)
    assert listed_emails(admin_browser.get(USERS, {"is_active__exact": "0"})) == {disabled.email}


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["anna.s@", "СМИРНОВА", "смирнова", "Анна"])
def test_user_changelist_searches_email_and_name_in_any_case(admin_browser, term):
    """Only the two users made here count: the admin's own random name may match too
    (Жанна, Марианна…), which made this test fail now and then."""
    anna = UserFactory(email="anna.s@example.com", full_name="Анна Смирнова")
    boris = UserFactory(email="boris@example.com", full_name="Борис Иванов")
    listed = listed_emails(admin_browser.get(USERS, {"q": term}))
    assert anna.email in listed
    assert boris.email not in listed


@pytest.mark.django_db
def test_an_admin_creates_a_user_with_a_hashed_lowercase_email(admin_browser):
    response = admin_browser.post(
        f"{USERS}add/",
        {
            "email": "New.Person@Example.com",
            "full_name": "Новый Человек",
            "password": "Another-Pass-2026",
            "role": Role.EMPLOYEE,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    from contentum.accounts.models import User

    user = User.objects.get(email="new.person@example.com")
    assert user.check_password("Another-Pass-2026")
    assert user.password != "Another-Pass-2026"


@pytest.mark.django_db
def test_an_employee_cannot_log_in_to_the_admin(employee):
    client, response = log_in(employee.email)
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors
    assert client.get("/admin/").status_code == 302
    assert client.get(USERS).status_code == 302


@pytest.mark.django_db
def test_an_employee_with_a_session_is_still_kept_out(employee):
    client = Client()
    client.force_login(employee)
    response = client.get(USERS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_a_disabled_admin_cannot_log_in_to_the_admin():
    former = AdminFactory(is_active=False)
    client, response = log_in(former.email)
    assert response.status_code == 200
    assert client.get(USERS).status_code == 302


@pytest.mark.django_db
def test_an_admin_demoted_mid_session_loses_the_admin(admin_browser, admin_user):
    admin_user.role = Role.EMPLOYEE
    admin_user.save(update_fields=["role"])
    assert admin_browser.get(USERS).status_code == 302
