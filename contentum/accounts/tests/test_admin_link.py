"""«One login»: an admin signed in to the web client opens the Django admin through a
one-time link, without a second login form."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import client_for
from contentum.accounts.admin_links import INVALID_LINK, admin_link_issue, admin_link_redeem
from contentum.accounts.models import AdminLoginLink, Role
from contentum.accounts.tests.factories import AdminFactory
from contentum.audit.models import AuditAction, AuditLog
from contentum.common.tests.threads import run_together

ISSUE = "/api/auth/admin-link/"
ADMIN_LOGIN = "/admin/login/"


def issue(user) -> str:
    response = client_for(user).post(ISSUE, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]["url"]


def token_of(url: str) -> str:
    return url.removeprefix("/admin/login/link/").removesuffix("/")


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def refused(response) -> bool:
    """Back to the admin's login page, with the message saying why."""
    said = [str(message) for message in get_messages(response.wsgi_request)]
    return (
        response.status_code == 302
        and response["Location"] == ADMIN_LOGIN
        and said == [INVALID_LINK]
    )


@pytest.mark.django_db
def test_an_admin_gets_a_link_that_opens_the_admin_with_a_session(admin_user, settings):
    settings.ADMIN_LINK_TTL_SECONDS = 45

    response = client_for(admin_user).post(ISSUE, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "success"
    assert body["message"] == "Ссылка для входа в панель администратора"
    assert set(body["data"]) == {"url", "expires_in"}
    assert body["data"]["expires_in"] == 45
    assert body["data"]["url"].startswith("/admin/login/link/")
    assert "no-store" in response["Cache-Control"]
    link = AdminLoginLink.objects.get(user=admin_user)
    assert link.used_at is None
    assert (link.expires_at - link.created_at) == timedelta(seconds=45)

    browser = Client()
    assert browser.get("/admin/").status_code == 302  # no session yet: the login form
    opened = browser.get(body["data"]["url"])

    assert opened.status_code == 302
    assert opened["Location"] == "/admin/"
    assert "no-store" in opened["Cache-Control"]
    assert opened["Referrer-Policy"] == "no-referrer"
    assert browser.session["_auth_user_id"] == str(admin_user.pk)
    index = browser.get("/admin/")
    assert index.status_code == 200
    assert index.context["user"] == admin_user
    link.refresh_from_db()
    assert link.used_at is not None


@pytest.mark.django_db
def test_a_link_works_once(admin_user):
    url = issue(admin_user)
    assert Client().get(url)["Location"] == "/admin/"

    again = Client()
    response = again.get(url)

    assert refused(response)
    assert not logged_in(again)
    assert again.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_an_expired_link_is_refused(admin_user):
    url = issue(admin_user)
    AdminLoginLink.objects.filter(user=admin_user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    browser = Client()
    response = browser.get(url)

    assert refused(response)
    assert not logged_in(browser)
    assert AdminLoginLink.objects.get(user=admin_user).used_at is None


@pytest.mark.django_db
def test_the_lifetime_comes_from_the_setting(admin_user, settings):
    settings.ADMIN_LINK_TTL_SECONDS = 1
    before = timezone.now()
    token, expires_at = admin_link_issue(admin_user)

    assert before + timedelta(seconds=1) <= expires_at <= timezone.now() + timedelta(seconds=1)
    AdminLoginLink.objects.filter(user=admin_user).update(expires_at=before)
    assert admin_link_redeem(token) is None


@pytest.mark.django_db
def test_an_employee_gets_403_and_no_link(employee):
    response = client_for(employee).post(ISSUE, format="json")

    assert response.status_code == 403
    body = response.json()
    assert body["status"] == "error"
    assert body["message"] == "Действие доступно только администратору."
    assert not AdminLoginLink.objects.exists()
    assert not AuditLog.objects.filter(action=AuditAction.ADMIN_LINK_ISSUED).exists()


@pytest.mark.django_db
def test_without_a_token_the_api_answers_401():
    response = APIClient().post(ISSUE, format="json")

    assert response.status_code == 401
    assert response.json()["status"] == "error"
    assert not AdminLoginLink.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [{"role": Role.EMPLOYEE}, {"is_active": False}], ids=["demoted", "deactivated"]
)
def test_an_account_that_is_no_longer_an_active_admin_is_refused(admin_user, change):
    url = issue(admin_user)
    for field, value in change.items():
        setattr(admin_user, field, value)
    admin_user.save()

    browser = Client()
    response = browser.get(url)

    assert refused(response)
    assert not logged_in(browser)
    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.details == {"site": "admin", "via": "link", "reason": "not_admin"}
    assert failed.actor_email == admin_user.email
    # Used up all the same: restoring the account does not revive the link.
    admin_user.role, admin_user.is_active = Role.ADMIN, True
    admin_user.save()
    assert refused(Client().get(url))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/link/garbage/",
        "/admin/login/link/" + "x" * 500 + "/",
        "/admin/login/link/%00%ff%ED%A0%80/",
        "/admin/login/link/ссылка/",
    ],
    ids=["short", "long", "bytes", "cyrillic"],
)
def test_a_token_we_never_issued_is_refused_without_a_500(path):
    browser = Client(raise_request_exception=False)
    response = browser.get(path)

    assert refused(response)
    assert not logged_in(browser)
    assert not AuditLog.objects.exists()  # nobody to name, nothing to record


