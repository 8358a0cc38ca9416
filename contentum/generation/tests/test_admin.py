"""The Django admin of generation tasks: lists, previews, attempts inline, actions."""

import pytest
from django.test import Client

from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.tests.factories import FinishedTaskFactory, GenerationTaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulation")]

TASKS = "/admin/generation/generationtask/"


def test_the_list_shows_previews_status_size_and_attempts(admin_browser, queue_task):
    done = queue_task(max_attempts=2)
    GenerationTaskFactory(width=1024, height=576)

    response = admin_browser.get(TASKS)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/admin/generation/generationtask/file/{done.pk}/thumbnail/" in html
    assert "1024×576" in html and "1/2" in html and "Готово" in html


def test_the_list_filters_and_searches(admin_browser, employee):
    failed = FinishedTaskFactory(owner=employee, prompt="Закат над морем")
    GenerationTaskFactory()

    by_status = admin_browser.get(TASKS, {"status__exact": "FAILED"})
    by_text = admin_browser.get(TASKS, {"q": "закат"})

    assert [t.pk for t in by_status.context["cl"].result_list] == [failed.pk]
    assert [t.pk for t in by_text.context["cl"].result_list] == [failed.pk]


def test_a_task_page_shows_its_attempts_with_previews_and_checks(
    settings, admin_browser, queue_task
):
    settings.SIMULATION_FAILURE_MODE = "blurred"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1
    task = queue_task(max_attempts=2)
    first = task.attempt_set.get(number=1)

    response = admin_browser.get(f"{TASKS}{task.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/admin/generation/generationtask/attempt-file/{first.pk}/thumbnail/" in html
    assert "не пройдены: sharpness" in html and "пройдены" in html
    preview = admin_browser.get(f"/admin/generation/generationtask/attempt-file/{first.pk}/image/")
    assert preview.status_code == 200 and preview["Content-Type"] == "image/png"
    assert admin_browser.get(f"{TASKS}file/{task.pk}/thumbnail/")["Content-Type"] == "image/webp"


def test_previews_are_for_admins_only(employee, queue_task):
    task = queue_task()
    client = Client()
    client.force_login(employee)

    response = client.get(f"{TASKS}file/{task.pk}/image/")

    assert response.status_code == 302  # to the admin login


def test_actions_cancel_running_tasks_and_retry_failed_ones(admin_browser, admin_user):
    running = GenerationTaskFactory(status=TaskStatus.RUNNING)
    failed = FinishedTaskFactory()

    admin_browser.post(TASKS, {"action": "cancel_tasks", "_selected_action": [str(running.pk)]})
    admin_browser.post(TASKS, {"action": "retry_tasks", "_selected_action": [str(failed.pk)]})

    running.refresh_from_db()
    assert running.status == TaskStatus.CANCELLED
    retry = GenerationTask.objects.get(retried_from=failed)
    assert retry.owner == failed.owner


def test_a_briefs_page_shows_its_variants_with_previews_and_scores(admin_browser, queue_task):
    brief = queue_task(variant_count=3)

    response = admin_browser.get(f"{TASKS}{brief.pk}/change/")
    listed = admin_browser.get(TASKS, {"has_variants__exact": "1"})

    assert response.status_code == 200
    html = response.content.decode()
    for variant in brief.variants.all():
        assert f"/admin/generation/generationtask/file/{variant.pk}/thumbnail/" in html
        assert f"№ {variant.variant_number}" in html
        assert str(variant.score).replace(".", ",") in html or str(variant.score) in html
    assert [t.pk for t in listed.context["cl"].result_list] == [brief.pk]
