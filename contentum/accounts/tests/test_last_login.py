"""API logins set `last_login` (Django admin's «Последний вход»); refreshes never write it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from contentum.accounts.models import User
from contentum.accounts.tests.factories import DEFAULT_PASSWORD

LOGIN, REFRESH = "/api/auth/login/", "/api/auth/refresh/"

pytestmark = pytest.mark.django_db


def login(client: APIClient, email: str, password: str = DEFAULT_PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password}, format="json")


def user_updates(queries: CaptureQueriesContext) -> list[str]:
    table = User._meta.db_table
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]


def test_each_login_sets_last_login_and_moves_it_forward(api_client, employee):
    assert employee.last_login is None
    seen = []
    for _ in range(3):
        before = timezone.now()
        assert login(api_client, employee.email).status_code == 200
        employee.refresh_from_db()
        assert employee.last_login is not None and employee.last_login >= before
        seen.append(employee.last_login)
    assert seen == sorted(seen) and len(set(seen)) == 3


def test_a_failed_login_leaves_last_login_alone(api_client, employee):
    assert login(api_client, employee.email, "wrong-password").status_code == 401
    employee.refresh_from_db()
    assert employee.last_login is None


def test_a_refresh_does_not_write_the_user_row(api_client, employee):
    tokens = login(api_client, employee.email).json()
    stamped = User.objects.get(pk=employee.pk).last_login
    # A moment later, so that a write on refresh would show as a changed time too.
    User.objects.filter(pk=employee.pk).update(last_login=stamped - timedelta(minutes=5))

    with CaptureQueriesContext(connection) as queries:
        response = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 200
    assert user_updates(queries) == []
    assert User.objects.get(pk=employee.pk).last_login == stamped - timedelta(minutes=5)


def test_the_login_writes_the_user_row_once(api_client, employee):
    with CaptureQueriesContext(connection) as queries:
        assert login(api_client, employee.email).status_code == 200

    (update,) = user_updates(queries)
    assert '"last_login"' in update
