"""Fusion Brain hands a finished image out once: an answer lost on the way, or a `run` that
timed out, must cost neither the image nor an attempt (issue 15), against the fake server."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from contentum.generation import pipeline, services, tasks
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.providers.base import ProviderError
from contentum.generation.providers.kandinsky import KandinskyProvider
from contentum.generation.tests.factories import PROMPT

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def forgetful(kandinsky_pipeline):
    """The fake as the real service behaves: a job whose image was handed out is a 404."""
    kandinsky_pipeline.forget_fetched = True
    return kandinsky_pipeline


@pytest.fixture
def submitted(forgetful, employee, django_capture_on_commit_callbacks):
    """A task whose job is at the fake Fusion Brain (done already), its poll not yet run."""
    with django_capture_on_commit_callbacks(execute=False):
        task = services.generation_task_create(
            user=employee, prompt=PROMPT, width=256, height=256, max_attempts=1
        )
    with django_capture_on_commit_callbacks(execute=False):
        pipeline.run_submit(str(task.pk), 0)
    return GenerationTask.objects.get(pk=task.pk)


def dies_once(monkeypatch, error: BaseException) -> None:
    """The step dies right after the provider's answer arrived, before it is checked."""
    real = pipeline.prepare_image

    def dying(data: bytes):
        monkeypatch.setattr(pipeline, "prepare_image", real)
        raise error

    monkeypatch.setattr(pipeline, "prepare_image", dying)


def no_paraphrase(monkeypatch) -> None:
    def paraphraser():
        raise AssertionError("a lost job is not a rejected image: nothing to reword")

    monkeypatch.setattr(pipeline, "paraphraser", paraphraser)


def test_a_poll_killed_after_reading_the_image_is_redelivered_and_succeeds_with_one_job(
    submitted, forgetful, monkeypatch, django_capture_on_commit_callbacks
):
    dies_once(monkeypatch, SystemExit("worker lost"))
    token = submitted.step_token
    with pytest.raises(SystemExit):
        pipeline.run_poll(str(submitted.pk), token)

    with django_capture_on_commit_callbacks(execute=True):
        pipeline.run_poll(str(submitted.pk), token)  # acks_late: the message comes back

    task = GenerationTask.objects.get(pk=submitted.pk)
    assert task.status == TaskStatus.SUCCESS and task.image
    assert len(forgetful.requests_to("run")) == 1
    assert len(forgetful.requests_to("status")) == 1  # the stored answer, not a second ask
    attempt = task.attempt_set.get()
    assert (attempt.lost_jobs, bool(attempt.raw_image)) == (0, False)


def test_a_poll_past_its_soft_time_limit_after_reading_the_image_still_succeeds(
    submitted, forgetful, monkeypatch, django_capture_on_commit_callbacks
):
    dies_once(monkeypatch, SoftTimeLimitExceeded())

    with django_capture_on_commit_callbacks(execute=True):
        tasks.poll.run(str(submitted.pk), submitted.step_token)

    task = GenerationTask.objects.get(pk=submitted.pk)
    assert (task.status, task.attempts) == (TaskStatus.SUCCESS, 1)
    assert len(forgetful.requests_to("run")) == 1


def test_an_image_lost_on_the_way_is_asked_for_again_with_the_same_prompt_and_no_attempt_used(
    forgetful, queue_task, monkeypatch
):
    real_poll = KandinskyProvider.poll
    lost: list[str] = []

    def answer_lost_once(self, job_id, request):
        result = real_poll(self, job_id, request)  # the service handed the image out…
        if result.state == "done" and not lost:
            lost.append(job_id)  # …and the answer never arrived
            raise ProviderError("Kandinsky не ответил за 0.3 с.", retryable=True)
        return result

    monkeypatch.setattr(KandinskyProvider, "poll", answer_lost_once)
    no_paraphrase(monkeypatch)

    task = queue_task(max_attempts=1)

    assert (task.status, task.attempts) == (TaskStatus.SUCCESS, 1)
    attempt = task.attempt_set.get()
    assert attempt.lost_jobs == 1 and attempt.provider_job_id != lost[0]
    runs = forgetful.requests_to("run")
    assert [run.form["params"]["generateParams"]["query"] for run in runs] == [PROMPT, PROMPT]


