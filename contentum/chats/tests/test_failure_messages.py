"""A failed generation tells the employee, in plain Russian, what happened and what to do;
the pipeline's own words stay in the message's payload for admins and API clients.

Each failure is made the way the pipeline makes it (the simulation provider, a scripted
provider, the sweeper, a cancel), so a change of the pipeline's wording shows up here."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contentum.chats.failures import FailureKind, failure_kind
from contentum.chats.models import Chat, ChatStatus, Message, MessageKind
from contentum.chats.tests.factories import make_chat
from contentum.generation import pipeline, services
from contentum.generation.models import AttemptStatus, GenerationTask, TaskStatus
from contentum.generation.providers.base import ProviderError, SubmitResult
from contentum.generation.tests.factories import PROMPT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("simulation")]

TECHNICAL = ("http", "post", "/api/", "попыток:", "симуляция", "kandinsky", "(503)", "воркер")


class DownProvider:
    """A provider whose every submit raises `error` (a scripted outage or refusal)."""

    name = "simulation"
    blocking = False

    def __init__(self, error: ProviderError) -> None:
        self.error = error

    def submit(self, request) -> SubmitResult:
        raise self.error

    def poll(self, job_id, request):  # pragma: no cover - never reached
        raise AssertionError("no job was submitted")


@pytest.fixture
def chat(employee) -> Chat:
    return make_chat(employee)


@pytest.fixture
def generate(employee, chat, django_capture_on_commit_callbacks):
    """Queues a task for the chat and runs the pipeline to its end, as a worker would."""

    def run(*, variant_count: int = 1, max_attempts: int = 2) -> GenerationTask:
        with django_capture_on_commit_callbacks(execute=True):
            task = services.generation_task_create(
                user=employee,
                chat=chat,
                prompt=PROMPT,
                width=256,
                height=256,
                max_attempts=max_attempts,
                variant_count=variant_count,
            )
        return GenerationTask.objects.get(pk=task.pk)

    return run


def failure_message(chat: Chat, task: GenerationTask) -> Message:
    chat.refresh_from_db()
    message = chat.last_message
    assert message.kind == MessageKind.GENERATION_FAILED
    assert message.payload["generation_task_id"] == str(task.pk)
    return message


def assert_plain(message: Message, task: GenerationTask, kind: FailureKind) -> None:
    content = message.content
    lowered = content.lower()
    assert not [word for word in TECHNICAL if word in lowered], content
    assert "«Повторить»" in content
    # What happened is said once: one sentence, then what to do.
    first, advice = content.split("\n")
    assert first.count(".") == 1 and first.endswith(".")
    assert "Повторить" in advice
    assert message.payload["failure"] == kind.value
    assert message.payload["reason"] == task.last_error and task.last_error
    assert message.payload["retry_url"].endswith(f"/api/generation-tasks/{task.pk}/retry/")


def test_images_the_quality_checks_keep_rejecting(settings, chat, generate):
    settings.SIMULATION_FAILURE_MODE = "blank"

    task = generate()

    assert task.status == TaskStatus.FAILED
    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.QUALITY)
    assert message.content == (
        "❌ Не удалось сгенерировать изображение: все попытки не прошли автоматическую "
        "проверку качества.\nНажмите «Повторить»: изображение нарисуется заново."
    )
    assert chat.status == ChatStatus.FAILED


def test_a_provider_that_cannot_draw_the_image(settings, chat, generate):
    settings.SIMULATION_FAILURE_MODE = "error"

    task = generate()

    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.PROVIDER)
    assert "Симуляция: провайдер временно не смог" in message.payload["reason"]
    assert message.content.startswith(
        "❌ Не удалось сгенерировать изображение: сервис изображений не смог его нарисовать."
    )


@pytest.mark.parametrize(
    "error",
    [
        ProviderError("Ошибка на стороне Kandinsky (503).", retryable=True),
        ProviderError("Kandinsky не ответил за 30 с.", retryable=True),
        ProviderError("Сервер изображений ограничил частоту запросов (429).", retryable=True),
        ProviderError("Нет связи с GigaChat (ConnectError).", retryable=True),
    ],
    ids=["server-error", "timeout", "rate-limited", "unreachable"],
)
def test_an_image_service_that_does_not_answer_or_is_overloaded(
    settings, monkeypatch, chat, generate, error
):
    settings.GENERATION_PROVIDER_MAX_RETRIES = 1
    settings.GENERATION_RETRY_BASE_SECONDS = 0
    monkeypatch.setattr(pipeline, "get_image_provider", lambda name=None: DownProvider(error))

    task = generate()

    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.UNAVAILABLE)
    assert error.message in message.payload["reason"]
    assert "сервис изображений не ответил вовремя или перегружен" in message.content
    assert "Подождите" in message.content


def test_a_request_the_image_service_refuses(monkeypatch, chat, generate):
    refused = ProviderError(
        "Kandinsky не принял ключи доступа (401): проверьте KANDINSKY_API_KEY.", retryable=False
    )
    monkeypatch.setattr(pipeline, "get_image_provider", lambda name=None: DownProvider(refused))

    task = generate()

    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.PROVIDER)
    assert "KANDINSKY_API_KEY" not in message.content
    assert "администратору" in message.content


def test_a_generation_the_worker_never_finished(
    settings, monkeypatch, employee, chat, django_capture_on_commit_callbacks
):
    settings.GENERATION_MAX_RECOVERIES = 0
    monkeypatch.setattr(services.steps, "publish", lambda *args, **kwargs: None)  # lost
    with django_capture_on_commit_callbacks(execute=True):
        task = services.generation_task_create(
            user=employee, chat=chat, prompt=PROMPT, width=256, height=256
        )
    GenerationTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.RUNNING, deadline_at=timezone.now() - timedelta(seconds=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.generation_tasks_sweep().failed == [str(task.pk)]

    task.refresh_from_db()
    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.INTERRUPTED)
    assert "прервалась" in message.content


def test_a_cancelled_generation(employee, chat, django_capture_on_commit_callbacks):
    task = services.generation_task_create(
        user=employee, chat=chat, prompt=PROMPT, width=256, height=256
    )  # not committed: no worker has started it

    with django_capture_on_commit_callbacks(execute=True):
        task = services.generation_task_cancel(actor=employee, task=task)

    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.CANCELLED)
    assert message.content == (
        "⏹ Генерация отменена.\nЧтобы запустить её снова, нажмите «Повторить»."
    )


def test_a_brief_whose_variants_all_failed_says_why_they_did(settings, chat, generate):
    settings.SIMULATION_FAILURE_MODE = "blank"

    task = generate(variant_count=2)

    assert task.has_variants and task.status == TaskStatus.FAILED
    assert task.last_error.startswith("Ни один вариант не получился.")
    message = failure_message(chat, task)
    assert_plain(message, task, FailureKind.QUALITY)
    assert "вариант" not in message.content


def test_a_brief_whose_variants_failed_differently_says_what_most_did(settings, chat, generate):
    settings.SIMULATION_FAILURE_MODE = "blank"
    task = generate(variant_count=3)
    first, *_ = task.variants.order_by("variant_number")
    first.attempt_set.update(status=AttemptStatus.FAILED)  # one variant: the provider's fault

    assert failure_kind(task) == FailureKind.QUALITY
