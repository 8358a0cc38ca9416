from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from contentum.common.exceptions import error_body


class RequestBodyLimitMiddleware:
    """Refuse oversized bodies with 413 before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(error_body("Неверный заголовок Content-Length."), status=400)
        limit = settings.MAX_REQUEST_BODY_BYTES
        if length > limit:
            message = f"Тело запроса слишком большое: не более {limit} байт."
            return JsonResponse(
                error_body(message), status=413, json_dumps_params={"ensure_ascii": False}
            )
        return self.get_response(request)
