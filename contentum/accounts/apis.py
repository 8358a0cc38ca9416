from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contentum.accounts import selectors, services, tokens
from contentum.accounts.admin_links import admin_link_issue
from contentum.accounts.filters import UserFilter
from contentum.accounts.models import User
from contentum.accounts.profile import profile_sections
from contentum.accounts.serializers import (
    AdminLinkSerializer,
    AdminUserCreateSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    LoginUserSerializer,
    LogoutSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordSetSerializer,
    RefreshResponseSerializer,
    RefreshSerializer,
    RegistrationSerializer,
    TokenPairSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from contentum.common.converters import UUID_CONVERTER
from contentum.common.net import client_ip
from contentum.common.permissions import IsAdmin
from contentum.common.responses import success
from contentum.common.schema import envelope
from contentum.common.throttling import (
    LOGIN_SCOPE,
    AuthAddressThrottle,
    AuthEmailThrottle,
    login_failures_counted,
)


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = UserSerializer
    filterset_class = UserFilter
    search_fields = ["email", "full_name"]
    lookup_value_converter = UUID_CONVERTER
    http_method_names = ["get", "post", "patch", "head", "options"]
    throttle_scope = "register"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        return selectors.user_list(actor=self.request.user)

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        if self.action in ("list", "partial_update", "approve", "set_password"):
            return [IsAdmin()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [AuthAddressThrottle(), AuthEmailThrottle()]
        return []

    @extend_schema(
        request=RegistrationSerializer,
        responses={201: envelope(UserSerializer)},
        description="Self-registration (always an EMPLOYEE; with REGISTRATION_MODE=approval "
        "the account waits for an admin, with `closed` it is refused with 403). An admin "
        "sending a token creates an account instead, and may give `role`.",
    )
    def create(self, request: Request) -> Response:
        if request.user.is_authenticated and request.user.is_admin:
            return self._admin_create(request)
        services.registration_ensure_open()
        data = RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(
            email=data.validated_data["email"],
            full_name=data.validated_data["fullName"],
            password=data.validated_data["password"],
            password_confirm=data.validated_data["passwordConfirm"],
        )
        message = "Пользователь зарегистрирован"
        if user.is_pending_approval:
            message = (
                "Заявка на регистрацию принята: вход откроется после подтверждения администратором."
            )
        return success(message, UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def _admin_create(self, request: Request) -> Response:
        data = AdminUserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(
            actor=request.user,
            email=data.validated_data["email"],
            full_name=data.validated_data["fullName"],
            password=data.validated_data["password"],
            password_confirm=data.validated_data.get("passwordConfirm"),
            role=data.validated_data["role"],
        )
        return success(
            "Пользователь создан", UserSerializer(user).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Admin edit of fullName, role and isActive."""
        user = self.get_object()
        data = UserUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update(
            actor=request.user, user=user, changes=dict(data.validated_data)
        )
        return Response(UserSerializer(user).data)

    @extend_schema(responses={200: envelope(MeSerializer)})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def me(self, request: Request) -> Response:
        """The account, with its monthly image quota (used, left, when it resets)."""
        data = {**UserSerializer(request.user).data, **profile_sections(request.user)}
        return success("Текущий пользователь", data)

    @extend_schema(request=PasswordChangeSerializer, responses={200: envelope(TokenPairSerializer)})
    @action(
        detail=False,
        methods=["post"],
        url_path="me/password",
        filterset_class=None,
        pagination_class=None,
    )
    def me_password(self, request: Request) -> Response:
        """Changes one's own password; every other session ends, this client gets new tokens."""
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tokens = services.user_password_change(
            user=request.user,
            old_password=data.validated_data["oldPassword"],
            new_password=data.validated_data["newPassword"],
            new_password_confirm=data.validated_data.get("newPasswordConfirm"),
        )
        return success(
            "Пароль изменён, остальные сеансы завершены",
            TokenPairSerializer(tokens).data,
        )

    @extend_schema(request=None, responses={200: envelope(UserSerializer)})
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Admin: lets a pending account (REGISTRATION_MODE=approval) log in."""
        user = services.user_approve(actor=request.user, user=self.get_object())
        return success("Учётная запись подтверждена", UserSerializer(user).data)

    @extend_schema(request=PasswordSetSerializer, responses={200: envelope(UserSerializer)})
    @action(detail=True, methods=["post"], url_path="password", filterset_class=None)
    def set_password(self, request: Request, pk: str | None = None) -> Response:
        """Admin: sets an account's password; all of that account's sessions end."""
        user = self.get_object()
        data = PasswordSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_password_set(
            actor=request.user, user=user, password=data.validated_data["newPassword"], via="api"
        )
        return success("Пароль пользователя изменён", UserSerializer(user).data)


class PublicAuthView(APIView):
    """Token endpoints take no token, yet a bad credential must still answer 401, not 403."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginView(PublicAuthView):
    # Every attempt counts per address; per email only failures count, and only from the
    # address they came from (`login_failures_counted`), so nobody can lock an owner out.
    throttle_classes = [AuthAddressThrottle]
    throttle_scope = LOGIN_SCOPE

    @extend_schema(request=LoginSerializer, responses={200: LoginResponseSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        """Email and password → an access and a refresh token (no envelope, for old clients)."""
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email, address = data.validated_data["email"], client_ip(request)
        with login_failures_counted(email=email, address=address):
            result = services.auth_login(**data.validated_data)
        return Response(
            {
                "access": result.access,
                "refresh": result.refresh,
                "user": LoginUserSerializer(result.user).data,
            }
        )


# A reused token's 401 must not roll back the revocation of its family (ATOMIC_REQUESTS).
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class RefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshSerializer, responses={200: RefreshResponseSerializer}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        """A new access token; the refresh token rotates and the old one is blacklisted.
        A rotated token that comes back revokes its whole login (see accounts/tokens.py)."""
        data = RefreshSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(tokens.token_refresh(raw=data.validated_data["refresh"]))


class LogoutView(APIView):
    @extend_schema(
        request=LogoutSerializer, responses={200: envelope(LogoutSerializer)}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        """Blacklists the given refresh token."""
        data = LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.auth_logout(user=request.user, refresh=data.validated_data["refresh"])
        return success("Вы вышли из системы", None)


class AdminLinkView(APIView):
    """Admin: a one-time link that opens the Django admin with a session, no login form.

    Open `url` in the same browser within `expires_in` seconds (ADMIN_LINK_TTL_SECONDS);
    it works once, and only while the account is still an active admin."""

    permission_classes = [IsAdmin]

    @extend_schema(request=None, responses={201: envelope(AdminLinkSerializer)}, tags=["auth"])
    def post(self, request: Request) -> Response:
        token, _expires_at = admin_link_issue(request.user)
        data = {
            "url": reverse("admin-link-login", kwargs={"token": token}),
            "expires_in": settings.ADMIN_LINK_TTL_SECONDS,
        }
        response = success(
            "Ссылка для входа в панель администратора",
            AdminLinkSerializer(data).data,
            status=status.HTTP_201_CREATED,
        )
        response["Cache-Control"] = "no-store"  # the body holds a credential
        return response
