from datetime import timedelta

import pytest
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from contentum.audit.models import AuditAction, AuditLog
from contentum.common.exceptions import RUSSIAN_BY_CODE
from contentum.common.throttling import LOGIN_DELAYED_MESSAGE

LOGIN, REFRESH, LOGOUT, ME = (
    "/api/auth/login/",
    "/api/auth/refresh/",
    "/api/auth/logout/",
    "/api/users/me/",
)


def login(client: APIClient, email: str, password: str = DEFAULT_PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password}, format="json")


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.django_db
def test_login_answers_tokens_and_the_user_at_top_level(api_client, employee):
    response = login(api_client, employee.email.upper())

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"] == {
        "id": str(employee.id),
        "email": employee.email,
        "fullName": employee.full_name,
        "role": "EMPLOYEE",
    }
    me = bearer(body["access"]).get(ME)
    assert me.status_code == 200
    assert me.json()["data"]["email"] == employee.email
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_SUCCEEDED, actor=employee).count() == 1


@pytest.mark.django_db
def test_wrong_password_is_401_and_audited(api_client, employee):
    response = login(api_client, employee.email, "wrong-password")

    assert response.status_code == 401
    assert response.json()["status"] == "error"
    assert response.json()["message"] == "Неверный email или пароль."
    failure = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failure.actor_email == employee.email
    assert failure.details == {"reason": "bad_password"}
    assert failure.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_an_inactive_user_cannot_log_in(api_client):
    user = UserFactory(is_active=False)
    response = login(api_client, user.email)
    assert response.status_code == 401
    assert AuditLog.objects.get(action=AuditAction.LOGIN_FAILED).details == {"reason": "inactive"}


@pytest.mark.django_db
def test_refresh_rotates_and_the_old_refresh_token_stops_working(api_client, employee):
    tokens = login(api_client, employee.email).json()

    first = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert first.status_code == 200
    assert {"access", "refresh"} <= set(first.json())
    assert bearer(first.json()["access"]).get(ME).status_code == 200

    again = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401
    assert again.json()["status"] == "error"


@pytest.mark.django_db
def test_logout_blacklists_the_refresh_token(api_client, employee):
    tokens = login(api_client, employee.email).json()
    client = bearer(tokens["access"])

    response = client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "success"
    assert AuditLog.objects.filter(action=AuditAction.LOGGED_OUT, actor=employee).exists()

    refused = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert refused.status_code == 401
    twice = client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    assert twice.status_code == 401


@pytest.mark.django_db
def test_logout_with_someone_elses_refresh_token_is_refused(api_client, employee):
    other = UserFactory()
    other_refresh = login(api_client, other.email).json()["refresh"]
    client = bearer(login(api_client, employee.email).json()["access"])

    response = client.post(LOGOUT, {"refresh": other_refresh}, format="json")
    assert response.status_code == 400
    assert api_client.post(REFRESH, {"refresh": other_refresh}, format="json").status_code == 200


