from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from rest_framework_simplejwt.token_blacklist.admin import BlacklistedTokenAdmin
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from contentum.accounts import services
from contentum.accounts.models import User
from contentum.audit.admin import AuditedDeletionsAdmin

EDITABLE = ("full_name", "role", "is_active", "monthly_image_quota")


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
        fields = ["full_name", "role", "is_active", "monthly_image_quota", "password"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        changes = {field: cleaned[field] for field in EDITABLE if field in cleaned}
        errors = services.self_change_errors(actor=self.actor, user=self.instance, changes=changes)
        for field, messages in errors.items():
            self.add_error("role" if field == "role" else "is_active", messages)
        return cleaned


class SetPasswordForm(forms.Form):
    """An admin sets someone's password; saved by `services.user_password_set`."""

    password1 = forms.CharField(
        label="Новый пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Новый пароль ещё раз",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Пароли не совпадают.")
        elif first:
            try:
                validate_password(first, user=self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ApprovalFilter(admin.SimpleListFilter):
    title = "подтверждение"
    parameter_name = "approval"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("pending", "Ожидает подтверждения"), ("approved", "Подтверждена")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() in ("pending", "approved"):
            return queryset.filter(approved_at__isnull=self.value() == "pending")
        return queryset


@admin.register(User)
class UserAdmin(AuditedDeletionsAdmin):
    list_display = ["email", "full_name", "role", "is_active", "approved_at", "date_joined"]
    list_filter = [ApprovalFilter, "role", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    ordering = ["-date_joined"]
    actions = ["approve"]

    @admin.action(description="Подтвердить выбранные учётные записи")
    def approve(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        pending = list(queryset.filter(approved_at__isnull=True))
        for user in pending:
            services.user_approve(actor=request.user, user=user)
        self.message_user(request, f"Подтверждено учётных записей: {len(pending)}.")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/password/",
                self.admin_site.admin_view(self.set_password_view),
                name="accounts_user_password_change",
            ),
            *super().get_urls(),
        ]

    def set_password_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The "Reset password" button of the change form: the same rules and audit rows
        as the API's `POST users/{id}/password/`."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise Http404
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.user_password_set(
                actor=request.user, user=user, password=form.cleaned_data["password1"], via="admin"
            )
            self.message_user(request, "Пароль изменён, сеансы пользователя завершены.")
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Новый пароль: {user.email}",
            "form": form,
            "opts": self.opts,
            "original": user,
        }
        return TemplateResponse(request, "admin/accounts/user/set_password.html", context)

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
            "monthly_image_quota",
            "password",
            "date_joined",
            "approved_at",
            "last_login",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["id", "email", "date_joined", "approved_at", "last_login"]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {field: form.cleaned_data[field] for field in EDITABLE}
        stored = User.objects.get(pk=obj.pk)
        services.user_update(actor=request.user, user=stored, changes=changes)


# Roles are our own (User.role); Django's permission groups are not used anywhere, so
# their admin would only offer a second, ineffective way to grant rights.
admin.site.unregister(Group)

# simplejwt's admin lets an admin delete a blacklist entry, which brings a revoked token
# back to life: such a deletion is audited like every other one.
admin.site.unregister(BlacklistedToken)


@admin.register(BlacklistedToken)
class AuditedBlacklistedTokenAdmin(AuditedDeletionsAdmin, BlacklistedTokenAdmin):
    pass
