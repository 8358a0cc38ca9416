"""Blocking providers (issue 18): one long `draw` call instead of submit and polls, sent
to a queue of its own so it never holds the prefork pool that polls Kandinsky; every
outcome (image, censored, refused, busy) ends the attempt as a poll's would."""

import io
from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings as django_settings
from django.utils import timezone

from contentum.generation import pipeline, services
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.providers.base import PollResult, ProviderError
from contentum.generation.tests.factories import PROMPT

pytestmark = pytest.mark.django_db


def png(width: int = 256, height: int = 256) -> bytes:
    from contentum.generation.providers.simulation import draw_image

    buffer = io.BytesIO()
    draw_image(PROMPT, width, height).save(buffer, "PNG")
    return buffer.getvalue()


class BlockingProvider:
    """Draws from a script, one result (or error) per call; records the requests."""

    name = "openai"
    blocking = True
    model = "sd-turbo"

    def __init__(self, script: list) -> None:
        self.script = list(script)
        self.requests = []

    def draw(self, request):
        self.requests.append(request)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def blocking(monkeypatch, simulation, settings):
    settings.IMAGE_PROVIDER = "openai"

    def install(*script) -> BlockingProvider:
        provider = BlockingProvider(script)
        monkeypatch.setattr(pipeline, "get_image_provider", lambda name=None: provider)
        return provider

    return install


def queue(employee, run_pipeline, **fields) -> GenerationTask:
    with run_pipeline():
        task = services.generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, **fields
        )
    return GenerationTask.objects.get(pk=task.pk)


def test_a_blocking_provider_draws_in_one_call_and_the_attempt_records_who_drew(
    employee, run_pipeline, blocking
):
    provider = blocking(PollResult.done(image_bytes=png()))

    task = queue(employee, run_pipeline)

    assert task.status == TaskStatus.SUCCESS, task.last_error
    (attempt,) = task.attempt_set.all()
    assert attempt.status == AttemptStatus.SUCCESS and attempt.provider_job_id == "drawn"
    assert (attempt.provider, attempt.model) == ("openai", "sd-turbo")
    assert [r.prompt for r in provider.requests] == [PROMPT]
    assert not attempt.raw_image  # the answer was stored, then became the image


def test_the_draw_step_goes_to_the_blocking_queue_and_nothing_else_does():
    routes = django_settings.CELERY_TASK_ROUTES
    prefix = django_settings.GENERATION_QUEUE_PREFIX

    assert routes["generation.draw"]["queue"] == f"{prefix}generation-blocking"
    others = {name: route["queue"] for name, route in routes.items() if name != "generation.draw"}
    assert f"{prefix}generation-blocking" not in others.values()
    assert "generation.draw" in current_app.tasks


def test_a_busy_provider_is_asked_again_after_a_backoff(employee, run_pipeline, blocking, settings):
    settings.GENERATION_RETRY_BASE_SECONDS = 0
    busy = ProviderError("Сервер перегружен (429).", retryable=True, retry_after=0)
    provider = blocking(busy, PollResult.done(image_bytes=png()))

    task = queue(employee, run_pipeline)

    assert task.status == TaskStatus.SUCCESS
    assert len(provider.requests) == 2
    assert task.attempt_set.get().provider_retries == 1


def test_a_censored_answer_is_reworded_and_drawn_again(employee, run_pipeline, blocking):
    refused = PollResult.failed(error="Запрос отклонён фильтром.", retryable=True, censored=True)
    provider = blocking(refused, PollResult.done(image_bytes=png()))

    task = queue(employee, run_pipeline, max_attempts=2)

    assert task.status == TaskStatus.SUCCESS
    first = task.attempt_set.get(number=1)
    assert first.status == AttemptStatus.REJECTED and first.failed_checks == ["censored"]
    assert provider.requests[1].prompt != provider.requests[0].prompt


def test_a_refused_key_fails_the_task_at_once_with_the_reason(employee, run_pipeline, blocking):
    blocking(ProviderError("Ключ не подошёл (401).", retryable=False, status=401))

    task = queue(employee, run_pipeline, max_attempts=3)

    assert task.status == TaskStatus.FAILED
    assert "Ключ не подошёл" in task.last_error
    assert task.attempts == 1


def test_bytes_that_are_not_an_image_fail_that_attempt_only(employee, run_pipeline, blocking):
    blocking(PollResult.done(image_bytes=b"<html>oops</html>"), PollResult.done(image_bytes=png()))

    task = queue(employee, run_pipeline, max_attempts=2)

    assert task.status == TaskStatus.SUCCESS
    first = task.attempt_set.get(number=1)
    assert first.status == AttemptStatus.FAILED and first.error


def test_a_lost_draw_is_resumed_by_the_sweeper_and_drawn_again(
    employee, run_pipeline, blocking, django_capture_on_commit_callbacks
):
    provider = blocking(PollResult.done(image_bytes=png()))
    with django_capture_on_commit_callbacks(execute=False):  # the worker never runs it
        task = services.generation_task_create(user=employee, prompt=PROMPT, width=256, height=256)
        pipeline.run_submit(str(task.pk), task.step_token)  # hands over to draw: lost
    task.refresh_from_db()
    assert task.attempt_set.get().status == AttemptStatus.RUNNING
    GenerationTask.objects.filter(pk=task.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    provider.script = [PollResult.done(image_bytes=png())]

    with run_pipeline():
        result = services.generation_tasks_sweep()

    assert result.resumed == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskStatus.SUCCESS


def test_a_redelivered_draw_uses_the_stored_answer_and_does_not_draw_twice(
    employee, run_pipeline, blocking, django_capture_on_commit_callbacks, monkeypatch
):
    provider = blocking(PollResult.done(image_bytes=png()))
    with django_capture_on_commit_callbacks(execute=False):
        task = services.generation_task_create(user=employee, prompt=PROMPT, width=256, height=256)
        pipeline.run_submit(str(task.pk), task.step_token)
    task.refresh_from_db()
    token = task.step_token
    hand_over = pipeline._hand_to_checks

    def killed(*args):
        raise SystemExit("the worker died after the answer was stored")

    monkeypatch.setattr(pipeline, "_hand_to_checks", killed)
    with pytest.raises(SystemExit):
        pipeline.run_draw(str(task.pk), token)
    monkeypatch.setattr(pipeline, "_hand_to_checks", hand_over)

    with run_pipeline():
        pipeline.run_draw(str(task.pk), token)  # the broker delivers the message again

    task.refresh_from_db()
    assert task.status == TaskStatus.SUCCESS
    assert len(provider.requests) == 1
