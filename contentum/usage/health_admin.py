"""«Состояние провайдеров» in the Django admin: a read-only page listed on the index
(through a proxy model, like the usage report) showing each provider's last success,
last error and latency, as `generation.health.provider_health` reads them."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from contentum.common.admin import RussianNoun
from contentum.generation.health import HEALTH_RECENT_ATTEMPTS, HEALTH_WINDOW, provider_health
from contentum.usage.admin import ReadOnlyPageAdmin
from contentum.usage.models import ProviderHealthReport


@admin.register(ProviderHealthReport)
class ProviderHealthAdmin(ReadOnlyPageAdmin):
    """The page alone; nothing else is served."""

    noun = RussianNoun(
        "состояние провайдеров",
        "состояния провайдеров",
        "состояний провайдеров",
        "состояния провайдеров",
    )

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [path("", view(self.changelist_view), name="usage_providerhealthreport_changelist")]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Состояние провайдеров",
            "providers": provider_health(),
            "window_hours": int(HEALTH_WINDOW.total_seconds() // 3600),
            "recent_attempts": HEALTH_RECENT_ATTEMPTS,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/usage/provider_health.html", context)
