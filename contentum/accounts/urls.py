from django.urls import path
from rest_framework.routers import SimpleRouter

from contentum.accounts.apis import (
    AdminLinkView,
    LoginView,
    LogoutView,
    RefreshView,
    UserViewSet,
)

router = SimpleRouter(use_regex_path=False)
router.register("users", UserViewSet, basename="user")

urlpatterns = [
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/refresh/", RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/admin-link/", AdminLinkView.as_view(), name="auth-admin-link"),
    *router.urls,
]
