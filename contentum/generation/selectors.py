"""Reading generation tasks: who may see which, with the joins decided here once, and the
absolute links to a task's image."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from rest_framework import status

from contentum.common.exceptions import ApplicationError
from contentum.generation.models import GenerationAttempt, GenerationTask

TASK_NOT_FOUND = "Задача генерации не найдена."
API_PREFIX = "/api/generation-tasks"


class TaskNotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND

    def __init__(self) -> None:
        super().__init__(TASK_NOT_FOUND)


def task_list(*, user: Any) -> QuerySet[GenerationTask]:
    """Employees see their own tasks, admins everyone's. One query per page: the list shows
    nothing that needs another row than the owner's."""
    tasks = GenerationTask.objects.select_related("owner")
    return tasks if user.is_admin else tasks.filter(owner=user)


def task_detail_list(*, user: Any) -> QuerySet[GenerationTask]:
    """As `task_list`, with the attempts (oldest first) fetched in one more query."""
    attempts = GenerationAttempt.objects.order_by("number")
    return task_list(user=user).prefetch_related(Prefetch("attempt_set", queryset=attempts))


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


def attempt_urls(task: GenerationTask, attempt: GenerationAttempt) -> dict[str, str | None]:
    base = f"{task_base_url(task)}{API_PREFIX}/{task.pk}/attempts/{attempt.number}"
    return {
        "image_url": f"{base}/image/" if attempt.image else None,
        "thumbnail_url": f"{base}/thumbnail/" if attempt.thumbnail else None,
    }
