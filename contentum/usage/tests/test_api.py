"""GET /api/usage/: admins only, the error envelope for bad input, JSON or CSV."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contentum.accounts.tests.factories import UserFactory
from contentum.usage.selectors import usage_report
from contentum.usage.tests.data import MSK, local, make_attempt, make_task, usage_may

URL = "/api/usage/"
MAY = {"from": "2026-05-01", "to": "2026-05-31"}


@pytest.mark.django_db
def test_anonymous_gets_401_in_the_envelope(api_client):
    response = api_client.get(URL, MAY)

    assert response.status_code == 401
    assert response.json()["status"] == "error"
    assert response.json()["message"].startswith("Требуется вход")


@pytest.mark.django_db
def test_an_employee_gets_403_in_the_envelope(employee_client):
    response = employee_client.get(URL, MAY)

    assert response.status_code == 403
    assert response.json() == {
        "status": "error",
        "message": "Действие доступно только администратору.",
        "errors": {},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", [URL, URL.rstrip("/")])
def test_an_admin_gets_the_report_by_user_with_and_without_the_slash(admin_client_api, path):
    usage = usage_may()

    response = admin_client_api.get(path, {**MAY, "group_by": "user"})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    data = body["data"]
    assert (data["date_from"], data["date_to"], data["group_by"]) == (
        "2026-05-01",
        "2026-05-31",
        "user",
    )
    assert data["check_names"] == ["contrast", "exposure", "sharpness"]
    assert [r["code"] for r in data["failure_reasons"]] == [
        "quality_checks",
        "provider_timeout",
        "provider_error",
        "stuck_worker",
        "other",
    ]
    alice, bob = data["rows"]
    assert alice == {
        "key": str(usage.alice.pk),
        "label": "alice@example.com",
        "user_id": str(usage.alice.pk),
        "user_email": "alice@example.com",
        "briefs": 2,
        "variants": 3,
        "provider_images": 5,
        "images_charged": 3,
        "regenerations": 2,
        "attempted_variants": 3,
        "regeneration_rate": 0.6667,
        "latency_p50": 8.0,
        "latency_p95": 18.0,
        "check_failures": {"contrast": 1, "exposure": 1, "sharpness": 3},
        "failures_total": 1,
        "failures": {
            "quality_checks": 1,
            "provider_timeout": 0,
            "provider_error": 0,
            "stuck_worker": 0,
            "other": 0,
        },
    }
    assert bob["user_email"] == "bob@example.com"
    assert bob["failures"]["stuck_worker"] == 1
    total = data["total"]
    assert (total["key"], total["label"], total["user_id"]) == ("total", "Итого", None)
    assert (total["briefs"], total["variants"], total["provider_images"]) == (6, 7, 8)
    assert (total["latency_p50"], total["latency_p95"]) == (9.0, 80.0)
    assert total["failures_total"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("group_by", "keys"),
    [
        ("day", ["2026-05-01", "2026-05-03", "2026-05-10", "2026-05-11"]),
        ("provider", ["kandinsky", "simulation"]),
    ],
)
def test_other_groupings(admin_client_api, group_by, keys):
    usage_may()

    data = admin_client_api.get(URL, {**MAY, "group_by": group_by}).json()["data"]

    assert [row["key"] for row in data["rows"]] == keys
    assert all(row["user_id"] is None for row in data["rows"])
    assert data["total"]["images_charged"] == 6


@pytest.mark.django_db
def test_the_default_is_the_current_month_so_far_by_user(api_client, admin_user):
    api_client.force_authenticate(admin_user)  # a token made today is not valid in May
    alice = UserFactory(email="alice@example.com")
    make_task(created=local(5, 2), owner=alice)
    make_task(created=local(5, 17, 10), owner=alice)
    make_task(created=local(4, 30, 23), owner=alice)  # last month

    with time_machine.travel(datetime(2026, 5, 17, 12, tzinfo=MSK), tick=False):
        data = api_client.get(URL).json()["data"]

    assert (data["date_from"], data["date_to"], data["group_by"]) == (
        "2026-05-01",
        "2026-05-17",
        "user",
    )
    assert data["total"]["briefs"] == 2


@pytest.mark.django_db
def test_only_to_means_its_month_up_to_it(admin_client_api):
    data = admin_client_api.get(URL, {"to": "2026-03-10"}).json()["data"]

    assert (data["date_from"], data["date_to"]) == ("2026-03-01", "2026-03-10")


@pytest.mark.django_db
def test_a_whole_leap_year_is_allowed(admin_client_api):
    response = admin_client_api.get(URL, {"from": "2028-01-01", "to": "2028-12-31"})

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"from": "2026-5-1", "to": "2026-05-31"}, {"from"}),
        ({"from": "2026-05-01", "to": "31.05.2026"}, {"to"}),
        ({"from": "2026-02-30"}, {"from"}),
        ({"from": "20260501"}, {"from"}),
        ({"from": "1999-12-31", "to": "2000-01-01"}, {"from"}),
        ({"from": "9999-12-31", "to": "9999-12-31"}, {"from", "to"}),
        ({"from": "2026-06-01", "to": "2026-05-31"}, {"from"}),
        ({"from": "2025-01-01", "to": "2026-01-02"}, {"to"}),  # 367 days
        ({**MAY, "group_by": "week"}, {"group_by"}),
        ({**MAY, "format": "xml"}, {"format"}),
        ({"from": "x", "group_by": "y", "format": "z"}, {"from", "group_by", "format"}),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(admin_client_api, query, names):
    response = admin_client_api.get(URL, query)

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert body["message"] == "Проверьте введённые данные"
    assert set(body["errors"]) == names


@pytest.mark.django_db
def test_csv_export(admin_client_api):
    usage = usage_may()

    response = admin_client_api.get(URL, {**MAY, "group_by": "user", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="usage-2026-05-01-2026-05-31-user.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert lines[0] == [
        "user_id",
        "email",
        "briefs",
        "variants",
        "provider_images",
        "images_charged",
        "regenerations",
        "attempted_variants",
        "regeneration_rate",
        "latency_p50",
        "latency_p95",
        "check_failed:contrast",
        "check_failed:exposure",
        "check_failed:sharpness",
        "failures_total",
        "failed:quality_checks",
        "failed:provider_timeout",
        "failed:provider_error",
        "failed:stuck_worker",
        "failed:other",
    ]
    assert lines[1:] == [
        [str(usage.alice.pk), "alice@example.com", "2", "3", "5", "3", "2", "3", "0.6667",
         "8.0", "18.0", "1", "1", "3", "1", "1", "0", "0", "0", "0"],
        [str(usage.bob.pk), "bob@example.com", "4", "4", "3", "3", "0", "3", "0.0",
         "100.0", "100.0", "0", "0", "0", "3", "0", "1", "1", "1", "0"],
        ["total", "", "6", "7", "8", "6", "2", "6", "0.3333",
         "9.0", "80.0", "1", "1", "3", "4", "1", "1", "1", "1", "0"],
    ]  # fmt: skip


@pytest.mark.django_db
def test_csv_by_day_has_one_key_column_and_empty_latency_when_none(admin_client_api):
    usage_may()

    response = admin_client_api.get(URL, {**MAY, "group_by": "day", "format": "csv"})

    assert response["Content-Disposition"].endswith(
        'filename="usage-2026-05-01-2026-05-31-day.csv"'
    )
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:2] == ["day", "briefs"]
    assert [line[0] for line in lines[1:]] == [
        "2026-05-01",
        "2026-05-03",
        "2026-05-10",
        "2026-05-11",
        "total",
    ]
    assert lines[1][8:10] == ["", ""]  # May 1: no attempt, no latency


@pytest.mark.django_db
def test_csv_cells_never_start_a_formula(admin_client_api):
    make_task(created=local(5, 5), provider="=HYPERLINK(1)")

    response = admin_client_api.get(URL, {**MAY, "group_by": "provider", "format": "csv"})

    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[1][0] == "'=HYPERLINK(1)"


@pytest.mark.django_db
def test_bad_input_with_format_csv_still_answers_the_json_envelope(admin_client_api):
    response = admin_client_api.get(URL, {"format": "csv", "group_by": "week"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()["errors"]) == {"group_by"}


def _users_with_work(count: int) -> None:
    for n in range(count):
        owner = UserFactory()
        for day in (3, 4):
            task = make_task(created=local(5, day), owner=owner, status="FAILED", attempts=2)
            make_attempt(task, 1, "REJECTED", seconds=n + 1, failed=("sharpness",))
            make_attempt(task, 2, "FAILED", seconds=2)


@pytest.mark.django_db
@pytest.mark.parametrize("group_by", ["user", "day", "provider"])
def test_the_number_of_queries_does_not_grow_with_users_or_tasks(group_by):
    bounds = {"date_from": date(2026, 5, 1), "date_to": date(2026, 5, 31), "group_by": group_by}
    _users_with_work(2)
    with CaptureQueriesContext(connection) as few:
        small = usage_report(**bounds)
    _users_with_work(10)
    with CaptureQueriesContext(connection) as many:
        large = usage_report(**bounds)

    # Tasks, failed tasks by reason, attempt counts, and the one pass over attempts.
    assert len(few) == len(many) == 4
    assert (small.total.briefs, large.total.briefs) == (4, 24)
    assert large.total.check_failures == {"sharpness": 24}
    assert large.total.failures["provider_error"] == 24


@pytest.mark.django_db
def test_the_api_request_costs_the_same_queries_with_more_data(admin_client_api):
    _users_with_work(1)
    with CaptureQueriesContext(connection) as few:
        admin_client_api.get(URL, MAY)
    _users_with_work(8)
    with CaptureQueriesContext(connection) as many:
        response = admin_client_api.get(URL, {**MAY, "format": "csv"})

    assert response.status_code == 200
    assert len(few) == len(many)