@pytest.mark.django_db
def test_only_a_get_opens_a_link(admin_user):
    url = issue(admin_user)

    assert Client().post(url).status_code == 405
    assert Client().head(url).status_code == 405
    assert AdminLoginLink.objects.get(user=admin_user).used_at is None  # not used up


@pytest.mark.django_db
def test_only_the_tokens_hash_is_stored(admin_user):
    token = token_of(issue(admin_user))

    link = AdminLoginLink.objects.get(user=admin_user)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_adminloginlink")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert not any(token in str(value) for value in rows[0])
    assert not any(token in str(row.details) for row in AuditLog.objects.all())


@pytest.mark.django_db
def test_issuing_and_opening_are_audited(admin_user):
    url = issue(admin_user)
    Client(REMOTE_ADDR="10.0.0.9").get(url)
    Client().get(url)  # a second opening: refused and recorded

    issued = AuditLog.objects.get(action=AuditAction.ADMIN_LINK_ISSUED)
    assert issued.actor == admin_user
    assert issued.target_id == str(admin_user.pk)
    assert issued.details["site"] == "admin"
    succeeded = AuditLog.objects.get(action=AuditAction.LOGIN_SUCCEEDED)
    assert succeeded.actor == admin_user
    assert succeeded.details == {"site": "admin", "via": "link"}
    assert succeeded.ip_address == "10.0.0.9"
    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.actor_email == admin_user.email
    assert failed.details == {"site": "admin", "via": "link", "reason": "link_used"}


@pytest.mark.django_db
def test_issuing_drops_the_accounts_used_and_expired_links_only(admin_user):
    other_admin = AdminFactory()
    used = token_of(issue(admin_user))
    assert admin_link_redeem(used) == admin_user
    expired = token_of(issue(admin_user))
    AdminLoginLink.objects.filter(token_hash=hashlib.sha256(expired.encode()).hexdigest()).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    live = token_of(issue(admin_user))
    others = token_of(issue(other_admin))
    AdminLoginLink.objects.filter(user=other_admin).update(used_at=timezone.now())

    newest = token_of(issue(admin_user))

    mine = AdminLoginLink.objects.filter(user=admin_user)
    hashes = set(mine.values_list("token_hash", flat=True))
    assert hashes == {hashlib.sha256(t.encode()).hexdigest() for t in (live, newest)}
    assert AdminLoginLink.objects.filter(user=other_admin).count() == 1  # not theirs to drop
    assert others  # still stored, used: dropped only when that admin asks again


@pytest.mark.django_db
def test_issuing_a_link_takes_a_fixed_small_number_of_queries(admin_user):
    client = client_for(admin_user)
    client.post(ISSUE, format="json")  # warm up: content types, the token cache

    for _ in range(3):  # however many links the account had before
        with CaptureQueriesContext(connection) as queries:
            response = client.post(ISSUE, format="json")
        assert response.status_code == 201
        # The account; then in a savepoint: drop old links, the new one, its audit row.
        sql = [query["sql"].split(" ", 1)[0] for query in queries.captured_queries]
        assert sql == ["SELECT", "SAVEPOINT", "DELETE", "INSERT", "INSERT", "RELEASE"], sql


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_concurrent_openings_of_one_link_exactly_one_logs_in():
    admin = AdminFactory()
    url = issue(admin)

    clients = [Client() for _ in range(6)]
    responses = run_together(6, lambda i: clients[i].get(url))

    locations = sorted(response["Location"] for response in responses)
    assert locations == ["/admin/"] + [ADMIN_LOGIN] * 5
    assert sum(logged_in(client) for client in clients) == 1
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_SUCCEEDED).count() == 1
