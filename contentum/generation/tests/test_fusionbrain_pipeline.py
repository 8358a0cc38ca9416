"""The whole pipeline (services, eager Celery steps, storage, checks) against a fake Fusion
Brain on a real socket, in each of the provider's failure modes."""

import pytest

from contentum.generation.models import AttemptStatus, TaskStatus
from contentum.generation.paraphrase import FIXES

pytestmark = [pytest.mark.django_db]

RISKY_PROMPT = "Постер фестиваля исторической реконструкции, кровь и мечи, голубой фон"


def test_a_full_queue_is_waited_out_and_the_job_then_succeeds(kandinsky_pipeline, queue_task):
    kandinsky_pipeline.queue_full_runs = 2  # DISABLED_BY_QUEUE twice, then a job

    task = queue_task(max_attempts=1)

    assert task.status == TaskStatus.SUCCESS
    attempt = task.attempt_set.get()
    assert attempt.provider_retries == 2
    assert len(kandinsky_pipeline.requests_to("run")) == 3
    assert attempt.provider_job_id in kandinsky_pipeline.jobs


def test_a_job_that_fails_at_the_provider_fails_the_task_with_its_reason(
    kandinsky_pipeline, queue_task, listener
):
    kandinsky_pipeline.outcome = "fail"

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.FAILED, 1)
    assert task.last_error == "Kandinsky не смог создать изображение: Модель не ответила"
    assert listener.calls == [(str(task.pk), TaskStatus.FAILED)]


def test_a_censored_image_fails_its_check_and_the_reworded_prompt_passes(
    kandinsky_pipeline, queue_task
):
    kandinsky_pipeline.next_outcomes = ["censored"]

    task = queue_task(prompt=RISKY_PROMPT, max_attempts=2)

    first, second = task.attempt_set.order_by("number")
    assert first.status == AttemptStatus.REJECTED
    assert first.failed_checks == ["censored"]
    assert first.image  # kept, to see what the filter hid
    assert "кровь" not in second.prompt and FIXES["censored"] in second.prompt
    assert (second.status, task.status) == (AttemptStatus.SUCCESS, TaskStatus.SUCCESS)
    [_, second_run] = kandinsky_pipeline.requests_to("run")
    assert second_run.form["params"]["generateParams"]["query"] == second.prompt


def test_a_censored_job_without_an_image_counts_as_a_failed_check(kandinsky_pipeline, queue_task):
    kandinsky_pipeline.next_outcomes = ["censored_no_image"]

    task = queue_task(max_attempts=2)

    first = task.attempt_set.get(number=1)
    assert (first.status, first.failed_checks, bool(first.image)) == (
        AttemptStatus.REJECTED,
        ["censored"],
        False,
    )
    assert task.status == TaskStatus.SUCCESS


def test_an_answer_that_is_not_an_image_fails_the_attempt_and_the_next_one_runs(
    kandinsky_pipeline, queue_task
):
    kandinsky_pipeline.next_outcomes = ["not_image"]

    task = queue_task(max_attempts=2)

    first, second = task.attempt_set.order_by("number")
    assert first.status == AttemptStatus.FAILED
    assert "не является изображением" in first.error
    assert (second.status, task.status) == (AttemptStatus.SUCCESS, TaskStatus.SUCCESS)


def test_wrong_keys_fail_the_task_at_once_naming_the_settings(
    settings, kandinsky_pipeline, queue_task
):
    settings.KANDINSKY_SECRET_KEY = "not-the-secret"

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.FAILED, 1)
    assert "(401)" in task.last_error and "KANDINSKY_SECRET_KEY" in task.last_error
    assert task.attempt_set.get().provider_retries == 0


def test_a_provider_that_never_answers_in_time_fails_after_the_retries(
    settings, kandinsky_pipeline, queue_task
):
    settings.GENERATION_PROVIDER_MAX_RETRIES = 2
    kandinsky_pipeline.delays["status"] = 2  # longer than the client's 0.3 s timeout

    task = queue_task(max_attempts=2)

    assert task.status == TaskStatus.FAILED
    assert "не ответил за 0.3 с" in task.last_error
    assert "повторов без успеха — 2" in task.last_error
    attempt = task.attempt_set.get()
    assert (attempt.status, attempt.provider_retries) == (AttemptStatus.FAILED, 2)
    assert len(kandinsky_pipeline.requests_to("status")) == 3
