"""Reading generation tasks: who may see which, with the joins decided here once, and the
absolute links to a task's image."""

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, QuerySet
from rest_framework import status

from contentum.common.exceptions import ApplicationError
from contentum.generation.models import GenerationAttempt, GenerationTask

TASK_NOT_FOUND = "Задача генерации не найдена."
API_PREFIX = "/api/generation-tasks"


class TaskNotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND

    def __init__(self) -> None:
        super().__init__(TASK_NOT_FOUND)


def _visible(user: Any) -> QuerySet[GenerationTask]:
    """What the user asked for: their tasks (an admin: everyone's). A task's variants are
    reached through it, never listed on their own."""
    tasks = GenerationTask.objects.filter(brief__isnull=True)
    return tasks if user.is_admin else tasks.filter(owner=user)


def task_list(*, user: Any) -> QuerySet[GenerationTask]:
    """Employees see their own tasks, admins everyone's. One query per page: the list shows
    nothing that needs another row than the owner's."""
    return _visible(user).select_related("owner")


def task_detail_list(*, user: Any) -> QuerySet[GenerationTask]:
    """As `task_list`, with the attempts (oldest first) and the variants with theirs:
    three more queries, however many variants."""
    attempts = GenerationAttempt.objects.order_by("number")
    variants = GenerationTask.objects.order_by("variant_number").prefetch_related(
        Prefetch("attempt_set", queryset=attempts)
    )
    return task_list(user=user).prefetch_related(
        Prefetch("attempt_set", queryset=attempts),
        Prefetch("variants", queryset=variants),
    )


def task_version(*, user: Any, task_id: Any) -> str | None:
    """What the task's detail shows, as a version (its ETag): changes whenever the task or
    one of its variants changes. One query; None when the user may not see the task."""
    try:
        row = (
            _visible(user)
            .filter(pk=task_id)
            .annotate(latest=Max("variants__updated_at"), count=Count("variants"))
            .values_list("updated_at", "latest", "count")
            .first()
        )
    except (ValidationError, ValueError):
        return None
    if row is None:
        return None
    updated_at, latest, count = row
    stamp = f"{task_id}|{updated_at.isoformat()}|{latest.isoformat() if latest else ''}|{count}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def variants_of(task: GenerationTask) -> list[GenerationTask]:
    """A task's variants in order (prefetched by `task_detail_list`); a task of one image
    is its own single variant."""
    if not task.has_variants:
        return [task]
    return list(task.variants.all())


def variant_get(*, user: Any, task_id: Any, number: int) -> GenerationTask:
    """Variant `number` of a task `user` may see (a task of one image: itself as 1)."""
    task = task_get(user=user, task_id=task_id)
    if not task.has_variants:
        if number == 1:
            return task
        raise TaskNotFound()
    variant = task.variants.filter(variant_number=number).first()
    if variant is None:
        raise TaskNotFound()
    return variant


def task_get(*, user: Any, task_id: Any, detailed: bool = False) -> GenerationTask:
    """A task `user` may see; another user's task is "not found", as a missing one."""
    tasks = task_detail_list(user=user) if detailed else task_list(user=user)
    try:
        return tasks.get(pk=task_id)
    except (GenerationTask.DoesNotExist, ValidationError, ValueError) as exc:
        raise TaskNotFound() from exc


def clean_origin(origin: str) -> str:
    """`scheme://host[:port]` of `origin`, or "" when it is not an http(s) address."""
    parts = urlsplit((origin or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def task_base_url(task: GenerationTask) -> str:
    """The task's origin, else PUBLIC_BASE_URL, else "" (links stay relative)."""
    return (task.origin or settings.PUBLIC_BASE_URL or "").rstrip("/")


def task_urls(task: GenerationTask) -> dict[str, str]:
    """Absolute links of a task, built without a request (workers and listeners have none).

    `download_url` (attachment), `image_url` (inline), `thumbnail_url` (WebP, ≈256 px),
    `detail_url` and `retry_url` (POST). The image links answer 404 until the task has an
    image; they need the owner's or an admin's token, or a signature from `share/`."""
    base = f"{task_base_url(task)}{API_PREFIX}/{task.pk}"
    return {
        "download_url": f"{base}/download/",
        "image_url": f"{base}/image/",
        "thumbnail_url": f"{base}/thumbnail/",
        "detail_url": f"{base}/",
        "retry_url": f"{base}/retry/",
        "text_url": f"{base}/text/",
        "background_url": f"{base}/download/?layer=background",
    }


def poster_summary(task: GenerationTask) -> dict[str, Any] | None:
    """A poster's format, exact size, safe zone and text, as the API and the chat show
    them; None for a task that is not a poster."""
    if not task.poster_canvas:
        return None
    return {**task.poster_canvas, "text": task.poster_text}


def variant_urls(task: GenerationTask, number: int) -> dict[str, str]:
    base = f"{task_base_url(task)}{API_PREFIX}/{task.pk}/variants/{number}"
    return {
        "image_url": f"{base}/image/",
        "thumbnail_url": f"{base}/thumbnail/",
        "download_url": f"{base}/download/",
        "vary_url": f"{base}/vary/",
    }


def attempt_urls(task: GenerationTask, attempt: GenerationAttempt) -> dict[str, str | None]:
    base = f"{task_base_url(task)}{API_PREFIX}/{task.pk}/attempts/{attempt.number}"
    return {
        "image_url": f"{base}/image/" if attempt.image else None,
        "thumbnail_url": f"{base}/thumbnail/" if attempt.thumbnail else None,
    }
