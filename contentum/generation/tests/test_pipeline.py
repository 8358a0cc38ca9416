"""The pipeline through the real services, with the simulation provider and eager Celery."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from PIL import Image

from contentum.audit.models import AuditLog
from contentum.generation import outcomes, pipeline, services
from contentum.generation.models import AttemptStatus, TaskStatus
from contentum.generation.paraphrase import FIXES
from contentum.generation.providers.base import PollResult, ProviderError, SubmitResult
from contentum.generation.tests.factories import PROMPT
from contentum.prompts import llm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulation")]

TWENTY_MB = 20 * 1024 * 1024


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


class ScriptedProvider:
    """Answers polls from a script per attempt number; `submit_errors` are raised first."""

    name = "simulation"
    blocking = False

    def __init__(self, polls: dict[int, PollResult], submit_errors=()) -> None:
        self.polls = polls
        self.submit_errors = list(submit_errors)
        self.submitted = 0

    def submit(self, request):
        if self.submit_errors:
            raise self.submit_errors.pop(0)
        self.submitted += 1
        return SubmitResult(job_id=f"job-{request.attempt}", poll_after_seconds=0)

    def poll(self, job_id, request):
        return self.polls.get(request.attempt) or self.polls[0]


def real_png() -> bytes:
    from contentum.generation.providers.simulation import draw_image

    buffer = io.BytesIO()
    draw_image(PROMPT, 256, 256).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def scripted(monkeypatch):
    def install(**kwargs) -> ScriptedProvider:
        provider = ScriptedProvider(**kwargs)
        monkeypatch.setattr(pipeline, "get_image_provider", lambda name=None: provider)
        return provider

    return install


def test_a_queued_task_ends_with_a_stored_png_and_a_webp_thumbnail(queue_task, listener):
    task = queue_task(max_attempts=2)

    assert task.status == TaskStatus.SUCCESS
    assert (task.attempts, task.last_error) == (1, "")
    assert task.started_at and task.finished_at and task.deadline_at is None
    image = Image.open(io.BytesIO(stored(task.image.name)))
    assert (image.format, image.size) == ("PNG", (256, 256))
    thumbnail = Image.open(io.BytesIO(stored(task.thumbnail.name)))
    assert thumbnail.format == "WEBP" and max(thumbnail.size) <= 256
    assert task.image.name.startswith(f"generation/{task.created_at:%Y/%m/%d}/{task.pk}/")

    [attempt] = task.attempt_set.all()
    assert (attempt.number, attempt.status, attempt.prompt) == (1, AttemptStatus.SUCCESS, PROMPT)
    assert attempt.image.name == task.image.name
    assert attempt.quality_report["passed"] is True
    assert {c["name"] for c in attempt.quality_report["checks"]} >= {"sharpness", "censored"}
    assert attempt.provider_job_id.startswith("sim-")
    assert attempt.submitted_at and attempt.finished_at

    actions = list(AuditLog.objects.filter(target_id=str(task.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["generation.queued", "generation.succeeded"]
    assert listener.calls == [(str(task.pk), TaskStatus.SUCCESS)]


def test_nothing_reaches_the_worker_before_the_transaction_commits(
    employee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = services.generation_task_create(user=employee, prompt=PROMPT, width=256, height=256)

    assert len(callbacks) == 1
    task.refresh_from_db()
    assert (task.status, task.attempts, task.step_token) == (TaskStatus.PENDING, 0, 0)
    assert not task.attempt_set.exists()


def test_failed_checks_reword_the_prompt_and_the_next_attempt_succeeds(settings, queue_task):
    settings.SIMULATION_FAILURE_MODE = "blurred"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.SUCCESS, 2)
    first, second = task.attempt_set.order_by("number")
    assert first.status == AttemptStatus.REJECTED
    assert "sharpness" in first.failed_checks
    assert "размыто" in first.error
    assert first.image and first.thumbnail  # a rejected image is kept to look at
    assert second.status == AttemptStatus.SUCCESS
    assert second.prompt != first.prompt
    assert FIXES["sharpness"] in second.prompt
    assert task.image.name == second.image.name != first.image.name


def test_all_attempts_failing_the_checks_fail_the_task_saying_why(settings, queue_task, listener):
    settings.SIMULATION_FAILURE_MODE = "blank"

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.FAILED, 3)
    assert "проверки качества" in task.last_error and "однотонное" in task.last_error
    attempts = list(task.attempt_set.order_by("number"))
    assert [a.status for a in attempts] == [AttemptStatus.REJECTED] * 3
    assert len({a.prompt for a in attempts}) == 3
    assert all(a.image and a.quality_report["passed"] is False for a in attempts)
    assert not task.image
    assert AuditLog.objects.get(action="generation.failed").details["reason"] == task.last_error
    assert listener.calls == [(str(task.pk), TaskStatus.FAILED)]


def test_gigachat_rewords_the_prompt_when_it_is_configured(settings, queue_task, monkeypatch):
    settings.SIMULATION_FAILURE_MODE = "blurred"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1
    settings.PARAPHRASER = "auto"
    asked = []
    monkeypatch.setattr(llm, "llm_configured", lambda: True)
    monkeypatch.setattr(
        llm, "llm_complete", lambda system, user: asked.append(user) or "Чёткий весенний постер"
    )

    task = queue_task(max_attempts=2)

    assert task.status == TaskStatus.SUCCESS
    assert task.attempt_set.get(number=2).prompt == "Чёткий весенний постер"
    assert PROMPT in asked[0] and "размыто" in asked[0]


def test_a_failed_job_that_may_pass_next_time_starts_the_next_attempt(settings, queue_task):
    settings.SIMULATION_FAILURE_MODE = "error"
    settings.SIMULATION_FAILURE_ATTEMPTS = 1

    task = queue_task(max_attempts=2)

    first, second = task.attempt_set.order_by("number")
    assert (first.status, second.status) == (AttemptStatus.FAILED, AttemptStatus.SUCCESS)
    assert "временно" in first.error
    assert task.status == TaskStatus.SUCCESS


def test_an_answer_that_is_not_an_image_fails_only_that_attempt(scripted, queue_task):
    scripted(
        polls={
            1: PollResult.done(image_bytes=b"<html><body>502 Bad Gateway</body></html>"),
            0: PollResult.done(image_bytes=real_png()),
        }
    )

    task = queue_task(max_attempts=2)

    first, second = task.attempt_set.order_by("number")
    assert first.status == AttemptStatus.FAILED
    assert "не является изображением" in first.error
    assert not first.image
    assert (second.status, task.status) == (AttemptStatus.SUCCESS, TaskStatus.SUCCESS)


def test_an_image_over_20_mb_fails_the_attempt_with_that_reason(scripted, queue_task):
    scripted(polls={0: PollResult.done(image_bytes=b"\x89PNG\r\n\x1a\n" + bytes(TWENTY_MB))})

    task = queue_task(max_attempts=1)

    [attempt] = task.attempt_set.all()
    assert attempt.status == AttemptStatus.FAILED
    assert "слишком большое" in attempt.error and "20.0 МБ" in attempt.error
    assert task.status == TaskStatus.FAILED and "слишком большое" in task.last_error
    assert not task.image


def test_a_refused_request_fails_the_task_without_more_attempts(scripted, queue_task):
    refused = ProviderError("Kandinsky отклонил запрос (400): плохой промпт", retryable=False)
    scripted(polls={}, submit_errors=[refused])

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.FAILED, 1)
    assert task.last_error == refused.message
    assert task.attempt_set.get().status == AttemptStatus.FAILED


def test_transient_provider_errors_are_retried_then_the_job_goes_through(scripted, queue_task):
    busy = ProviderError("Kandinsky сейчас не принимает задания.", retryable=True, retry_after=3)
    provider = scripted(
        polls={0: PollResult.done(image_bytes=real_png())}, submit_errors=[busy, busy]
    )

    task = queue_task(max_attempts=1)

    assert task.status == TaskStatus.SUCCESS
    attempt = task.attempt_set.get()
    assert (attempt.provider_retries, provider.submitted) == (2, 1)


def test_retries_run_out_and_the_task_fails_saying_the_provider_is_down(
    settings, scripted, queue_task
):
    settings.GENERATION_PROVIDER_MAX_RETRIES = 2
    down = ProviderError("Ошибка на стороне Kandinsky (503).", retryable=True)
    scripted(polls={}, submit_errors=[down] * 5)

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.FAILED, 1)
    assert "503" in task.last_error and "повторов без успеха — 2" in task.last_error
    assert task.attempt_set.get().provider_retries == 2


def test_backoff_doubles_honours_retry_after_and_is_capped(settings, monkeypatch):
    settings.GENERATION_RETRY_BASE_SECONDS = 2
    settings.GENERATION_RETRY_MAX_SECONDS = 60
    monkeypatch.setattr(outcomes.random, "uniform", lambda low, high: high)  # the ceiling

    assert [outcomes.backoff_seconds(n) for n in (1, 2, 3, 4)] == [2, 4, 8, 16]
    assert outcomes.backoff_seconds(1, retry_after=7) == 7
    assert outcomes.backoff_seconds(10) == 60
    assert outcomes.backoff_seconds(1, retry_after=600) == 60


def test_retries_at_the_cap_are_spread_over_the_whole_delay_not_bunched(settings):
    settings.GENERATION_RETRY_BASE_SECONDS = 2
    settings.GENERATION_RETRY_MAX_SECONDS = 60

    delays = [outcomes.backoff_seconds(12) for _ in range(200)]

    assert all(0 <= delay <= 60 for delay in delays)
    assert len(set(delays)) > 150  # not the cap every time
    assert min(delays) < 30 < max(delays)


def test_a_job_pending_past_the_timeout_is_given_up_for_the_next_attempt(
    settings, employee, django_capture_on_commit_callbacks
):
    settings.SIMULATION_LATENCY_SECONDS = 3600
    settings.GENERATION_JOB_TIMEOUT_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        task = services.generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, max_attempts=2
        )
        pipeline.run_submit(str(task.pk), 0)
    task.refresh_from_db()
    task.attempt_set.update(submitted_at=timezone.now() - timedelta(seconds=61))

    with django_capture_on_commit_callbacks(execute=False) as sent:
        pipeline.run_poll(str(task.pk), task.step_token)

    first = task.attempt_set.get(number=1)
    assert first.status == AttemptStatus.FAILED and "за 60 с" in first.error
    assert len(sent) == 1  # the next attempt's submit
    task.refresh_from_db()
    assert task.status == TaskStatus.RUNNING and "Попытка 1" in task.last_error


def test_deleting_the_owner_deletes_the_image_files_once_the_deletion_commits(
    queue_task, django_capture_on_commit_callbacks
):
    """A deleted account takes its tasks with it (a cascade): the files go too."""
    task = queue_task(max_attempts=1)
    names = [task.image.name, task.thumbnail.name]
    assert all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task.owner.delete()
    assert all(default_storage.exists(name) for name in names)  # not before the commit

    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in names)


def test_a_rolled_back_deletion_keeps_the_image_files(
    queue_task, django_capture_on_commit_callbacks
):
    task = queue_task(max_attempts=1)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        task.owner.delete()
        raise RuntimeError("the admin's request failed later on")

    assert callbacks == []
    assert default_storage.exists(task.image.name) and default_storage.exists(task.thumbnail.name)
