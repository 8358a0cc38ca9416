"""Health probes, the offline ReDoc page and the JSON answers for errors outside DRF views."""

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularRedocView
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from contentum.celery import app as celery_app
from contentum.common.exceptions import SERVER_ERROR_MESSAGE, error_body

logger = logging.getLogger(__name__)

BROKER_CONNECT_TIMEOUT = 2  # seconds


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json(error_body("Не найдено."), 404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json(error_body("Некорректный запрос."), 400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json(error_body("Доступ запрещён."), 403)


def server_error(request: HttpRequest) -> JsonResponse:
    return _json(error_body(SERVER_ERROR_MESSAGE), 500)


HealthSerializer = inline_serializer(
    name="Health",
    fields={
        "status": serializers.CharField(),
        "checks": serializers.DictField(child=serializers.CharField(), required=False),
        # /readyz?verbose=1 only: each provider's recent figures, no messages or models.
        "providers": serializers.DictField(child=serializers.DictField(), required=False),
    },
)

VERBOSE_VALUES = {"1", "true", "yes"}


@extend_schema(responses={200: HealthSerializer}, tags=["health"])
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def healthz(request: Request) -> Response:
    """The process is up and answering."""
    return Response({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    # One attempt with a short connect timeout: a probe must answer (503) before the
    # orchestrator's own probe timeout, not sleep between kombu's retries.
    with celery_app.connection_for_write(connect_timeout=BROKER_CONNECT_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=0)


def _provider_figures() -> dict[str, dict[str, object]]:
    from contentum.generation.health import provider_health  # common sits below generation

    return {health.provider: health.public() for health in provider_health()}


@extend_schema(
    responses={200: HealthSerializer, 503: HealthSerializer},
    tags=["health"],
    parameters=[
        OpenApiParameter(
            "verbose",
            str,
            description="1: also each image provider's recent figures (last success, last "
            "error time, latency p50); no error messages, models or settings.",
        )
    ],
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def readyz(request: Request) -> Response:
    """The database and the task broker are reachable; 503 names what is not.

    `?verbose=1` adds the providers' recent figures. The probe stays open (load balancers
    call it without credentials), so the verbose form shows figures only: error messages
    (which may quote a provider's answer or an internal address) are for the admin's
    «Состояние провайдеров» page. Readiness itself never depends on them.
    """
    checks: dict[str, str] = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, exc)
            checks[name] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, object] = {"status": "ok" if ready else "error", "checks": checks}
    if request.query_params.get("verbose", "").lower() in VERBOSE_VALUES and (
        checks["database"] == "ok"
    ):
        try:
            body["providers"] = _provider_figures()
        except Exception as exc:
            logger.warning("provider health unavailable: %s", exc)
    return Response(body, status=200 if ready else 503)


class OfflineRedocView(SpectacularRedocView):
    """ReDoc from the sidecar bundle without drf-spectacular's Google Fonts links.

    The stock template loads Montserrat/Roboto from fonts.googleapis.com; with no internet
    the page waits on them. ReDoc falls back to the system sans-serif font.
    """

    template_name = "common/redoc.html"


# The documentation pages load only our own files (the sidecar bundles, the schema, the
# Swagger UI initializer served as a script by the split view), so the policy can be
# strict. Swagger UI and ReDoc style elements inline, ReDoc renders in a blob worker.
DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def api_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API's documentation (Swagger UI, ReDoc, the schema): 404 unless
    API_DOCS_PUBLIC (off in production settings), and a Content-Security-Policy of its own."""

    @wraps(view)
    def documented(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.API_DOCS_PUBLIC:
            return not_found(request)
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    return documented
