from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from contentum.common import views as common_views

api_patterns = [
    path("", include("contentum.accounts.urls")),
    path("", include("contentum.audit.urls")),
    path("", include("contentum.questionnaire.urls")),
    path("", include("contentum.prompts.urls")),
    path("", include("contentum.chats.urls")),
    path("", include("contentum.generation.urls")),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("swagger/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", common_views.OfflineRedocView.as_view(url_name="schema"), name="redoc"),
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("contentum.web.urls")),
]

handler400 = "contentum.common.views.bad_request"
handler403 = "contentum.common.views.forbidden"
handler404 = "contentum.common.views.not_found"
handler500 = "contentum.common.views.server_error"
