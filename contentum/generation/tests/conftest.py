"""Fixtures of the generation tests: the fake Fusion Brain, running what a commit would
send, and a listener that records what it heard (`media` and `simulation`, the settings
for a fast offline pipeline, are in the root conftest: chats tests use them too)."""

from contextlib import contextmanager

import pytest

from contentum.generation import events, services
from contentum.generation.models import GenerationTask
from contentum.generation.providers.kandinsky import KandinskyConfig, _shared_provider
from contentum.generation.tests.factories import PROMPT
from contentum.generation.tests.fake_fusionbrain import FakeFusionBrain


@pytest.fixture
def fusionbrain():
    with FakeFusionBrain() as server:
        yield server


@pytest.fixture
def kandinsky(fusionbrain):
    provider = fusionbrain.provider()
    yield provider
    provider.close()


@pytest.fixture
def kandinsky_pipeline(settings, media, fusionbrain):
    """The pipeline pointed at the fake Fusion Brain with short timeouts and polls."""
    settings.IMAGE_PROVIDER = "kandinsky"
    settings.KANDINSKY_BASE_URL = fusionbrain.base_url
    settings.KANDINSKY_API_KEY = fusionbrain.api_key
    settings.KANDINSKY_SECRET_KEY = fusionbrain.secret_key
    settings.KANDINSKY_STYLES_URL = fusionbrain.styles_url
    settings.KANDINSKY_TIMEOUT_SECONDS = 0.3
    settings.KANDINSKY_POLL_INTERVAL_SECONDS = 0.01
    settings.PARAPHRASER = "rules"
    yield fusionbrain
    # The process-wide client for this configuration holds open connections: close it.
    _shared_provider(KandinskyConfig.from_settings()).close()
    _shared_provider.cache_clear()


@pytest.fixture
def run_pipeline(django_capture_on_commit_callbacks):
    """`with run_pipeline(): ...` runs what the block's commit would send, and what that
    sends in turn: with eager Celery the whole pipeline, as a worker would after commit."""

    @contextmanager
    def running():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return running


@pytest.fixture
def queue_task(employee, run_pipeline):
    """Queues a task for `employee` and runs it to its end; returns it fresh from the DB."""

    def queue(*, user=None, **fields) -> GenerationTask:
        values = {"prompt": PROMPT, "width": 256, "height": 256, **fields}
        with run_pipeline():
            task = services.generation_task_create(user=user or employee, **values)
        return GenerationTask.objects.get(pk=task.pk)

    return queue


class RecordingListener:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.seen_in_db: list[str] = []

    def task_finished(self, task: GenerationTask) -> None:
        self.calls.append((str(task.pk), task.status))
        # What the same transaction already wrote: the listener runs after the move.
        self.seen_in_db.append(GenerationTask.objects.get(pk=task.pk).status)


@pytest.fixture
def listener():
    recorder = RecordingListener()
    events.register_listener(recorder)
    yield recorder
    events.unregister_listener(recorder)


@pytest.fixture
def done(queue_task):
    """A task generated to its image in one attempt (the simulation provider)."""
    return queue_task(max_attempts=1)
