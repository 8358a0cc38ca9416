from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.contrib.auth.password_validation import validate_password

from contentum.accounts import services
from contentum.accounts.models import User

EDITABLE = ("full_name", "role", "is_active")


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(label="Пароль", widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "is_active"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Пользователь с таким email уже зарегистрирован.")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("password"):
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(cleaned["password"], user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password"])
        if commit:
            user.save()
        return user


class UserChangeForm(forms.ModelForm):
    """Edits go through `services.user_update`, like the API: same rules, same audit rows."""

    password = ReadOnlyPasswordHashField(label="Пароль")
    actor: User | None = None  # set per request by UserAdmin.get_form

    class Meta:
        model = User
        fields = ["full_name", "role", "is_active", "password"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        changes = {field: cleaned[field] for field in EDITABLE if field in cleaned}
        errors = services.self_change_errors(actor=self.actor, user=self.instance, changes=changes)
        for field, messages in errors.items():
            self.add_error("role" if field == "role" else "is_active", messages)
        return cleaned


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    ordering = ["-date_joined"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UserCreationForm
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = type("UserChangeForm", (UserChangeForm,), {"actor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "full_name", "password", "role", "is_active"]
        return [
            "id",
            "email",
            "full_name",
            "role",
            "is_active",
            "password",
            "date_joined",
            "last_login",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["id", "email", "date_joined", "last_login"]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {field: form.cleaned_data[field] for field in EDITABLE}
        stored = User.objects.get(pk=obj.pk)
        services.user_update(actor=request.user, user=stored, changes=changes)
