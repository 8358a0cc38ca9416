"""Every figure of the report, worked out by hand over `data.usage_may`."""

from datetime import date

import pytest

from contentum.generation.models import AttemptStatus, TaskStatus
from contentum.generation.services import _stuck_reason
from contentum.usage.selectors import FailureReason, usage_report
from contentum.usage.tests.data import local, make_attempt, make_task, usage_may

MAY = {"date_from": date(2026, 5, 1), "date_to": date(2026, 5, 31)}
NO_FAILURES = dict.fromkeys(FailureReason.values, 0)


def failures(**counts: int) -> dict[str, int]:
    return {**NO_FAILURES, **counts}


def figures(row) -> dict:
    return {
        "briefs": row.briefs,
        "variants": row.variants,
        "provider_images": row.provider_images,
        "images_charged": row.images_charged,
        "regenerations": row.regenerations,
        "attempted_variants": row.attempted_variants,
        "regeneration_rate": row.regeneration_rate,
        "latency": (row.latency_p50, row.latency_p95),
        "checks": row.check_failures,
        "failures": row.failures,
    }


TOTAL = {
    "briefs": 6,  # t1, b1, t2, t3, t4 and the queued one; not the variants
    "variants": 7,  # t1, v1, v2, t2, t3, t4, queued; not the brief with variants
    "provider_images": 8,
    "images_charged": 6,  # b1 and t3 charge nothing
    "regenerations": 2,  # t1 #2, v1 #2
    "attempted_variants": 6,  # all that ran but the queued one
    "regeneration_rate": 0.3333,
    # [4, 6, 8, 10, 20, 100] s: t2 never finished, t4 never started
    "latency": (9.0, 80.0),
    "checks": {"contrast": 1, "exposure": 1, "sharpness": 3},  # not t4's FAILED "size"
    "failures": failures(quality_checks=1, provider_timeout=1, provider_error=1, stuck_worker=1),
}
ALICE = {
    "briefs": 2,
    "variants": 3,
    "provider_images": 5,
    "images_charged": 3,
    "regenerations": 2,
    "attempted_variants": 3,
    "regeneration_rate": 0.6667,
    "latency": (8.0, 18.0),  # [4, 6, 8, 10, 20]
    "checks": {"contrast": 1, "exposure": 1, "sharpness": 3},
    "failures": failures(quality_checks=1),
}
BOB = {
    "briefs": 4,
    "variants": 4,
    "provider_images": 3,
    "images_charged": 3,
    "regenerations": 0,
    "attempted_variants": 3,
    "regeneration_rate": 0.0,
    "latency": (100.0, 100.0),
    "checks": {"contrast": 0, "exposure": 0, "sharpness": 0},
    "failures": failures(provider_timeout=1, provider_error=1, stuck_worker=1),
}


@pytest.mark.django_db
def test_by_user_every_figure_and_the_total():
    usage = usage_may()

    report = usage_report(**MAY, group_by="user")

    assert [row.user_email for row in report.rows] == ["alice@example.com", "bob@example.com"]
    assert [row.user_id for row in report.rows] == [str(usage.alice.pk), str(usage.bob.pk)]
    assert [row.label for row in report.rows] == ["alice@example.com", "bob@example.com"]
    assert figures(report.rows[0]) == ALICE
    assert figures(report.rows[1]) == BOB
    assert figures(report.total) == TOTAL
    assert report.total.failures_total == 4
    assert report.check_names == ["contrast", "exposure", "sharpness"]


@pytest.mark.django_db
def test_by_day_uses_local_dates():
    usage_may()

    report = usage_report(**MAY, group_by="day")

    # The queued task was created on April 30 in UTC, May 1 in Moscow.
    assert [row.key for row in report.rows] == [
        "2026-05-01",
        "2026-05-03",
        "2026-05-10",
        "2026-05-11",
    ]
    first, third, tenth, eleventh = (figures(row) for row in report.rows)
    assert (first["briefs"], first["variants"], first["provider_images"]) == (1, 1, 0)
    assert first["latency"] == (None, None)
    assert first["regeneration_rate"] == 0.0
    assert third == ALICE
    assert tenth == {
        "briefs": 2,
        "variants": 2,
        "provider_images": 2,
        "images_charged": 1,
        "regenerations": 0,
        "attempted_variants": 2,
        "regeneration_rate": 0.0,
        "latency": (100.0, 100.0),
        "checks": {"contrast": 0, "exposure": 0, "sharpness": 0},
        "failures": failures(provider_timeout=1, stuck_worker=1),
    }
    assert eleventh["failures"] == failures(provider_error=1)
    assert (eleventh["provider_images"], eleventh["latency"]) == (1, (None, None))
    assert report.rows[0].user_email is None
    assert figures(report.total) == TOTAL


@pytest.mark.django_db
def test_by_provider():
    usage_may()

    report = usage_report(**MAY, group_by="provider")

    assert [row.key for row in report.rows] == ["kandinsky", "simulation"]
    assert figures(report.rows[0]) == {
        "briefs": 3,
        "variants": 4,
        "provider_images": 5,
        "images_charged": 4,
        "regenerations": 1,
        "attempted_variants": 4,
        "regeneration_rate": 0.25,
        "latency": (6.0, 7.8),  # [4, 6, 8]
        "checks": {"contrast": 0, "exposure": 1, "sharpness": 2},
        "failures": failures(quality_checks=1, provider_timeout=1, provider_error=1),
    }
    assert figures(report.rows[1]) == {
        "briefs": 3,
        "variants": 3,
        "provider_images": 3,
        "images_charged": 2,
        "regenerations": 1,
        "attempted_variants": 2,
        "regeneration_rate": 0.5,
        "latency": (20.0, 92.0),  # [10, 20, 100]
        "checks": {"contrast": 1, "exposure": 0, "sharpness": 1},
        "failures": failures(stuck_worker=1),
    }
    assert figures(report.total) == TOTAL


