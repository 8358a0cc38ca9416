import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from contentum.common.exceptions import (
    DATABASE_RETRY_AFTER,
    DATABASE_UNAVAILABLE_MESSAGE,
    error_body,
)

logger = logging.getLogger(__name__)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        error_body(message), status=status, json_dumps_params={"ensure_ascii": False}
    )


class RequestBodyLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them. File uploads
    (multipart: a brand kit's logo and fonts) have a limit of their own; Django spools
    their files to disk, and DATA_UPLOAD_MAX_MEMORY_SIZE still bounds their other fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _error("Неверный заголовок Content-Length.", 400)
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
        limit = settings.MAX_UPLOAD_BODY_BYTES if multipart else settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            return _error(f"Тело запроса слишком большое: не более {limit} байт.", 413)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """The API's answer to a dropped database connection (503, Retry-After, the envelope)
    for the views outside DRF too: the Django admin, the web client's pages. Without it
    they answer 500, though nothing was stored and the same request may succeed soon."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable at %s: %s", request.path, exception)
        response = _error(DATABASE_UNAVAILABLE_MESSAGE, 503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
