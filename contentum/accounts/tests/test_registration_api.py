import pytest
from django.test import override_settings

from contentum.accounts.models import Role, User
from contentum.audit.models import AuditAction, AuditLog

REGISTER = "/api/users/"


def payload(**overrides):
    body = {
        "email": "Ivan.Petrov@Example.com",
        "fullName": "Иван Петров",
        "password": "Vesna-Kraski-2026",
        "passwordConfirm": "Vesna-Kraski-2026",
    }
    body.update(overrides)
    return body


def assert_refused(response, status, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error"
    assert body["message"]
    if field:
        assert field in body["errors"], body
        assert all(isinstance(text, str) and text for text in body["errors"][field])
    assert User.objects.count() == 0
    assert not AuditLog.objects.filter(action=AuditAction.USER_REGISTERED).exists()


@pytest.mark.django_db
def test_registration_creates_an_employee_with_a_lowercase_email(api_client):
    response = api_client.post(REGISTER, payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "success"
    assert body["message"] == "Пользователь зарегистрирован"
    assert set(body["data"]) == {
        "id",
        "email",
        "fullName",
        "role",
        "dateJoined",
        "isActive",
        "approvedAt",
        "monthlyImageQuota",
    }
    assert body["data"]["isActive"] is True
    assert body["data"]["approvedAt"] is not None
    assert body["data"]["email"] == "ivan.petrov@example.com"
    assert body["data"]["role"] == "EMPLOYEE"
    user = User.objects.get()
    assert user.role == Role.EMPLOYEE
    assert user.check_password("Vesna-Kraski-2026")
    assert AuditLog.objects.filter(action=AuditAction.USER_REGISTERED, actor=user).count() == 1


@pytest.mark.django_db
def test_registration_cannot_choose_the_admin_role(api_client):
    response = api_client.post(REGISTER, payload(role="ADMIN"), format="json")
    assert_refused(response, 400, "role")


@pytest.mark.django_db
def test_same_email_in_another_case_is_refused(api_client, employee):
    response = api_client.post(REGISTER, payload(email=employee.email.upper()), format="json")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password": "12345678", "passwordConfirm": "12345678"}, "password"),
        ({"password": "short", "passwordConfirm": "short"}, "password"),
        ({"password": "qwertyuiop", "passwordConfirm": "qwertyuiop"}, "password"),
        ({"password": "Vesna-Kr-26", "passwordConfirm": "Vesna-Kr-26"}, "password"),
        ({"passwordConfirm": "Something-Else-2026"}, "passwordConfirm"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"fullName": "Я" * 256}, "fullName"),
        ({"fullName": 12345}, "fullName"),
        ({"fullName": {"first": "Иван"}}, "fullName"),
        ({"email": ["ivan@example.com"]}, "email"),
        ({"password": 12345678901}, "password"),
        ({"nickname": "ivan"}, "nickname"),
    ],
)
def test_bad_registration_input_is_refused_and_writes_nothing(api_client, overrides, field):
    response = api_client.post(REGISTER, payload(**overrides), format="json")
    assert_refused(response, 400, field)


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["email", "fullName", "password", "passwordConfirm"])
def test_each_registration_field_is_required(api_client, missing):
    body = payload()
    del body[missing]
    assert_refused(api_client.post(REGISTER, body, format="json"), 400, missing)


@pytest.mark.django_db
@override_settings(ALLOWED_EMAIL_DOMAINS=["gmail.com", "sberbank.ru"])
def test_email_domain_outside_the_allow_list_is_refused(api_client):
    assert_refused(api_client.post(REGISTER, payload(), format="json"), 400, "email")
    ok = api_client.post(REGISTER, payload(email="ivan@sberbank.ru"), format="json")
    assert ok.status_code == 201


@pytest.mark.django_db
def test_malformed_json_is_a_parse_error(api_client):
    response = api_client.post(REGISTER, data="{not json", content_type="application/json")
    assert_refused(response, 400)
    assert "JSON" in response.json()["message"]


@pytest.mark.django_db
def test_a_json_array_body_is_refused(api_client):
    response = api_client.post(REGISTER, data="[1, 2]", content_type="application/json")
    assert_refused(response, 400, "non_field_errors")


@pytest.mark.django_db
def test_a_form_body_is_an_unsupported_media_type(api_client):
    response = api_client.post(REGISTER, data=payload(), format="multipart")
    assert_refused(response, 415)


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BODY_BYTES=2048)
def test_an_oversized_body_is_refused_with_413(api_client):
    response = api_client.post(REGISTER, payload(fullName="Я" * 4000), format="json")
    assert_refused(response, 413)


@pytest.mark.django_db
def test_a_password_shorter_than_12_characters_is_refused(api_client):
    response = api_client.post(
        REGISTER, payload(password="Vesna-Kr-26", passwordConfirm="Vesna-Kr-26"), format="json"
    )
    assert_refused(response, 400, "password")
    assert "12" in " ".join(response.json()["errors"]["password"])
