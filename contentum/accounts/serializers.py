from rest_framework import serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer

from contentum.accounts.models import Role, User
from contentum.common.serializers import (
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictInputSerializer,
)


class UserSerializer(serializers.ModelSerializer):
    fullName = serializers.CharField(source="full_name", read_only=True)
    dateJoined = serializers.DateTimeField(source="date_joined", read_only=True)
    isActive = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "fullName", "role", "dateJoined", "isActive"]
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


class RefreshSerializer(StrictInputSerializer, TokenRefreshSerializer):
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
