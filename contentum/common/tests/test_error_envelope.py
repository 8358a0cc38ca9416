"""Every failure answers with the error envelope: `{"status": "error", "message", "errors"}`."""

import logging
import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from contentum.audit.models import AuditLog
from contentum.common.exceptions import RUSSIAN_BY_CODE, SERVER_ERROR_MESSAGE
from contentum.common.tests.urls import SECRET_DETAIL, Kaboom

REGISTER = "/api/users/"
TEST_URLS = "contentum.common.tests.urls"


def assert_envelope(response, status: int, message: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "message", "errors"}
    assert body["status"] == "error"
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    if message is not None:
        assert body["message"] == message
    return body


def registration(**overrides) -> dict:
    return {
        "email": "new@example.com",
        "fullName": "Новый Сотрудник",
        "password": "Sekret-Pass-2026",
        "passwordConfirm": "Sekret-Pass-2026",
        **overrides,
    }


# --- 404 ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/api/users/me/extra/", "/api/"])
def test_unknown_api_path_is_a_json_404(api_client, path):
    assert_envelope(api_client.get(path), 404, "Не найдено.")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page", "/static/missing.css", "/favicon.ico"])
def test_unknown_non_api_path_is_json_even_for_a_browser(api_client, path):
    response = api_client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert_envelope(response, 404, "Не найдено.")
    assert b"<html" not in response.content.lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_id",
    ["not-a-uuid", "123", "00000000-0000-0000-0000-00000000000g", "%00", "1e400"],
)
def test_malformed_uuid_in_a_path_is_404_not_500(admin_client_api, bad_id):
    assert_envelope(admin_client_api.get(f"/api/audit-logs/{bad_id}/"), 404)


@pytest.mark.django_db
def test_unknown_but_wellformed_uuid_is_404(admin_client_api):
    response = admin_client_api.get("/api/audit-logs/6f1c1c39-7a4e-4bd5-9c43-6f6d0f5d2c11/")
    assert_envelope(response, 404, RUSSIAN_BY_CODE["not_found"])


# --- 400 / 405 / 406 / 409 / 415 -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "/api/auth/login/"), ("delete", "/api/users/me/"), ("post", "/healthz")],
)
def test_wrong_method_is_405_with_allow_header(employee_client, method, path):
    response = getattr(employee_client, method)(path, {}, format="json")
    assert_envelope(response, 405, RUSSIAN_BY_CODE["method_not_allowed"])
    assert response["Allow"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("email=a@example.com&password=x", "application/x-www-form-urlencoded"),
        ("<user><email>a@example.com</email></user>", "application/xml"),
        ('{"email": "a@example.com"}', "text/plain"),
    ],
)
def test_non_json_body_on_a_json_endpoint_is_415(api_client, data, content_type):
    response = api_client.generic("POST", REGISTER, data, content_type=content_type)
    assert_envelope(response, 415, RUSSIAN_BY_CODE["unsupported_media_type"])
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("data", ["{not json", '{"email": ', "\ufeff{}", "NaN]"])
def test_unparsable_json_is_a_400_parse_error(api_client, data):
    response = api_client.generic("POST", REGISTER, data, content_type="application/json")
    assert_envelope(response, 400, RUSSIAN_BY_CODE["parse_error"])


@pytest.mark.django_db
def test_validation_errors_are_listed_per_field(api_client):
    response = api_client.post(REGISTER, registration(email="nope", fullName=""), format="json")
    body = assert_envelope(response, 400)
    assert set(body["errors"]) == {"email", "fullName"}
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)