@pytest.mark.parametrize("forgets", [True, False], ids=["404", "done-without-files"])
def test_an_image_handed_out_to_a_killed_poll_is_drawn_again(
    forgets, kandinsky_pipeline, queue_task, monkeypatch
):
    """After the hand-out Fusion Brain answers 404, or DONE with no files (the fake's
    default): either way the job is lost, not failed, and drawn again with the same prompt."""
    kandinsky_pipeline.forget_fetched = forgets
    real_poll = KandinskyProvider.poll
    handed_out: list[str] = []

    def killed_after_the_hand_out(self, job_id, request):
        result = real_poll(self, job_id, request)
        if result.state == "done" and not handed_out:
            handed_out.append(job_id)
            raise ProviderError("Kandinsky не ответил за 0.3 с.", retryable=True)
        return result

    monkeypatch.setattr(KandinskyProvider, "poll", killed_after_the_hand_out)
    no_paraphrase(monkeypatch)

    task = queue_task(max_attempts=1)

    assert (task.status, task.attempts) == (TaskStatus.SUCCESS, 1)
    assert task.attempt_set.get().lost_jobs == 1


def test_jobs_lost_again_and_again_stop_after_the_cap(settings, forgetful, queue_task, monkeypatch):
    settings.GENERATION_MAX_LOST_JOBS = 2
    real_poll = KandinskyProvider.poll

    def always_lost(self, job_id, request):
        result = real_poll(self, job_id, request)
        if result.state == "done":
            raise ProviderError("Kandinsky не ответил за 0.3 с.", retryable=True)
        return result

    monkeypatch.setattr(KandinskyProvider, "poll", always_lost)

    task = queue_task(max_attempts=1)

    assert task.status == TaskStatus.FAILED
    assert "больше не знает задание" in task.last_error
    attempt = task.attempt_set.get()
    assert (attempt.status, attempt.lost_jobs) == (AttemptStatus.FAILED, 2)
    assert len(forgetful.requests_to("run")) == 3


def test_run_has_its_own_timeout_longer_than_a_status_call(
    settings, kandinsky_pipeline, queue_task
):
    settings.KANDINSKY_TIMEOUT_SECONDS = 0.3
    settings.KANDINSKY_RUN_TIMEOUT_SECONDS = 2.0
    kandinsky_pipeline.delays["run"] = 0.6

    task = queue_task(max_attempts=1)

    assert task.status == TaskStatus.SUCCESS
    assert task.attempt_set.get().orphaned_runs == 0
    assert len(kandinsky_pipeline.requests_to("run")) == 1


def test_a_run_that_timed_out_is_counted_as_an_orphan_and_retried_after_availability(
    settings, kandinsky_pipeline, queue_task
):
    settings.KANDINSKY_RUN_TIMEOUT_SECONDS = 0.2
    kandinsky_pipeline.delays["run"] = 0.5
    kandinsky_pipeline.delays_left["run"] = 1  # only the first run is slow

    task = queue_task(max_attempts=1)

    assert task.status == TaskStatus.SUCCESS
    assert task.attempt_set.get().orphaned_runs == 1
    routes = [r.route for r in kandinsky_pipeline.received if r.route in ("availability", "run")]
    assert routes == ["availability", "run", "availability", "run"]


def test_runs_that_keep_timing_out_fail_the_task_after_the_cap(
    settings, kandinsky_pipeline, queue_task
):
    settings.KANDINSKY_RUN_TIMEOUT_SECONDS = 0.2
    settings.GENERATION_MAX_ORPHANED_RUNS = 1
    kandinsky_pipeline.delays["run"] = 0.5

    task = queue_task(max_attempts=3)

    assert (task.status, task.attempts) == (TaskStatus.FAILED, 1)
    assert "не ответил за 0.2 с" in task.last_error and "2 раз" in task.last_error
    assert task.attempt_set.get().orphaned_runs == 2
    assert len(kandinsky_pipeline.requests_to("run")) == 2
