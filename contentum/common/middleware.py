from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from contentum.common.exceptions import error_body


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        error_body(message), status=status, json_dumps_params={"ensure_ascii": False}
    )


class RequestBodyLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _error("Неверный заголовок Content-Length.", 400)
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            return _error(f"Тело запроса слишком большое: не более {limit} байт.", 413)
        return self.get_response(request)