@pytest.mark.django_db
def test_unacceptable_accept_header_is_406_in_the_envelope(employee_client):
    response = employee_client.get("/api/users/me/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json()["message"] == RUSSIAN_BY_CODE["not_acceptable"]


@pytest.mark.django_db
@pytest.mark.urls(TEST_URLS)
def test_conflict_is_409_with_the_services_message_and_errors(api_client):
    response = api_client.post("/api/test/conflict/", {}, format="json")
    body = assert_envelope(response, 409, "Уже есть незавершённый чат.")
    assert body["errors"] == {"chat": ["Завершите его."]}


@pytest.mark.django_db
def test_a_disallowed_host_is_a_json_400(api_client):
    response = api_client.get("/api/users/me/", HTTP_HOST="evil.example")
    assert_envelope(response, 400)


# --- 413 ------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_BYTES=1024)
def test_a_body_over_the_limit_is_413_and_nothing_is_written(api_client):
    response = api_client.post(REGISTER, registration(fullName="Я" * 1024), format="json")
    body = assert_envelope(response, 413)
    assert "1024" in body["message"]
    assert not AuditLog.objects.exists()


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_BYTES=1024)
def test_a_content_length_over_the_limit_is_413_before_the_body_is_read(api_client):
    response = api_client.generic(
        "POST", REGISTER, "{}", content_type="application/json", CONTENT_LENGTH="1025"
    )
    assert_envelope(response, 413)


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_BYTES=1024)
def test_a_body_exactly_at_the_limit_is_let_through(api_client):
    data = '{"email": "x"}'.ljust(1024)
    response = api_client.generic("POST", REGISTER, data, content_type="application/json")
    body = assert_envelope(response, 400)
    assert "email" in body["errors"]


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_BYTES=1024, MAX_UPLOAD_BODY_BYTES=4096)
def test_a_multipart_upload_has_its_own_larger_limit(api_client):
    """A brand kit's logo and fonts arrive as multipart: bounded by MAX_UPLOAD_BODY_BYTES."""
    multipart = "multipart/form-data; boundary=x"
    within = api_client.generic("POST", REGISTER, "", content_type=multipart, CONTENT_LENGTH="4096")
    over = api_client.generic("POST", REGISTER, "", content_type=multipart, CONTENT_LENGTH="4097")

    assert within.status_code != 413
    body = assert_envelope(over, 413)
    assert "4096" in body["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("length", ["abc", "-1", "1e3"])
def test_a_malformed_content_length_is_400_in_readable_russian(api_client, length):
    response = api_client.generic(
        "POST", REGISTER, "{}", content_type="application/json", CONTENT_LENGTH=length
    )
    assert_envelope(response, 400, "Неверный заголовок Content-Length.")
    assert "Неверный".encode() in response.content  # not \\u-escaped


@pytest.mark.skipif("MAX_REQUEST_BODY_BYTES" in os.environ, reason="limit set by environment")
def test_the_default_body_limit_is_one_mebibyte():
    assert settings.MAX_REQUEST_BODY_BYTES == 1024 * 1024


# --- 429 ------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(THROTTLE_RATES={"auth_ip": "2/min", "auth_email": "100/min"})
def test_throttled_requests_are_429_with_retry_after(api_client, employee):
    for _ in range(2):
        api_client.post(
            "/api/auth/login/", {"email": "x@example.com", "password": "x"}, format="json"
        )
    response = api_client.post(
        "/api/auth/login/", {"email": employee.email, "password": "x"}, format="json"
    )
    assert_envelope(response, 429, RUSSIAN_BY_CODE["throttled"])
    assert 0 < int(response["Retry-After"]) <= 60


# --- 500 ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(TEST_URLS)
def test_a_crash_in_an_api_view_is_a_generic_500_and_is_logged(api_client, caplog):
    with caplog.at_level(logging.ERROR):
        response = api_client.get("/api/test/crash/")

    assert_envelope(response, 500, SERVER_ERROR_MESSAGE)
    assert SECRET_DETAIL.encode() not in response.content
    assert b"Traceback" not in response.content and b"Kaboom" not in response.content
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is Kaboom]
    assert logged, "the exception must be logged with its traceback"
    assert logged[0].name == "contentum.common.exceptions"


@pytest.mark.django_db
@pytest.mark.urls(TEST_URLS)
def test_a_crash_in_a_plain_django_view_is_handler500_json(caplog):
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/test/django-crash/", HTTP_ACCEPT="text/html")

    assert_envelope(response, 500, SERVER_ERROR_MESSAGE)
    assert SECRET_DETAIL.encode() not in response.content
    assert any(r.exc_info and r.exc_info[0] is Kaboom for r in caplog.records)


@pytest.mark.django_db
@pytest.mark.urls(TEST_URLS)
@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/test/write-then-refuse/", 400), ("/api/test/write-then-crash/", 500)],
)
def test_with_atomic_requests_a_refused_or_crashed_request_writes_nothing(
    api_client, monkeypatch, path, status
):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    response = api_client.post(path, {}, format="json")
    assert_envelope(response, status)
    assert not AuditLog.objects.filter(action="test.half_done").exists()
