from rest_framework import serializers

from contentum.accounts.models import Role, User
from contentum.common.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictInputSerializer,
    StrictIntegerField,
)


class UserSerializer(serializers.ModelSerializer):
    fullName = serializers.CharField(source="full_name", read_only=True)
    dateJoined = serializers.DateTimeField(source="date_joined", read_only=True)
    isActive = serializers.BooleanField(source="is_active", read_only=True)
    # **new**: null while the account waits for an admin's approval.
    approvedAt = serializers.DateTimeField(source="approved_at", read_only=True, allow_null=True)

    # **new**: empty: the general GENERATION_MONTHLY_QUOTA applies.
    monthlyImageQuota = serializers.IntegerField(
        source="monthly_image_quota", read_only=True, allow_null=True
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "fullName",
            "role",
            "dateJoined",
            "isActive",
            "approvedAt",
            "monthlyImageQuota",
        ]
        read_only_fields = fields


class QuotaSerializer(serializers.Serializer):
    limit = serializers.IntegerField(allow_null=True, help_text="null: без лимита.")
    used = serializers.IntegerField(help_text="Изображений начато в этом месяце.")
    left = serializers.IntegerField(allow_null=True)
    resets_at = serializers.DateTimeField(help_text="Начало следующего месяца.")


class MeSerializer(UserSerializer):
    """The account, and what other apps tell about it (`accounts.profile`)."""

    quota = QuotaSerializer(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "quota"]
        read_only_fields = fields


class LoginUserSerializer(serializers.ModelSerializer):
    fullName = serializers.CharField(source="full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "fullName", "role"]
        read_only_fields = fields


class RegistrationSerializer(StrictInputSerializer):
    email = StrictEmailField(max_length=254)
    fullName = StrictCharField(max_length=255)
    password = StrictCharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    passwordConfirm = StrictCharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class LoginSerializer(StrictInputSerializer):
    email = StrictCharField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False)


class LoginResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()
    user = LoginUserSerializer()


class RefreshSerializer(StrictInputSerializer):
    """Only the input: rotation and reuse detection are `accounts.tokens.token_refresh`."""

    refresh = StrictCharField()
    access = serializers.CharField(read_only=True)


class RefreshResponseSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField(required=False)


class LogoutSerializer(StrictInputSerializer):
    refresh = StrictCharField()


class UserUpdateSerializer(StrictInputSerializer):
    fullName = StrictCharField(source="full_name", max_length=255, required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    isActive = StrictBooleanField(source="is_active", required=False)
    monthlyImageQuota = StrictIntegerField(
        source="monthly_image_quota",
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100_000,
        help_text="Изображений в месяц для этого пользователя; null — общий лимит.",
    )


def _password_field(**kwargs) -> StrictCharField:
    return StrictCharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}, **kwargs
    )


class AdminUserCreateSerializer(StrictInputSerializer):
    """An admin creates an account: registration's body, plus an optional role."""

    email = StrictEmailField(max_length=254)
    fullName = StrictCharField(max_length=255)
    password = _password_field()
    passwordConfirm = _password_field(required=False)
    role = serializers.ChoiceField(choices=Role.choices, required=False, default=Role.EMPLOYEE)


class PasswordChangeSerializer(StrictInputSerializer):
    oldPassword = _password_field()
    newPassword = _password_field()
    newPasswordConfirm = _password_field(required=False)


class PasswordSetSerializer(StrictInputSerializer):
    newPassword = _password_field()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AdminLinkSerializer(serializers.Serializer):
    url = serializers.CharField(
        help_text="Путь одноразовой ссылки в панель администратора: `/admin/login/link/<token>/`."
    )
    expires_in = serializers.IntegerField(help_text="Сколько секунд ссылка действует.")
