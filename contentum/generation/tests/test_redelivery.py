"""A message delivered twice, or again after its worker died, changes nothing twice."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from contentum.celery import app as celery_app
from contentum.generation import pipeline, services, steps, tasks
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.tests.factories import PROMPT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulation")]


@pytest.fixture
def in_flight(settings, employee, django_capture_on_commit_callbacks):
    """A task whose job is at the provider, its poll sent but not yet delivered."""
    settings.SIMULATION_LATENCY_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        task = services.generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, max_attempts=2
        )
    with django_capture_on_commit_callbacks(execute=False) as sent:
        pipeline.run_submit(str(task.pk), 0)
    assert len(sent) == 1  # the poll, with its countdown
    settings.SIMULATION_LATENCY_SECONDS = 0  # by the time the poll arrives, the job is done
    return GenerationTask.objects.get(pk=task.pk)


def files_of(task: GenerationTask, media) -> list[str]:
    folder = media / "generation"
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and str(task.pk) in str(p))


def test_a_redelivered_submit_creates_no_second_attempt(
    in_flight, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as sent:
        pipeline.run_submit(str(in_flight.pk), 0)

    assert sent == []
    task = GenerationTask.objects.get(pk=in_flight.pk)
    assert task.step_token == in_flight.step_token
    [attempt] = task.attempt_set.all()
    assert attempt.status == AttemptStatus.RUNNING


def test_a_redelivered_poll_stores_one_image_and_tells_the_listener_once(
    in_flight, listener, media, django_capture_on_commit_callbacks
):
    token = in_flight.step_token
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.run_poll(str(in_flight.pk), token)
        pipeline.run_poll(str(in_flight.pk), token)  # the broker delivered it again

    task = GenerationTask.objects.get(pk=in_flight.pk)
    assert task.status == TaskStatus.SUCCESS
    assert task.attempt_set.count() == 1
    assert files_of(task, media) == ["attempt-1-thumb.webp", "attempt-1.png"]
    assert listener.calls == [(str(task.pk), TaskStatus.SUCCESS)]


def test_a_worker_dying_before_the_commit_leaves_the_step_to_be_done_again(
    in_flight, listener, media, monkeypatch, django_capture_on_commit_callbacks
):
    real_finish = steps.finish

    def dies_once(*args, **kwargs):
        monkeypatch.setattr(steps, "finish", real_finish)
        raise SystemExit("worker lost")  # no `except Exception` may swallow this

    monkeypatch.setattr(steps, "finish", dies_once)
    token = in_flight.step_token
    with pytest.raises(SystemExit):
        pipeline.run_poll(str(in_flight.pk), token)

    task = GenerationTask.objects.get(pk=in_flight.pk)
    assert (task.status, task.step_token) == (TaskStatus.RUNNING, token)
    assert task.attempt_set.get().status == AttemptStatus.RUNNING
    # The rolled-back attempt left no image behind; only the provider's answer, kept for
    # the redelivered step (the provider hands it out once).
    assert files_of(task, media) == ["attempt-1-raw.bin"]

    with django_capture_on_commit_callbacks(execute=True):
        pipeline.run_poll(str(in_flight.pk), token)  # acks_late: the message comes back

    task.refresh_from_db()
    assert task.status == TaskStatus.SUCCESS
    assert files_of(task, media) == ["attempt-1-thumb.webp", "attempt-1.png"]
    assert listener.calls == [(str(task.pk), TaskStatus.SUCCESS)]


def test_cancelling_makes_the_messages_in_flight_stale(in_flight, employee, listener):
    services.generation_task_cancel(actor=employee, task=in_flight)

    pipeline.run_poll(str(in_flight.pk), in_flight.step_token)

    task = GenerationTask.objects.get(pk=in_flight.pk)
    assert task.status == TaskStatus.CANCELLED
    assert task.attempt_set.get().status == AttemptStatus.CANCELLED
    assert not task.image
    assert listener.calls == [(str(task.pk), TaskStatus.CANCELLED)]


def test_a_message_for_a_deleted_task_is_dropped(in_flight):
    GenerationTask.objects.filter(pk=in_flight.pk).delete()

    pipeline.run_poll(str(in_flight.pk), in_flight.step_token)
    pipeline.run_submit(str(in_flight.pk), in_flight.step_token)


def test_a_poll_past_its_soft_time_limit_backs_off_and_polls_again(
    in_flight, monkeypatch, django_capture_on_commit_callbacks
):
    def too_slow(task_id, token):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline, "run_poll", too_slow)
    token = in_flight.step_token
    with django_capture_on_commit_callbacks(execute=False) as sent:
        tasks.poll.run(str(in_flight.pk), token)

    task = GenerationTask.objects.get(pk=in_flight.pk)
    assert (task.status, task.step_token) == (TaskStatus.RUNNING, token + 1)
    assert "не уложился" in task.last_error
    assert task.attempt_set.get().provider_retries == 1
    assert len(sent) == 1  # the poll again, after a backoff


def eager_retries_run_in_place(monkeypatch) -> None:
    """Eager Celery runs a retry at once, as a worker would after the countdown, instead of
    raising `Retry` to the caller."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


def test_a_step_that_meets_a_database_error_closes_the_connection_and_runs_again(
    in_flight, monkeypatch, django_capture_on_commit_callbacks
):
    real_run_poll = pipeline.run_poll
    calls, closed = [], []

    def database_drops_once(task_id, token):
        calls.append(token)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real_run_poll(task_id, token)

    monkeypatch.setattr(pipeline, "run_poll", database_drops_once)
    monkeypatch.setattr(tasks, "close_old_connections", lambda: closed.append(True))
    eager_retries_run_in_place(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll.apply(args=(str(in_flight.pk), in_flight.step_token))

    assert closed == [True] and len(calls) == 2
    assert GenerationTask.objects.get(pk=in_flight.pk).status == TaskStatus.SUCCESS


def test_a_database_that_stays_down_gives_up_after_the_retries(settings, in_flight, monkeypatch):
    settings.GENERATION_DB_MAX_RETRIES = 2
    calls = []

    def database_down(task_id, token):
        calls.append(token)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(pipeline, "run_poll", database_down)
    monkeypatch.setattr(tasks, "close_old_connections", lambda: None)
    eager_retries_run_in_place(monkeypatch)

    result = tasks.poll.apply(args=(str(in_flight.pk), in_flight.step_token))

    assert isinstance(result.result, OperationalError)
    assert len(calls) == 3  # the first run and two retries; then the sweeper's turn
