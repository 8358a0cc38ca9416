"""generation-tasks/: the list, the detail and the cancel / retry actions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.chats.models import Chat, ChatStatus
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.tests.factories import FinishedTaskFactory, GenerationTaskFactory

URL = "/api/generation-tasks/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("contentum.generation.tests.urls"),
    pytest.mark.usefixtures("simulation"),
]


def ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_employees_list_their_own_tasks_and_admins_everyones(employee, employee_client, admin_user):
    mine = GenerationTaskFactory.create_batch(2, owner=employee)
    theirs = GenerationTaskFactory(owner=UserFactory())

    assert ids(employee_client.get(URL)) == {str(t.pk) for t in mine}
    assert ids(client_for(admin_user).get(URL)) == {str(t.pk) for t in [*mine, theirs]}


def test_the_list_is_paginated_newest_first(employee, employee_client):
    old = GenerationTaskFactory(owner=employee)
    GenerationTask.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    new = GenerationTaskFactory(owner=employee)

    body = employee_client.get(URL).json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert [row["id"] for row in body["results"]] == [str(new.pk), str(old.pk)]


def test_filters_by_status_chat_and_creation_date(employee, employee_client):
    chat = Chat.objects.create(user=employee, title="Чат", status=ChatStatus.GENERATING)
    in_chat = GenerationTaskFactory(owner=employee, chat=chat)
    failed = FinishedTaskFactory(owner=employee)
    old = GenerationTaskFactory(owner=employee)
    GenerationTask.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    since = (timezone.now() - timedelta(days=1)).isoformat()

    assert ids(employee_client.get(URL, {"status": "FAILED"})) == {str(failed.pk)}
    assert ids(employee_client.get(URL, {"chat": str(chat.pk)})) == {str(in_chat.pk)}
    assert ids(employee_client.get(URL, {"created_at_after": since})) == {
        str(in_chat.pk),
        str(failed.pk),
    }
    assert ids(employee_client.get(URL, {"created_at_before": since})) == {str(old.pk)}


def test_ordering_by_status(employee, employee_client):
    pending = GenerationTaskFactory(owner=employee)
    failed = FinishedTaskFactory(owner=employee)

    body = employee_client.get(URL, {"ordering": "status"}).json()

    assert [row["id"] for row in body["results"]] == [str(failed.pk), str(pending.pk)]


def test_an_unknown_filter_value_is_refused_with_400(employee_client):
    response = employee_client.get(URL, {"status": "DONE"})

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize("path", [URL, None], ids=["list", "detail"])
def test_lists_and_details_cost_the_same_queries_for_few_rows_or_many(
    employee, employee_client, queue_task, path
):
    def run() -> int:
        target = path or f"{URL}{done.pk}/"
        with CaptureQueriesContext(connection) as queries:
            assert employee_client.get(target).status_code == 200
        return len(queries)

    done = queue_task(max_attempts=1)
    GenerationTaskFactory.create_batch(1, owner=employee)
    few = run()
    GenerationTaskFactory.create_batch(15, owner=employee)
    for number in (2, 3):  # more attempts on the detailed task
        done.attempt_set.create(number=number, prompt="ещё попытка")
    GenerationTask.objects.filter(pk=done.pk).update(attempts=3, max_attempts=3)

    assert run() == few
    # The user behind the token, then the count and the page; or the version (ETag), the
    # task, its attempts and its variants (none here).
    assert few == (3 if path else 5)


def test_the_detail_shows_attempts_with_their_reports_and_absolute_links(
    settings, employee, employee_client, queue_task
):
    settings.SIMULATION_FAILURE_MODE = "blurred"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1
    task = queue_task(max_attempts=2, origin="https://contentum.example.com/chat/")

    response = employee_client.get(f"{URL}{task.pk}/")

    assert response.status_code == 200, response.content
    data = response.json()
    base = f"https://contentum.example.com/api/generation-tasks/{task.pk}"
    assert (data["status"], data["attempts"], data["max_attempts"]) == ("SUCCESS", 2, 2)
    assert data["prompt_text"] == task.prompt
    assert data["download_url"] == f"{base}/download/"
    assert data["image_url"] == f"{base}/image/"
    assert data["thumbnail_url"] == f"{base}/thumbnail/"
    assert data["user"] == str(employee.pk) and data["user_email"] == employee.email
    first, second = data["attempt_details"]
    assert (first["number"], first["status"], first["passed"]) == (1, "REJECTED", False)
    assert "sharpness" in first["failed_checks"]
    sharpness = next(c for c in first["quality_report"]["checks"] if c["name"] == "sharpness")
    assert set(sharpness) == {"name", "value", "threshold", "passed", "message"}
    assert first["image_url"] == f"{base}/attempts/1/image/"
    assert (second["status"], second["passed"]) == ("SUCCESS", True)
    assert second["prompt"] != first["prompt"]


def test_an_unfinished_task_has_no_image_links(employee, employee_client):
    task = GenerationTaskFactory(owner=employee)

    data = employee_client.get(f"{URL}{task.pk}/").json()

    assert (data["image_url"], data["download_url"], data["attempt_details"]) == (None, None, [])


def test_another_users_task_is_not_found(employee_client):
    task = GenerationTaskFactory(owner=UserFactory())

    response = employee_client.get(f"{URL}{task.pk}/")

    assert response.status_code == 404
    assert response.json()["status"] == "error"


def test_a_running_task_is_cancelled_once(employee, employee_client, listener):
    task = GenerationTaskFactory(owner=employee, status=TaskStatus.RUNNING)

    response = employee_client.post(f"{URL}{task.pk}/cancel/")
    again = employee_client.post(f"{URL}{task.pk}/cancel/")

    assert response.status_code == 200, response.content
    assert response.json()["data"]["status"] == "CANCELLED"
    assert again.status_code == 409
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.finished_at
    assert AuditLog.objects.filter(action="generation.cancelled", actor=employee).count() == 1
    assert listener.calls == [(str(task.pk), TaskStatus.CANCELLED)]


def test_another_users_task_cannot_be_cancelled(employee_client):
    task = GenerationTaskFactory(owner=UserFactory())

    assert employee_client.post(f"{URL}{task.pk}/cancel/").status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING


def test_retrying_a_failed_task_queues_a_copy_of_it(employee, employee_client, run_pipeline):
    chat = Chat.objects.create(user=employee, title="Чат", status=ChatStatus.FAILED)
    failed = FinishedTaskFactory(
        owner=employee, chat=chat, width=512, height=768, max_attempts=4, negative_prompt="текст"
    )

    with run_pipeline():
        response = employee_client.post(f"{URL}{failed.pk}/retry/")

    assert response.status_code == 202, response.content
    retry = GenerationTask.objects.get(pk=response.json()["data"]["id"])
    assert retry.retried_from == failed and retry.pk != failed.pk
    assert (retry.prompt, retry.negative_prompt) == (failed.prompt, "текст")
    assert (retry.width, retry.height, retry.max_attempts, retry.chat) == (512, 768, 4, chat)
    assert retry.status == TaskStatus.SUCCESS
    retried = AuditLog.objects.get(action="generation.retried")
    assert (retried.target_id, retried.details["retry"]) == (str(failed.pk), str(retry.pk))
    failed.refresh_from_db()
    assert failed.status == TaskStatus.FAILED  # the original stays as it was


def test_a_cancelled_task_may_be_retried(employee, employee_client):
    cancelled = FinishedTaskFactory(owner=employee, status=TaskStatus.CANCELLED)

    assert employee_client.post(f"{URL}{cancelled.pk}/retry/").status_code == 202


@pytest.mark.parametrize("status", [TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.SUCCESS])
def test_retrying_a_task_that_did_not_fail_is_a_conflict(employee, employee_client, status):
    task = GenerationTaskFactory(owner=employee, status=status)

    response = employee_client.post(f"{URL}{task.pk}/retry/")

    assert response.status_code == 409
    assert response.json()["errors"]["status"] == [status]
    assert GenerationTask.objects.count() == 1


def test_a_second_retry_while_the_first_runs_is_a_conflict(employee, employee_client):
    failed = FinishedTaskFactory(owner=employee)
    first = employee_client.post(f"{URL}{failed.pk}/retry/").json()["data"]["id"]

    response = employee_client.post(f"{URL}{failed.pk}/retry/")

    assert response.status_code == 409
    assert response.json()["data"] == {"task_id": first}
    assert GenerationTask.objects.count() == 2


def test_retries_count_against_the_same_per_user_generation_limit(
    settings, employee, employee_client
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "generate": "1/min"}
    first, second = FinishedTaskFactory(owner=employee), FinishedTaskFactory(owner=employee)

    assert employee_client.post(f"{URL}{first.pk}/retry/").status_code == 202
    refused = employee_client.post(f"{URL}{second.pk}/retry/")

    assert refused.status_code == 429
    assert refused.json()["status"] == "error"
    assert GenerationTask.objects.count() == 3
