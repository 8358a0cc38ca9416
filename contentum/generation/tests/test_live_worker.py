"""A real Celery worker process: through a broker (Redis, or the embedded filesystem one),
on the test's database, from the API call to a stored PNG; and a worker killed mid-task."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from conftest import TEST_REDIS_URL, client_for
from contentum.accounts.tests.factories import UserFactory
from contentum.audit.models import AuditLog
from contentum.generation import services, tasks
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.tests.factories import PROMPT
from contentum.generation.tests.live import (
    Worker,
    live_broker,
    shared_database,
    wait_for,
    worker_env,
)
from contentum.prompts.tests.factories import PromptParametersFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.urls("contentum.generation.tests.urls"),
]

BROKERS = [pytest.param("redis", marks=pytest.mark.redis), "filesystem"]


@pytest.fixture
def live(request, settings, tmp_path):
    """`live(broker, **worker_settings)` → a function making started workers on one stack."""
    var_dir = tmp_path / "var"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.IMAGE_PROVIDER = "simulation"
    workers: list[Worker] = []
    stack: dict = {}

    def start(broker: str, **worker_settings) -> Worker:
        if not stack:
            stack["database"] = request.getfixturevalue("_live_database")(var_dir)
            stack["broker"] = request.getfixturevalue("_live_broker")(broker, var_dir)
        env = worker_env(var_dir, stack["database"], stack["broker"], **worker_settings)
        worker = Worker(env, tmp_path / "worker.log")
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def _live_database():
    contexts = []

    def enter(var_dir):
        context = shared_database(var_dir)
        contexts.append(context)
        return context.__enter__()

    yield enter
    for context in reversed(contexts):
        context.__exit__(None, None, None)


@pytest.fixture
def _live_broker():
    contexts = []

    def enter(kind, var_dir):
        context = live_broker(kind, var_dir, TEST_REDIS_URL)
        contexts.append(context)
        return context.__enter__()

    yield enter
    for context in reversed(contexts):
        context.__exit__(None, None, None)


def finished(task_id, worker: Worker, timeout: float = 20) -> GenerationTask:
    return wait_for(
        lambda: GenerationTask.objects.filter(pk=task_id, finished_at__isnull=False).first(),
        timeout,
        what=f"task {task_id} to finish",
        worker=worker,
    )


@pytest.mark.parametrize("broker", BROKERS)
def test_a_real_worker_takes_a_task_from_the_api_to_a_stored_png(live, broker):
    # A latency makes the job pending at first: the poll goes through the broker with a
    # countdown, on its own queue.
    worker = live(broker, SIMULATION_LATENCY_SECONDS=0.5)
    user = UserFactory()
    client = client_for(user)
    parameters = PromptParametersFactory(user=user)

    response = client.post(
        "/api/promptactions/generate/",
        {"prompt_parameters_id": str(parameters.id), "aspect_ratio": "1:1"},
        format="json",
    )

    assert response.status_code == 202, response.content
    task_id = response.json()["data"]["task_id"]
    task = finished(task_id, worker)
    assert task.status == TaskStatus.SUCCESS, task.last_error
    download = client.get(f"/api/generation-tasks/{task_id}/download/")
    image = Image.open(io.BytesIO(b"".join(download.streaming_content)))
    assert (image.format, image.size) == ("PNG", (1024, 1024))
    assert "generation.poll" in worker.log()  # the poll went through the broker


def killed_mid_job(live, broker: str) -> GenerationTask:
    """A task whose worker was SIGKILLed while it held the job's poll (a 30 s countdown),
    then left until its step is overdue: the deadline is moved into the past rather than
    waited for (the sweeper's clock is not what is under test here; the kill is)."""
    first = live(broker, SIMULATION_LATENCY_SECONDS=30)
    task = services.generation_task_create(user=UserFactory(), prompt=PROMPT, width=256, height=256)
    wait_for(
        lambda: task.attempt_set.filter(status=AttemptStatus.RUNNING).exists(),
        15,
        what="the job to be submitted",
        worker=first,
    )

    first.kill()

    task.refresh_from_db()
    assert task.status == TaskStatus.RUNNING and task.deadline_at > timezone.now()
    GenerationTask.objects.filter(pk=task.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    return task


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_killed_mid_task_leaves_it_to_the_sweeper_which_resumes_it(live, broker):
    task = killed_mid_job(live, broker)
    second = live(broker, SIMULATION_LATENCY_SECONDS=0)  # by now the job is done

    tasks.sweep.delay()

    task = finished(task.pk, second)
    assert task.status == TaskStatus.SUCCESS, task.last_error
    assert task.recoveries == 1
    [attempt] = task.attempt_set.all()  # the same attempt, polled again: no duplicate
    assert attempt.status == AttemptStatus.SUCCESS and attempt.image
    recovered = AuditLog.objects.filter(action="generation.recovered", target_id=str(task.pk))
    assert recovered.count() == 1


@pytest.mark.redis
def test_a_worker_killed_once_too_often_fails_the_task_cleanly(live):
    task = killed_mid_job(live, "redis")
    second = live("redis", SIMULATION_LATENCY_SECONDS=0, GENERATION_MAX_RECOVERIES=0)

    tasks.sweep.delay()

    task = finished(task.pk, second)
    assert task.status == TaskStatus.FAILED
    assert task.last_error.startswith("Генерация прервана")
    assert task.attempt_set.get().status == AttemptStatus.FAILED
