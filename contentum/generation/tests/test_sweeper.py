"""The sweeper: tasks whose next step never ran are resumed where they stopped, then failed."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from contentum.audit.models import AuditLog
from contentum.celery import app as celery_app
from contentum.generation import pipeline, services, steps, tasks
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.tests.factories import (
    FinishedTaskFactory,
    GenerationAttemptFactory,
    GenerationTaskFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulation")]


def overdue(**fields) -> GenerationTask:
    return GenerationTaskFactory(deadline_at=timezone.now() - timedelta(seconds=1), **fields)


@pytest.fixture
def sent(monkeypatch):
    """The messages the sweeper sends, instead of running them."""
    messages = []
    monkeypatch.setattr(
        steps,
        "publish",
        lambda step, task_id, token, countdown=0: messages.append((step, task_id, token)),
    )
    return messages


def sweep(django_capture_on_commit_callbacks) -> services.SweepResult:
    with django_capture_on_commit_callbacks(execute=True):
        return services.generation_tasks_sweep()


def test_a_running_task_whose_poll_was_lost_is_polled_again(
    sent, django_capture_on_commit_callbacks
):
    task = overdue(status=TaskStatus.RUNNING, attempts=1, step_token=4)
    GenerationAttemptFactory(task=task, provider_job_id="job-1", status=AttemptStatus.RUNNING)

    result = sweep(django_capture_on_commit_callbacks)

    task.refresh_from_db()
    assert result.resumed == [str(task.pk)] and result.failed == []
    assert sent == [("poll", str(task.pk), 5)]
    assert (task.status, task.recoveries, task.step_token) == (TaskStatus.RUNNING, 1, 5)
    assert task.deadline_at > timezone.now()
    recovered = AuditLog.objects.get(action="generation.recovered")
    assert recovered.details["step"] == "poll"


@pytest.mark.parametrize(
    "attempt_status", [None, AttemptStatus.PENDING, AttemptStatus.REJECTED], ids=str
)
def test_a_task_without_a_job_in_flight_is_submitted_again(
    sent, django_capture_on_commit_callbacks, attempt_status
):
    task = overdue(status=TaskStatus.RUNNING if attempt_status else TaskStatus.PENDING)
    if attempt_status:
        GenerationAttemptFactory(task=task, status=attempt_status)
        GenerationTask.objects.filter(pk=task.pk).update(attempts=1)

    sweep(django_capture_on_commit_callbacks)

    assert sent == [("submit", str(task.pk), 1)]


def test_a_task_stuck_again_after_its_recoveries_fails_saying_why(
    settings, sent, listener, django_capture_on_commit_callbacks
):
    settings.GENERATION_MAX_RECOVERIES = 2
    task = overdue(status=TaskStatus.RUNNING, attempts=1, recoveries=2)
    GenerationAttemptFactory(task=task, provider_job_id="job-1", status=AttemptStatus.RUNNING)

    result = sweep(django_capture_on_commit_callbacks)

    task.refresh_from_db()
    assert result.failed == [str(task.pk)] and sent == []
    assert task.status == TaskStatus.FAILED
    assert "Генерация прервана" in task.last_error and "воркер" in task.last_error
    attempt = task.attempt_set.get()
    assert (attempt.status, attempt.error) == (AttemptStatus.FAILED, task.last_error)
    assert listener.calls == [(str(task.pk), TaskStatus.FAILED)]


def test_tasks_on_time_and_finished_ones_are_left_alone(sent, django_capture_on_commit_callbacks):
    GenerationTaskFactory(
        status=TaskStatus.RUNNING, deadline_at=timezone.now() + timedelta(minutes=1)
    )
    FinishedTaskFactory(deadline_at=timezone.now() - timedelta(hours=1))

    result = sweep(django_capture_on_commit_callbacks)

    assert (result.resumed, result.failed, sent) == ([], [], [])


def test_the_lost_message_arriving_after_the_resume_is_dropped(
    settings, employee, django_capture_on_commit_callbacks
):
    settings.SIMULATION_LATENCY_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        task = services.generation_task_create(user=employee, prompt="Кот", width=64, height=64)
        pipeline.run_submit(str(task.pk), 0)
    task.refresh_from_db()
    lost_token = task.step_token
    GenerationTask.objects.filter(pk=task.pk).update(deadline_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        services.generation_tasks_sweep()
    settings.SIMULATION_LATENCY_SECONDS = 0

    pipeline.run_poll(str(task.pk), lost_token)  # the broker finally delivers the old one

    task.refresh_from_db()
    assert task.status == TaskStatus.RUNNING and task.step_token == lost_token + 1
    assert not task.attempt_set.get().image


def test_the_sweeper_works_in_batches(settings, sent, django_capture_on_commit_callbacks):
    settings.GENERATION_SWEEP_BATCH = 2
    for _ in range(3):
        overdue()

    assert len(sweep(django_capture_on_commit_callbacks).resumed) == 2
    assert len(sweep(django_capture_on_commit_callbacks).resumed) == 1


def test_the_sweep_task_runs_the_sweeper(sent, django_capture_on_commit_callbacks):
    overdue()

    with django_capture_on_commit_callbacks(execute=True):
        counts = tasks.sweep.delay().get()

    assert counts == {"resumed": 1, "failed": 0}


def test_each_step_has_its_queue_and_the_sweeper_a_periodic_entry():
    routes = django_settings.CELERY_TASK_ROUTES
    assert routes["generation.submit"] == {"queue": "generation"}
    assert routes["generation.poll"] == {"queue": "polling"}
    assert routes["generation.sweep"] == {"queue": "maintenance"}
    [entry] = django_settings.GENERATION_BEAT_SCHEDULE.values()
    assert entry["task"] == "generation.sweep"
    assert entry["options"]["queue"] == "maintenance"
    assert {"celery", "generation", "polling", "maintenance"} <= set(celery_app.amqp.queues)
    assert tasks.submit.soft_time_limit < tasks.submit.time_limit
    assert tasks.poll.soft_time_limit < tasks.poll.time_limit


def test_a_steps_deadline_is_its_countdown_and_its_own_time_limit_not_a_fixed_grace(settings):
    settings.GENERATION_POLL_TIME_LIMIT = 60
    settings.GENERATION_SUBMIT_TIME_LIMIT = 120
    settings.GENERATION_DEADLINE_MARGIN_SECONDS = 15
    task = GenerationTaskFactory(status=TaskStatus.RUNNING)

    before = timezone.now()
    steps.schedule(task, steps.POLL, 5, send=False)
    poll_deadline = task.deadline_at - before
    steps.schedule(task, steps.SUBMIT, send=False)
    submit_deadline = task.deadline_at - before

    assert timedelta(seconds=80) <= poll_deadline < timedelta(seconds=81)
    assert timedelta(seconds=135) <= submit_deadline < timedelta(seconds=136)


def test_a_task_whose_first_message_never_reached_the_broker_is_submitted_after_its_deadline(
    settings, employee, sent, django_capture_on_commit_callbacks
):
    settings.GENERATION_SUBMIT_TIME_LIMIT = 30
    settings.GENERATION_DEADLINE_MARGIN_SECONDS = 15
    with django_capture_on_commit_callbacks(execute=True):
        task = services.generation_task_create(user=employee, prompt="Кот", width=64, height=64)
    sent.clear()  # the broker was down: that first message is gone
    assert task.deadline_at <= timezone.now() + timedelta(seconds=45)

    on_time = services.generation_tasks_sweep(now=task.deadline_at - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        late = services.generation_tasks_sweep(now=task.deadline_at + timedelta(seconds=1))

    assert on_time.resumed == [] and late.resumed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskStatus.PENDING
    assert sent == [("submit", str(task.pk), task.step_token)]


def test_a_worker_that_starts_sweeps_at_once(monkeypatch):
    from celery.signals import worker_ready

    sent_tasks = []
    monkeypatch.setattr(celery_app, "send_task", lambda name, **kw: sent_tasks.append(name))

    worker_ready.send(sender=None)

    assert sent_tasks == ["generation.sweep"]