@pytest.mark.django_db
def test_the_range_is_inclusive_in_local_dates():
    usage_may()

    april = usage_report(date_from=date(2026, 4, 30), date_to=date(2026, 4, 30), group_by="user")
    june = usage_report(date_from=date(2026, 6, 1), date_to=date(2026, 6, 1), group_by="user")
    first = usage_report(date_from=date(2026, 5, 1), date_to=date(2026, 5, 1), group_by="user")

    assert [(row.user_email, row.briefs) for row in april.rows] == [("alice@example.com", 1)]
    assert april.check_names == ["sharpness"]
    assert [(row.user_email, row.briefs) for row in june.rows] == [("bob@example.com", 1)]
    assert june.total.failures == failures(provider_error=1)
    assert [(row.user_email, row.briefs) for row in first.rows] == [("bob@example.com", 1)]


@pytest.mark.django_db
def test_an_empty_range_has_a_zero_total():
    report = usage_report(**MAY, group_by="provider")

    assert report.rows == []
    assert report.check_names == []
    assert figures(report.total) == {
        "briefs": 0,
        "variants": 0,
        "provider_images": 0,
        "images_charged": 0,
        "regenerations": 0,
        "attempted_variants": 0,
        "regeneration_rate": 0.0,
        "latency": (None, None),
        "checks": {},
        "failures": NO_FAILURES,
    }


def _failed(employee, last_error: str, *statuses: str):
    task = make_task(
        created=local(5, 5),
        owner=employee,
        status=TaskStatus.FAILED,
        attempts=len(statuses),
        last_error=last_error,
    )
    for number, status in enumerate(statuses, start=1):
        make_attempt(task, number, status)
    return task


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_error", "statuses", "reason"),
    [
        ("Изображение не прошло автоматические проверки качества.", ["FAILED", "REJECTED"],
         "quality_checks"),
        # The last attempt's status decides, not the words nor the first attempt.
        ("Попытка 2: что-то", ["REJECTED", "REJECTED"], "quality_checks"),
        ("Kandinsky отклонил запрос (400): нет", ["REJECTED", "FAILED"], "provider_error"),
        ("Нет связи с Kandinsky (ConnectError).", ["FAILED"], "provider_error"),
        ("Kandinsky не ответил за 30 с. Провайдер недоступен.", ["FAILED"], "provider_timeout"),
        ("Шаг генерации не уложился в отведённое время.", ["FAILED"], "provider_timeout"),
        ("Не удалось получить изображение (попыток: 3). Kandinsky не ответил за 5 с.",
         ["FAILED", "FAILED", "FAILED"], "provider_timeout"),
        ("x Запуск не ответил 4 раз(а); новые задания не отправляются", ["FAILED"],
         "provider_timeout"),
        ("", [], "other"),
        ("Неизвестно что", ["RUNNING"], "other"),
    ],
)  # fmt: skip
def test_failures_are_classified_by_the_last_attempt_then_the_words(
    employee, last_error, statuses, reason
):
    _failed(employee, last_error, *statuses)

    report = usage_report(**MAY, group_by="user")

    assert report.total.failures == failures(**{reason: 1})


@pytest.mark.django_db
def test_the_sweepers_words_mean_a_stuck_worker_whatever_the_attempt_says(employee):
    task = _failed(employee, "", AttemptStatus.REJECTED, AttemptStatus.FAILED)
    task.recoveries = 3
    task.last_error = _stuck_reason(task)
    task.save(update_fields=["recoveries", "last_error"])

    report = usage_report(**MAY, group_by="user")

    assert report.total.failures == failures(stuck_worker=1)


@pytest.mark.django_db
def test_only_failed_tasks_count_as_failures(employee):
    for status in (TaskStatus.SUCCESS, TaskStatus.CANCELLED, TaskStatus.RUNNING):
        task = make_task(created=local(5, 5), owner=employee, status=status, attempts=1)
        make_attempt(task, 1, AttemptStatus.FAILED)

    report = usage_report(**MAY, group_by="user")

    assert report.total.failures == NO_FAILURES
    assert report.total.provider_images == 3


@pytest.mark.django_db
def test_odd_quality_reports_do_not_break_the_report(employee):
    task = make_task(created=local(5, 5), owner=employee, status=TaskStatus.FAILED, attempts=3)
    for number, report in enumerate(
        [{"checks": "broken"}, ["not", "a", "dict"], {"checks": [{"passed": False}, 3]}], 1
    ):
        attempt = make_attempt(task, number, AttemptStatus.REJECTED)
        attempt.quality_report = report
        attempt.save(update_fields=["quality_report"])

    report = usage_report(**MAY, group_by="user")

    assert report.check_names == []
    assert report.total.provider_images == 3
    assert report.total.failures == failures(quality_checks=1)
