import factory
from django.utils import timezone

from contentum.accounts.tests.factories import UserFactory
from contentum.generation.models import GenerationAttempt, GenerationTask, TaskStatus

PROMPT = "Постер весеннего фестиваля, голубой и розовый, яркая композиция"


class GenerationTaskFactory(factory.django.DjangoModelFactory):
    """A task row as the pipeline would leave it; no message is sent."""

    class Meta:
        model = GenerationTask

    owner = factory.SubFactory(UserFactory)
    prompt = PROMPT
    provider = "simulation"
    width = 256
    height = 256


class FinishedTaskFactory(GenerationTaskFactory):
    status = TaskStatus.FAILED
    attempts = 1
    last_error = "Попытка 1: изображение размыто."
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class GenerationAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GenerationAttempt

    task = factory.SubFactory(GenerationTaskFactory)
    number = 1
    prompt = PROMPT
