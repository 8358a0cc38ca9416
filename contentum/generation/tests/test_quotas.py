"""Monthly quotas of provider images (issue 17, item 4): counted per task a user starts,
not for the attempts our own checks ask for; past the quota a 429 that says when the
month resets, and nothing is queued."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import client_for
from contentum.chats.models import Chat, ChatStatus
from contentum.chats.tests.factories import ALL_BUT_LAST, FINAL_ANSWER, make_chat
from contentum.generation.models import GenerationTask
from contentum.generation.tests.factories import PROMPT

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
GENERATE = "/api/promptactions/generate/"
BODY = {"parameters": {"idea": "Афиша спектакля", "event_name": "Чайка"}}


@pytest.fixture
def two_a_month(settings, simulation):
    settings.GENERATION_MONTHLY_QUOTA = 2


def test_me_shows_the_quota_used_left_and_when_it_resets(employee, two_a_month):
    with time_machine.travel(datetime(2026, 12, 20, 12, tzinfo=MOSCOW)):
        employee_client = client_for(employee)  # a token issued at the travelled time
        employee_client.post(GENERATE, BODY, format="json")
        quota = employee_client.get("/api/users/me/").json()["data"]["quota"]

    assert quota == {
        "limit": 2,
        "used": 1,
        "left": 1,
        "resets_at": "2027-01-01T00:00:00+03:00",
    }


def test_past_the_quota_a_brief_is_refused_with_the_reset_time_and_nothing_is_queued(
    employee, two_a_month
):
    with time_machine.travel(datetime(2026, 12, 31, 23, 0, tzinfo=MOSCOW), tick=False):
        employee_client = client_for(employee)
        for _ in range(2):
            assert employee_client.post(GENERATE, BODY, format="json").status_code == 202
        refused = employee_client.post(GENERATE, BODY, format="json")

    assert refused.status_code == 429
    body = refused.json()
    assert body["status"] == "error"
    assert "2 из 2" in body["message"] and "1 января" in body["message"]
    assert refused["Retry-After"] == "3600"
    assert body["data"]["left"] == 0
    assert GenerationTask.objects.filter(owner=employee).count() == 2


def test_a_new_month_gives_the_quota_back(employee, two_a_month):
    with time_machine.travel(datetime(2026, 12, 31, 23, 0, tzinfo=MOSCOW), tick=False):
        for _ in range(2):
            client_for(employee).post(GENERATE, BODY, format="json")
    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=MOSCOW), tick=False):
        assert client_for(employee).post(GENERATE, BODY, format="json").status_code == 202


def test_regenerations_our_checks_ask_for_are_not_charged(
    employee, settings, simulation, run_pipeline
):
    from contentum.generation.quotas import quota_of
    from contentum.generation.services import generation_task_create

    settings.SIMULATION_FAILURE_MODE = "blank"
    settings.SIMULATION_FAILURE_ATTEMPTS = 2  # two rejected, the third passes
    with run_pipeline():
        task = generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, max_attempts=3
        )
    task.refresh_from_db()

    assert task.attempts == 3
    assert quota_of(employee).used == 1


def test_an_admin_override_wins_over_the_default(
    employee, employee_client, admin_client_api, two_a_month
):
    response = admin_client_api.patch(
        f"/api/users/{employee.pk}/", {"monthlyImageQuota": 0}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["monthlyImageQuota"] == 0

    assert employee_client.post(GENERATE, BODY, format="json").status_code == 429
    bad = admin_client_api.patch(
        f"/api/users/{employee.pk}/", {"monthlyImageQuota": -1}, format="json"
    )
    assert bad.status_code == 400 and "monthlyImageQuota" in bad.json()["errors"]


def test_a_final_answer_past_the_quota_changes_nothing(employee, two_a_month):
    employee.monthly_image_quota = 0
    employee.save(update_fields=["monthly_image_quota"])
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    response = client_for(employee).post(
        "/api/messages/", {"chat": str(chat.id), "content": FINAL_ANSWER}, format="json"
    )

    assert response.status_code == 429
    chat = Chat.objects.get(pk=chat.pk)
    assert chat.status == ChatStatus.COLLECTING and chat.flow_step == ALL_BUT_LAST
    assert not GenerationTask.objects.filter(owner=employee).exists()


def test_without_a_limit_nothing_is_counted_or_locked(employee, employee_client, simulation):
    quota = employee_client.get("/api/users/me/").json()["data"]["quota"]

    assert quota["limit"] is None and quota["left"] is None
    assert employee_client.post(GENERATE, BODY, format="json").status_code == 202
