from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from contentum.accounts import selectors, services
from contentum.accounts.filters import UserFilter
from contentum.accounts.models import User
from contentum.accounts.serializers import (
    LoginResponseSerializer,
    LoginSerializer,
    LoginUserSerializer,
    LogoutSerializer,
    RefreshResponseSerializer,
    RefreshSerializer,
    RegistrationSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from contentum.common.converters import UUID_CONVERTER
from contentum.common.permissions import IsAdmin
from contentum.common.responses import success
from contentum.common.schema import envelope
from contentum.common.throttling import AuthAddressThrottle, AuthEmailThrottle


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
        if self.action in ("list", "partial_update"):
            return [IsAdmin()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.action == "create":
            return [AuthAddressThrottle(), AuthEmailThrottle()]
        return []

    @extend_schema(request=RegistrationSerializer, responses={201: envelope(UserSerializer)})
    def create(self, request: Request) -> Response:
        """Self-registration. Always creates an EMPLOYEE."""
        data = RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_register(
            email=data.validated_data["email"],
            full_name=data.validated_data["fullName"],
            password=data.validated_data["password"],
            password_confirm=data.validated_data["passwordConfirm"],
        )
        return success(
            "Пользователь зарегистрирован",
            UserSerializer(user).data,
            status=status.HTTP_201_CREATED,
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

    @extend_schema(responses={200: envelope(UserSerializer)})
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def me(self, request: Request) -> Response:
        return success("Текущий пользователь", UserSerializer(request.user).data)


class PublicAuthView(APIView):
    """Token endpoints take no token, yet a bad credential must still answer 401, not 403."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginView(PublicAuthView):
    throttle_classes = [AuthAddressThrottle, AuthEmailThrottle]
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses={200: LoginResponseSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        """Email and password → an access and a refresh token (no envelope, for old clients)."""
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.auth_login(**data.validated_data)
        return Response(
            {
                "access": result.access,
                "refresh": result.refresh,
                "user": LoginUserSerializer(result.user).data,
            }
        )


class RefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshSerializer, responses={200: RefreshResponseSerializer}, tags=["auth"]
    )
    def post(self, request: Request) -> Response:
        """A new access token; the refresh token rotates and the old one is blacklisted."""
        data = RefreshSerializer(data=request.data)
        try:
            data.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        except get_user_model().DoesNotExist as exc:
            raise InvalidToken() from exc
        return Response(data.validated_data)


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
