"""The final answer of a chat survives Redis being down: the generation quota fails open
(a cost limit, not a secret), and a message the broker refuses waits for the sweeper."""

import logging

import pytest
from celery import Celery

from conftest import client_for
from contentum.celery import app
from contentum.chats.tests.factories import ALL_BUT_LAST, FINAL_ANSWER, make_chat
from contentum.generation.models import GenerationTask, TaskStatus

DEAD_REDIS = "redis://127.0.0.1:9/0"

pytestmark = pytest.mark.django_db


def final_answer(user, chat):
    return client_for(user).post(
        "/api/messages/",
        {"chat": str(chat.id), "content": FINAL_ANSWER},
        format="json",
    )


@pytest.fixture
def broker_down():
    """Messages go, as in a web process, to a broker nobody listens on: a Celery app of
    its own (no tasks registered, not eager) is made the current one while the test runs."""
    with Celery("broker-down", broker=DEAD_REDIS, set_as_current=True) as dead:
        dead.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0}
        try:
            yield dead
        finally:
            app.set_current()


def test_the_final_answer_is_201_while_the_cache_is_down(
    employee, settings, caplog, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    with (
        caplog.at_level(logging.WARNING, logger="contentum.common.throttling"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = final_answer(employee, chat)

    assert response.status_code == 201, response.content
    assert GenerationTask.objects.filter(chat=chat).exists()
    assert "GenerationUserThrottle not applied" not in caplog.text  # _GenerationCheck's
    assert "Cache unreachable" in caplog.text


def test_a_broker_that_refuses_the_message_leaves_the_task_pending_for_the_sweeper(
    employee, broker_down, caplog, django_capture_on_commit_callbacks
):
    chat = make_chat(employee, answers=ALL_BUT_LAST)

    with (
        caplog.at_level(logging.ERROR, logger="contentum.generation.steps"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = final_answer(employee, chat)

    assert response.status_code == 201, response.content
    task = GenerationTask.objects.get(pk=response.json()["data"]["generation_task_id"])
    assert task.status == TaskStatus.PENDING
    assert task.deadline_at is not None  # the sweeper's cue
    published = [r for r in caplog.records if r.name == "contentum.generation.steps"]
    assert published, caplog.text
    assert str(task.pk) in published[0].getMessage()
    assert published[0].exc_info is not None
