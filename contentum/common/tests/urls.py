"""Test-only URLs: the real ones plus views that fail on purpose.

Use with `@pytest.mark.urls("contentum.common.tests.urls")`.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from contentum.audit.models import AuditLog
from contentum.common.exceptions import ApplicationError, ConflictError
from contentum.common.views import OfflineRedocView
from contentum.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

SECRET_DETAIL = "connection string postgres://user:hunter2@db"


class Kaboom(RuntimeError):
    pass


def _public(view):
    return authentication_classes([])(permission_classes([AllowAny])(view))


@api_view(["GET"])
@_public
def drf_crash(request: Request) -> Response:
    raise Kaboom(SECRET_DETAIL)


def django_crash(request: HttpRequest) -> HttpResponse:
    raise Kaboom(SECRET_DETAIL)


@api_view(["POST"])
@_public
def conflict(request: Request) -> Response:
    raise ConflictError("Уже есть незавершённый чат.", errors={"chat": ["Завершите его."]})


@api_view(["POST"])
@_public
def write_then_refuse(request: Request) -> Response:
    AuditLog.objects.create(action="test.half_done")
    raise ApplicationError("Нельзя.")


@api_view(["POST"])
@_public
def write_then_crash(request: Request) -> Response:
    AuditLog.objects.create(action="test.half_done")
    raise Kaboom(SECRET_DETAIL)


urlpatterns = [
    path("api/test/crash/", drf_crash),
    path("api/test/conflict/", conflict),
    path("api/test/write-then-refuse/", write_then_refuse),
    path("api/test/write-then-crash/", write_then_crash),
    path("test/django-crash/", django_crash),
    path("test/redoc/", OfflineRedocView.as_view(url_name="schema")),
    *urlpatterns,
]
