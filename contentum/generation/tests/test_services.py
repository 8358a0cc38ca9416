"""The interface the chats app uses: generation_task_create, listeners, task_urls."""

import pytest
from django.db import IntegrityError, transaction

from contentum.audit.models import AuditLog
from contentum.chats.models import Chat, ChatStatus
from contentum.common.exceptions import ApplicationError
from contentum.generation import events, selectors, services
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.tests.factories import PROMPT, GenerationTaskFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulation")]


def create(user, **fields) -> GenerationTask:
    return services.generation_task_create(
        user=user, **{"prompt": PROMPT, "width": 512, "height": 512, **fields}
    )


def refused(user, field: str, **fields) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        create(user, **fields)
    assert caught.value.status_code == 400
    assert field in caught.value.errors, caught.value.errors
    assert not GenerationTask.objects.exists()
    assert not AuditLog.objects.filter(action="generation.queued").exists()
    return caught.value


def test_creating_stores_a_pending_task_and_audits_it(employee):
    chat = Chat.objects.create(user=employee, title="Чат", status=ChatStatus.GENERATING)

    task = create(employee, chat=chat, max_attempts=5, negative_prompt=" текст ", origin="")

    task.refresh_from_db()
    assert (task.status, task.owner, task.chat, task.provider) == (
        TaskStatus.PENDING,
        employee,
        chat,
        "simulation",
    )
    assert (task.width, task.height, task.max_attempts, task.attempts) == (512, 512, 5, 0)
    assert task.negative_prompt == "текст"
    queued = AuditLog.objects.get(action="generation.queued")
    assert (queued.actor, queued.target_id) == (employee, str(task.pk))
    assert queued.details["chat"] == str(chat.pk) and queued.details["size"] == "512x512"


def test_a_prompt_over_1000_characters_is_refused_with_400(employee):
    error = refused(employee, "prompt", prompt="слово " * 200)
    assert "1000" in error.message


@pytest.mark.parametrize("prompt", ["", "   ", None, 42])
def test_an_empty_prompt_is_refused(employee, prompt):
    refused(employee, "prompt", prompt=prompt)


def test_a_negative_prompt_over_1000_characters_is_refused(employee):
    refused(employee, "negative_prompt", negative_prompt="н" * 1001)


@pytest.mark.parametrize(
    ("width", "height"), [(1000, 1000), (2048, 1024), (0, 512), ("512", 512), (512.0, 512)]
)
def test_an_unsupported_size_is_refused_with_400(employee, width, height):
    refused(employee, "size", width=width, height=height)


@pytest.mark.parametrize("max_attempts", [0, 11, True, "3"])
def test_max_attempts_outside_1_to_10_is_refused_with_400(employee, max_attempts):
    refused(employee, "max_attempts", max_attempts=max_attempts)


def test_the_database_refuses_max_attempts_outside_1_to_10(employee):
    with pytest.raises(IntegrityError), transaction.atomic():
        GenerationTaskFactory(max_attempts=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        GenerationTaskFactory(max_attempts=0)


def test_the_database_refuses_a_second_attempt_with_the_same_number(employee):
    task = GenerationTaskFactory(attempts=1)
    task.attempt_set.create(number=1, prompt=PROMPT)

    with pytest.raises(IntegrityError), transaction.atomic():
        task.attempt_set.create(number=1, prompt=PROMPT)


@pytest.mark.parametrize(
    ("origin", "kept"),
    [
        ("https://contentum.example.com/api/messages/", "https://contentum.example.com"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("javascript:alert(1)", ""),
        ("contentum.example.com", ""),
    ],
)
def test_only_the_scheme_and_host_of_an_origin_are_kept(employee, origin, kept):
    assert create(employee, origin=origin).origin == kept


def test_links_are_absolute_from_the_tasks_origin(employee):
    task = create(employee, origin="https://contentum.example.com")

    urls = selectors.task_urls(task)

    base = f"https://contentum.example.com/api/generation-tasks/{task.pk}"
    assert urls["download_url"] == f"{base}/download/"
    assert urls["image_url"] == f"{base}/image/"
    assert urls["thumbnail_url"] == f"{base}/thumbnail/"
    assert urls["retry_url"] == f"{base}/retry/"


def test_links_fall_back_to_the_public_base_url_then_to_relative(settings, employee):
    task = create(employee)
    settings.PUBLIC_BASE_URL = "https://public.example.com"
    assert selectors.task_urls(task)["download_url"].startswith("https://public.example.com/api/")

    settings.PUBLIC_BASE_URL = ""
    assert selectors.task_urls(task)["download_url"] == (
        f"/api/generation-tasks/{task.pk}/download/"
    )


def test_listeners_hear_each_finished_task_once_inside_its_transaction(
    settings, queue_task, listener
):
    done = queue_task()
    settings.SIMULATION_FAILURE_MODE = "blank"
    failed = queue_task(max_attempts=1)

    assert listener.calls == [
        (str(done.pk), TaskStatus.SUCCESS),
        (str(failed.pk), TaskStatus.FAILED),
    ]
    # The listener read the row as the same transaction had just written it.
    assert listener.seen_in_db == [TaskStatus.SUCCESS, TaskStatus.FAILED]


def test_a_failing_listener_is_rolled_back_alone_and_the_task_still_finishes(
    queue_task, listener, employee
):
    class Broken:
        def task_finished(self, task):
            Chat.objects.create(user=employee, title="не сохранится", status=ChatStatus.FAILED)
            raise RuntimeError("bug in a listener")

    broken = Broken()
    events.register_listener(broken)
    try:
        task = queue_task()
    finally:
        events.unregister_listener(broken)

    assert task.status == TaskStatus.SUCCESS
    assert not Chat.objects.filter(title="не сохранится").exists()
    assert listener.calls == [(str(task.pk), TaskStatus.SUCCESS)]


def test_a_listener_is_registered_once_and_must_have_task_finished():
    class Listener:
        def task_finished(self, task):
            pass

    listener = Listener()
    events.register_listener(listener)
    events.register_listener(listener)
    try:
        assert sum(existing is listener for existing in events._listeners) == 1
    finally:
        events.unregister_listener(listener)
    with pytest.raises(TypeError):
        events.register_listener(object())
