"""A database that drops the request's connection (restart, failover, a killed backend)
answers 503 with Retry-After in the error envelope, not 500: the write was rolled back,
and the same request may well succeed a moment later."""

import time

import psycopg
import pytest
from django.db import OperationalError, connection

from contentum.accounts.models import User
from contentum.common.exceptions import (
    DATABASE_RETRY_AFTER,
    DATABASE_UNAVAILABLE_MESSAGE,
    error_body,
)
from contentum.common.tests.subprocesses import embedded_env, python

REGISTER = "/api/users/"
EMAIL = "ivan.petrov@example.com"
BODY = {
    "email": EMAIL,
    "fullName": "Иван Петров",
    "password": "Vesna-Kraski-2026",
    "passwordConfirm": "Vesna-Kraski-2026",
}


def _is_audit_insert(sql: str) -> bool:
    """The registration's second write: the account's row is already inserted by then."""
    return sql.startswith('INSERT INTO "audit_auditlog"')


def assert_database_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response.json() == error_body(DATABASE_UNAVAILABLE_MESSAGE)
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


@pytest.mark.django_db
def test_a_database_error_mid_request_is_503_with_retry_after_and_stores_nothing(api_client):
    def drop_at_audit(execute, sql, params, many, context):
        if _is_audit_insert(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_at_audit):
        response = api_client.post(REGISTER, BODY, format="json")

    assert_database_unavailable(response)
    assert not User.objects.filter(email=EMAIL).exists()


def _terminate(backend_pid: int) -> None:
    """Kills `backend_pid` from a second connection and waits until it is gone."""
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        for _ in range(50):
            gone = admin.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)",
                [backend_pid],
            ).fetchone()[0]
            if gone:
                return
            time.sleep(0.1)
    raise AssertionError(f"backend {backend_pid} still alive")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_terminated_mid_request_is_503_and_the_write_is_rolled_back(api_client):
    def terminate_at_audit(execute, sql, params, many, context):
        if _is_audit_insert(sql):
            with context["connection"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                _terminate(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(terminate_at_audit):
        response = api_client.post(REGISTER, BODY, format="json")

    assert_database_unavailable(response)
    assert not User.objects.filter(email=EMAIL).exists()  # on a fresh connection


def test_connection_health_checks_are_on_by_default(tmp_path):
    """A connection kept between requests (CONN_MAX_AGE) that the database dropped is
    replaced before use, instead of failing the next request."""
    env = embedded_env(tmp_path, SECRET_KEY="x" * 50)
    env.pop("CONN_HEALTH_CHECKS", None)
    out = python(
        "-c",
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])",
        env=env,
    )

    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.django_db
def test_a_page_outside_the_api_also_answers_503_when_the_database_drops(admin_user):
    """The Django admin is no DRF view: the same answer comes from the middleware."""
    from django.test import Client

    browser = Client()
    browser.force_login(admin_user)

    def drop_on_chats(execute, sql, params, many, context):
        if 'FROM "chats_chat"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_on_chats):
        response = browser.get("/admin/chats/chat/")

    assert_database_unavailable(response)
