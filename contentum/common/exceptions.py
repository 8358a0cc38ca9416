"""One error envelope for every failure: `{"status": "error", "message", "errors"}`."""

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

VALIDATION_MESSAGE = "Проверьте введённые данные"
SERVER_ERROR_MESSAGE = "Внутренняя ошибка сервера. Мы уже разбираемся."
THROTTLED_MESSAGE = "Слишком много запросов. Повторите попытку позже."
DATABASE_UNAVAILABLE_MESSAGE = "База данных временно недоступна, повторите попытку."
# Seconds a client is told to wait (Retry-After) after the database dropped its request.
DATABASE_RETRY_AFTER = 5

# DRF and simplejwt messages that have no Russian translation, by error code.
RUSSIAN_BY_CODE = {
    "not_authenticated": "Требуется вход: передайте токен доступа в заголовке Authorization.",
    "authentication_failed": "Не удалось выполнить вход.",
    "token_not_valid": "Токен недействителен или срок его действия истёк.",
    "bad_authorization_header": "Неверный заголовок Authorization: ожидается «Bearer <токен>».",
    "user_inactive": "Учётная запись отключена.",
    "user_not_found": "Пользователь не найден.",
    "no_active_account": "Активная учётная запись для этого токена не найдена.",
    "permission_denied": "Недостаточно прав для этого действия.",
    "not_found": "Не найдено.",
    "method_not_allowed": "Метод не поддерживается.",
    "unsupported_media_type": "Неподдерживаемый тип содержимого: ожидается application/json.",
    "parse_error": "Тело запроса не является корректным JSON.",
    "throttled": THROTTLED_MESSAGE,
    "not_acceptable": "Не удалось подобрать формат ответа по заголовку Accept.",
}
# Codes whose default text is fixed: a different text was written on purpose by our code
# (a permission's `message`, the paginator's `invalid_page_message`) and is kept.
KEEP_CUSTOM_DETAIL_CODES = ("permission_denied", "not_found")
# Headers of the original response that a client needs to act on the error.
KEPT_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow")


class ApplicationError(Exception):
    """A business rule said no. Raised by services; rendered by the handler below."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, list[str]] | None = None,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    status_code = status.HTTP_409_CONFLICT


class QuotaExceeded(ApplicationError):
    """A user's quota (e.g. generations per period) is used up. The answer says when to
    come back: `wait` seconds, sent as Retry-After, as for a throttled request."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, message: str = THROTTLED_MESSAGE, *, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = math.ceil(wait) if wait is not None else None


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Тело запроса слишком большое."
    default_code = "payload_too_large"


def error_body(message: str, errors: dict | None = None, **extra: Any) -> dict[str, Any]:
    return {"status": "error", "message": message, "errors": errors or {}, **extra}


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"field": [...], "parent.child": [...]}`."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, name))
        return flat
    name = prefix or "non_field_errors"
    if isinstance(detail, list):
        if all(isinstance(item, dict) for item in detail) and detail:
            flat = {}
            for index, item in enumerate(detail):
                flat.update(flatten_errors(item, f"{name}.{index}"))
            return flat
        return {name: [str(item) for item in detail]}
    return {name: [str(detail)]}


def _message_for(exc: exceptions.APIException) -> str:
    detail = exc.detail
    code = getattr(detail, "code", None) or exc.default_code
    if isinstance(detail, dict) and "code" in detail:
        code = str(detail["code"])
    custom = isinstance(detail, str) and str(detail) != str(exc.default_detail)
    if custom and code in KEEP_CUSTOM_DETAIL_CODES:
        return str(detail)
    if code in RUSSIAN_BY_CODE:
        return RUSSIAN_BY_CODE[code]
    if isinstance(detail, str):
        return str(detail)
    return str(exc.default_detail)


def _view_name(context: dict) -> str:
    view = context.get("view")
    return type(view).__name__ if view else "view"


def envelope_exception_handler(exc: Exception, context: dict) -> Response:
    if isinstance(exc, ApplicationError):
        # DRF rolls back ATOMIC_REQUESTS transactions only for the errors it handles itself.
        set_rollback()
        response = Response(
            error_body(exc.message, exc.errors, **exc.extra), status=exc.status_code
        )
        if isinstance(exc, QuotaExceeded) and exc.wait:
            response["Retry-After"] = str(exc.wait)  # as DRF does for its own throttles
        return response
    if isinstance(exc, OperationalError | InterfaceError):
        # The connection was dropped or the database is restarting: the transaction is
        # rolled back, nothing was stored, and the same request may well succeed soon.
        logger.warning("Database unavailable in %s: %s", _view_name(context), exc)
        set_rollback()
        response = Response(
            error_body(DATABASE_UNAVAILABLE_MESSAGE), status=status.HTTP_503_SERVICE_UNAVAILABLE
        )
        response["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail={"non_field_errors": exc.messages})

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", _view_name(context), exc_info=exc)
        set_rollback()
        return Response(
            error_body(SERVER_ERROR_MESSAGE), status=status.HTTP_500_INTERNAL_SERVER_ERROR
        )

    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        message = VALIDATION_MESSAGE
        if list(errors) == ["non_field_errors"] and len(errors["non_field_errors"]) == 1:
            message = errors["non_field_errors"][0]
    else:
        errors = {}
        message = _message_for(exc)
    wrapped = Response(error_body(message, errors), status=response.status_code)
    for header in KEPT_HEADERS:
        if header in response:
            wrapped[header] = response[header]
    return wrapped