@pytest.mark.django_db
def test_a_deactivated_users_tokens_are_refused(api_client, employee):
    tokens = login(api_client, employee.email).json()
    employee.is_active = False
    employee.save(update_fields=["is_active"])

    me = bearer(tokens["access"]).get(ME)
    assert me.status_code == 401
    assert me.json()["message"] == RUSSIAN_BY_CODE["user_inactive"]
    assert (
        api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json").status_code == 401
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        "Bearer not.a.jwt",
        "Bearer " + "e30." * 2 + "c2lnbmF0dXJl",
        "Token abc",
        "Bearer",
    ],
)
def test_invalid_tokens_are_401_in_the_envelope(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_a_forged_token_is_refused(employee):
    token = AccessToken.for_user(employee)
    forged = str(token)[:-4] + ("AAAA" if not str(token).endswith("AAAA") else "BBBB")
    assert bearer(forged).get(ME).status_code == 401


@pytest.mark.django_db
def test_an_expired_token_is_refused(employee):
    from datetime import timedelta

    token = AccessToken.for_user(employee)
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = bearer(str(token)).get(ME)
    assert response.status_code == 401
    assert response.json()["message"] == RUSSIAN_BY_CODE["token_not_valid"]


@pytest.mark.django_db
def test_a_refresh_token_is_not_an_access_token(employee):
    refresh = RefreshToken.for_user(employee)
    assert bearer(str(refresh)).get(ME).status_code == 401


@pytest.mark.django_db
def test_no_token_is_401_with_a_russian_message(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert response.json() == {
        "status": "error",
        "message": RUSSIAN_BY_CODE["not_authenticated"],
        "errors": {},
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [{"refresh": 123}, {}, {"refresh": "x", "extra": 1}, {"refresh": "garbage"}]
)
def test_bad_refresh_bodies_are_refused(api_client, body):
    response = api_client.post(REFRESH, body, format="json")
    assert response.status_code in (400, 401)
    assert response.json()["status"] == "error"


@pytest.mark.django_db
@override_settings(THROTTLE_RATES={"auth_ip": "3/min", "auth_email": "100/min"})
def test_login_is_throttled_per_client_address(api_client, employee):
    codes = [login(api_client, f"nobody{i}@example.com", "x").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    body = login(api_client, employee.email).json()
    assert body["status"] == "error"
    assert body["message"] == RUSSIAN_BY_CODE["throttled"]


FAILURE_DELAYS = {
    "LOGIN_FAILURES_FREE": 2,
    "LOGIN_FAILURE_DELAY_SECONDS": 10,
    "LOGIN_FAILURE_MAX_DELAY_SECONDS": 25,
    "THROTTLE_RATES": {"auth_ip": "100/min", "auth_email": "2/min"},
}


@pytest.mark.django_db
@override_settings(**FAILURE_DELAYS)
def test_failures_from_other_addresses_never_lock_the_owner_out(employee):
    """Anyone may type someone's email: failures count per email *and* address."""
    attacker = APIClient(REMOTE_ADDR="10.0.0.66")
    codes = [login(attacker, employee.email.upper(), "wrong").status_code for _ in range(4)]
    assert codes == [401, 401, 429, 429]
    for i in range(3):  # a failure from each of many other addresses delays nobody
        assert login(APIClient(REMOTE_ADDR=f"10.0.1.{i}"), employee.email, "x").status_code == 401

    owner = login(APIClient(REMOTE_ADDR="10.0.0.9"), employee.email)

    assert owner.status_code == 200


@pytest.mark.django_db
@override_settings(**FAILURE_DELAYS)
def test_failures_from_one_address_wait_twice_as_long_each_time_up_to_the_cap(employee):
    import time_machine

    client = APIClient(REMOTE_ADDR="10.0.0.1")
    with time_machine.travel("2030-01-01 12:00:00Z", tick=False) as clock:
        assert [login(client, employee.email, "wrong").status_code for _ in range(2)] == [401, 401]
        waits = []
        for _ in range(3):
            delayed = login(client, employee.email)  # even the right password waits
            assert delayed.status_code == 429
            assert delayed.json()["status"] == "error"
            assert delayed.json()["message"] == LOGIN_DELAYED_MESSAGE
            waits.append(int(delayed["Retry-After"]))
            clock.shift(waits[-1])
            assert login(client, employee.email, "wrong").status_code == 401

    assert waits == [10, 20, 25]


@pytest.mark.django_db
@override_settings(**FAILURE_DELAYS)
def test_a_successful_login_forgets_the_failures_before_it(employee):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    assert login(client, employee.email, "wrong").status_code == 401
    assert login(client, employee.email).status_code == 200

    codes = [login(client, employee.email, "wrong").status_code for _ in range(3)]

    assert codes == [401, 401, 429]  # two free failures again, not one


@pytest.mark.django_db
@override_settings(THROTTLE_RATES={"auth_ip": "2/min", "auth_email": "100/min"})
def test_registration_is_throttled_per_client_address(api_client):
    codes = [
        api_client.post("/api/users/", {"email": f"u{i}@example.com"}, format="json").status_code
        for i in range(3)
    ]
    assert codes == [400, 400, 429]


@pytest.mark.django_db
@pytest.mark.parametrize("user_id", [None, "", "not-a-uuid", ["x"], {"a": 1}, 7])
def test_a_signed_token_with_a_malformed_user_id_is_401_not_500(employee, user_id):
    """Only our key signs tokens, but a bad claim must still be "not authenticated"."""
    token = AccessToken.for_user(employee)
    token["user_id"] = user_id
    response = bearer(str(token)).get(ME)
    assert response.status_code == 401
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_a_token_verified_before_is_refused_once_it_expires(employee):
    import time_machine

    token = AccessToken.for_user(employee)
    client = bearer(str(token))
    assert client.get(ME).status_code == 200  # verified and remembered

    with time_machine.travel(token.current_time + token.lifetime + timedelta(seconds=1)):
        response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["message"] == RUSSIAN_BY_CODE["token_not_valid"]


@pytest.mark.django_db
def test_a_remembered_token_still_reads_the_account_on_every_request(employee):
    client = bearer(str(AccessToken.for_user(employee)))
    assert client.get(ME).status_code == 200

    employee.is_active = False
    employee.save(update_fields=["is_active"])

    assert client.get(ME).status_code == 401


@pytest.mark.django_db
def test_a_forged_copy_of_a_remembered_token_is_refused(employee):
    token = str(AccessToken.for_user(employee))
    assert bearer(token).get(ME).status_code == 200

    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    assert bearer(forged).get(ME).status_code == 401
