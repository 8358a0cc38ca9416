from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from contentum.accounts.admin_links import admin_link_login
from contentum.common import admin as admin_names
from contentum.common import views as common_views
from contentum.common.admin_login import ThrottledAdminAuthenticationForm
from contentum.common.converters import slash_optional
from contentum.common.views import api_docs

api_patterns = [
    path("", include("contentum.accounts.urls")),
    path("", include("contentum.audit.urls")),
    path("", include("contentum.questionnaire.urls")),
    path("", include("contentum.design.urls")),
    path("", include("contentum.prompts.urls")),
    path("", include("contentum.chats.urls")),
    path("", include("contentum.generation.urls")),
    path("", include("contentum.usage.urls")),
]

# The admin's login page checks the API login's limits and writes the audit log.
admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = admin_names.SITE_HEADER
admin.site.site_title = admin_names.SITE_TITLE
admin.site.index_title = admin_names.INDEX_TITLE

urlpatterns = [
    # Every API path answers with and without its trailing slash, never with a redirect.
    slash_optional(path("api/", include(api_patterns))),
    path("api/schema/", api_docs(SpectacularAPIView.as_view()), name="schema"),
    path(
        "swagger/",
        api_docs(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        api_docs(common_views.OfflineRedocView.as_view(url_name="schema")),
        name="redoc",
    ),
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    # The web client's one-time link into the admin (accounts/admin_links.py), ahead of
    # the admin's own routes, whose catch-all would answer it first.
    path("admin/login/link/<str:token>/", admin_link_login, name="admin-link-login"),
    # Before the admin's own routes: its login under the API login's limits and audit.
    path("admin/", admin.site.urls),
    path("", include("contentum.web.urls")),
]

handler400 = "contentum.common.views.bad_request"
handler403 = "contentum.common.views.forbidden"
handler404 = "contentum.common.views.not_found"
handler500 = "contentum.common.views.server_error"
