"""GET /api/audit-logs/: who did what, when and from where. Admins only."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contentum.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from contentum.audit.models import AuditAction, AuditLog
from contentum.audit.tests.factories import AuditLogFactory

URL = "/api/audit-logs/"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- access -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_caller_is_401(api_client):
    response = api_client.get(URL)
    assert response.status_code == 401
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_employee_is_403_with_an_admin_only_message(employee_client):
    AuditLogFactory()
    response = employee_client.get(URL)
    assert response.status_code == 403
    assert response.json()["message"] == "Действие доступно только администратору."


@pytest.mark.django_db
def test_employee_cannot_read_a_single_row_either(employee, employee_client):
    row = AuditLogFactory(actor=employee)
    assert employee_client.get(f"{URL}{row.id}/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_log_is_read_only_even_for_admins(admin_client_api, method):
    row = AuditLogFactory()
    target = URL if method == "post" else f"{URL}{row.id}/"
    response = getattr(admin_client_api, method)(target, {"action": "x"}, format="json")
    assert response.status_code == 405
    row.refresh_from_db()
    assert row.action == AuditAction.LOGIN_SUCCEEDED


# --- shape ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_gets_a_paginated_list_of_rows_in_api_field_names(admin_client_api):
    actor = UserFactory()
    with time_machine.travel(at(3), tick=False):
        row = AuditLogFactory(
            actor=actor,
            action=AuditAction.USER_ROLE_CHANGED,
            details={"old": "EMPLOYEE", "new": "ADMIN"},
            ip_address="203.0.113.5",
            user_agent="Firefox/140",
        )

    body = admin_client_api.get(URL).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": str(row.id),
            "actor": str(actor.id),
            "actorEmail": actor.email,
            "action": "user.role_changed",
            "targetType": "accounts.user",
            "targetId": str(actor.id),
            "details": {"old": "EMPLOYEE", "new": "ADMIN"},
            "ipAddress": "203.0.113.5",
            "userAgent": "Firefox/140",
            "createdAt": timezone.localtime(at(3)).isoformat(),
        }
    ]


@pytest.mark.django_db
def test_a_row_keeps_the_email_after_its_actor_is_deleted(admin_client_api):
    actor = UserFactory(email="gone@example.com")
    row = AuditLogFactory(actor=actor)
    actor.delete()

    result = admin_client_api.get(f"{URL}{row.id}/").json()
    assert result["actor"] is None
    assert result["actorEmail"] == "gone@example.com"


@pytest.mark.django_db
def test_pages_follow_page_and_page_size(admin_client_api):
    for day in range(1, 6):
        with time_machine.travel(at(day), tick=False):
            AuditLogFactory()

    first = admin_client_api.get(URL, {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]

    last = admin_client_api.get(URL, {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None


@pytest.mark.django_db
def test_page_size_is_capped_at_100(admin_client_api, admin_user):
    AuditLogFactory.create_batch(101, actor=admin_user)
    body = admin_client_api.get(URL, {"page_size": 1000}).json()
    assert len(body["results"]) == 100


@pytest.mark.django_db
def test_a_page_past_the_end_is_404_in_the_envelope(admin_client_api):
    AuditLogFactory()
    response = admin_client_api.get(URL, {"page": 9})
    assert response.status_code == 404
    assert response.json()["status"] == "error"
    assert response.json()["message"] == "Такой страницы нет."


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_listing_costs_the_same_queries_for_3_or_30_rows(admin_client_api, rows):
    AuditLogFactory.create_batch(rows)
    AuditLogFactory.create_batch(rows, actor=None, actor_email="ghost@example.com")

    with CaptureQueriesContext(connection) as queries:
        response = admin_client_api.get(URL, {"page_size": 100})

    assert len(response.json()["results"]) == 2 * rows
    # The token's user, the count and the page: nothing per row.
    assert len(queries) == 3, [q["sql"] for q in queries.captured_queries]


# --- filters, search and ordering ------------------------------------------------------


@pytest.fixture
def three_events():
    anna = UserFactory(email="anna@example.com")
    boris = UserFactory(email="boris@example.com")
    with time_machine.travel(at(1), tick=False):
        first = AuditLogFactory(actor=anna, action=AuditAction.LOGIN_SUCCEEDED)
    with time_machine.travel(at(5), tick=False):
        second = AuditLogFactory(
            actor=None, actor_email="intruder@example.com", action=AuditAction.LOGIN_FAILED
        )
    with time_machine.travel(at(10), tick=False):
        third = AuditLogFactory(actor=boris, action=AuditAction.USER_REGISTERED)
    return {"anna": anna, "boris": boris, "rows": [first, second, third]}


@pytest.mark.django_db
def test_newest_first_by_default(admin_client_api, three_events):
    first, second, third = three_events["rows"]
    assert ids(admin_client_api.get(URL)) == [str(third.id), str(second.id), str(first.id)]


@pytest.mark.django_db
def test_filter_by_actor(admin_client_api, three_events):
    first = three_events["rows"][0]
    response = admin_client_api.get(URL, {"actor": str(three_events["anna"].id)})
    assert ids(response) == [str(first.id)]


@pytest.mark.django_db
def test_filter_by_action(admin_client_api, three_events):
    second = three_events["rows"][1]
    assert ids(admin_client_api.get(URL, {"action": "auth.login_failed"})) == [str(second.id)]


@pytest.mark.django_db
def test_filter_by_created_date_range(admin_client_api, three_events):
    second = three_events["rows"][1]
    response = admin_client_api.get(
        URL, {"created_after": "2026-01-03T00:00:00Z", "created_before": "2026-01-07T00:00:00Z"}
    )
    assert ids(response) == [str(second.id)]
    assert len(ids(admin_client_api.get(URL, {"created_after": "2026-01-05T00:00:00Z"}))) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"actor": "not-a-uuid"}, "actor"),
        ({"created_after": "yesterday"}, "created"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_bad_filter_values_are_400_not_500(admin_client_api, three_events, params, field):
    response = admin_client_api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert any(key.startswith(field) for key in body["errors"]), body["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("term", "expected"), [("intruder@", [1]), ("ANNA", [0]), ("user.registered", [2])]
)
def test_search_on_email_and_action(admin_client_api, three_events, term, expected):
    rows = three_events["rows"]
    response = admin_client_api.get(URL, {"search": term})
    assert ids(response) == [str(rows[i].id) for i in expected]


@pytest.mark.django_db
def test_search_on_target_id(admin_client_api, three_events):
    third = three_events["rows"][2]
    response = admin_client_api.get(URL, {"search": str(three_events["boris"].id)})
    assert ids(response) == [str(third.id)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("createdAt", [0, 1, 2]),
        ("-createdAt", [2, 1, 0]),
        ("action", [1, 0, 2]),  # auth.login_failed, auth.login_succeeded, user.registered
        ("-action", [2, 0, 1]),
        ("actorEmail", [0, 2, 1]),  # anna, boris, intruder
    ],
)
def test_ordering(admin_client_api, three_events, ordering, expected):
    rows = three_events["rows"]
    response = admin_client_api.get(URL, {"ordering": ordering})
    assert ids(response) == [str(rows[i].id) for i in expected]


# --- where a row comes from -------------------------------------------------------------


def login(client, email: str, **extra):
    return client.post(
        "/api/auth/login/", {"email": email, "password": DEFAULT_PASSWORD}, format="json", **extra
    )


@pytest.mark.django_db
def test_a_row_records_the_client_address_and_user_agent(api_client, employee):
    response = login(
        api_client, employee.email, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Safari/18"
    )
    assert response.status_code == 200
    row = AuditLog.objects.get(action=AuditAction.LOGIN_SUCCEEDED)
    assert (row.ip_address, row.user_agent) == ("198.51.100.23", "Safari/18")


@pytest.mark.django_db
def test_a_very_long_user_agent_is_cut_to_fit(api_client, employee):
    login(api_client, employee.email, HTTP_USER_AGENT="A" * 2000)
    assert AuditLog.objects.get().user_agent == "A" * 512


@pytest.mark.django_db
@override_settings(NUM_PROXIES=0)
def test_x_forwarded_for_is_ignored_without_trusted_proxies(api_client, employee):
    login(api_client, employee.email, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert AuditLog.objects.get().ip_address == "10.0.0.2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client forged the first hop
        (2, "198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),  # fewer hops than proxies
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_x_forwarded_for_is_honoured_as_far_as_num_proxies(
    api_client, employee, proxies, forwarded, expected
):
    with override_settings(NUM_PROXIES=proxies):
        login(api_client, employee.email, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert AuditLog.objects.get().ip_address == expected


@pytest.mark.django_db
@override_settings(NUM_PROXIES=1)
@pytest.mark.parametrize("forwarded", ["unknown", "198.51.100.7:4431", "<script>", "  ,  "])
def test_a_forwarded_hop_that_is_not_an_address_falls_back_to_the_peer(
    api_client, employee, forwarded
):
    response = login(
        api_client, employee.email, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert response.status_code == 200
    assert AuditLog.objects.get().ip_address == "10.0.0.1"
