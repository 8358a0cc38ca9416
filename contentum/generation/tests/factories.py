import uuid

import factory
from django.utils import timezone

from contentum.accounts.tests.factories import UserFactory
from contentum.generation import sharing
from contentum.generation.models import GenerationAttempt, GenerationTask, ShareLink, TaskStatus

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


def signed_share(
    task: GenerationTask, *, ttl_seconds: int = 3600, now: float | None = None, by=None
) -> tuple[ShareLink, str]:
    """A stored share of `task` and its signature, as share/ makes them (no audit row)."""
    share_id = uuid.uuid4()
    token = sharing.sign(task.pk, ttl_seconds=ttl_seconds, now=now, share_id=share_id)
    share = ShareLink.objects.create(
        id=share_id, task=task, created_by=by or task.owner, expires_at=token.expires_at
    )
    return share, token.signature
