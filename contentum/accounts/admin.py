from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import ReadOnlyPasswordHashField
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from contentum.accounts import services
from contentum.accounts.models import User
from contentum.audit.admin import AuditedDeletionsAdmin
from contentum.chats.models import Chat
from contentum.common.admin import ModelAdmin, ReadOnlyMixin, RussianNoun
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.quotas import month_bounds

EDITABLE = ("full_name", "role", "is_active", "monthly_image_quota")
MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


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


def _per_user(queryset: QuerySet, value) -> Coalesce:
    """One value per user row as a correlated subquery: evaluated for the page's rows only,
    so the list costs the same queries for 2 users as for 100 and the count stays cheap."""
    rows = queryset.filter(owner=OuterRef("pk")).order_by().values("owner")
    return Coalesce(Subquery(rows.annotate(value=value).values("value")[:1]), 0)


def with_team_stats(queryset: QuerySet[User], *, now: datetime | None = None) -> QuerySet[User]:
    """This calendar month (TIME_ZONE) of each user's generations, and their last activity.

    What the user asked for are tasks without a brief (a brief's variants are its parts):
    `images_made` ended SUCCESS, `images_failed` FAILED, both by creation time like the
    quota; `images_charged` is the quota's own sum. Last activity is the latest of the
    login, the newest task and the last chat change (a chat's `updated_at` moves with each
    message): indexed look-ups, no scan of messages.
    """
    start, end = month_bounds(now or timezone.now())
    tasks = GenerationTask.objects.filter(created_at__gte=start, created_at__lt=end)
    asked = tasks.filter(brief__isnull=True)
    return queryset.annotate(
        images_made=_per_user(asked.filter(status=TaskStatus.SUCCESS), Count("pk")),
        images_failed=_per_user(asked.filter(status=TaskStatus.FAILED), Count("pk")),
        images_charged=_per_user(tasks, Sum("images_charged")),
        last_task_at=Subquery(
            GenerationTask.objects.filter(owner=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        ),
        last_chat_at=Subquery(
            Chat.objects.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(latest=Max("updated_at"))
            .values("latest")[:1]
        ),
    )


def _short(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "d.m.Y H:i") if moment else "—"


@admin.register(User)
class UserAdmin(AuditedDeletionsAdmin):
    noun = RussianNoun(
        "пользователя", "пользователя", "пользователей", "пользователей", animate=True
    )
    # Seven columns fit 1280 px beside the filters: who (email over name), the role with
    # a disabled mark, registration with a pending mark, the month's figures, activity.
    list_display = [
        "person",
        "role_and_state",
        "joined",
        "made_this_month",
        "failed_this_month",
        "quota_this_month",
        "last_activity",
    ]
    list_filter = [ApprovalFilter, "role", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    ordering = ["-date_joined"]
    actions = ["approve"]

    def changelist_view(self, request, extra_context=None):
        """Without the app menu on the left, as the task list: room for the month's columns,
        whose short heads the subtitle explains."""
        month = MONTHS[timezone.localtime().month - 1]
        context = {
            "is_nav_sidebar_enabled": False,
            "subtitle": f"Готово, ошибок и расход — за {month} {timezone.localtime():%Y}",
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return with_team_stats(super().get_queryset(request))

    def _tasks_link(self, user: User, count: int, status: str) -> str:
        if not count:
            return "0"
        url = reverse("admin:generation_generationtask_changelist")
        query = f"?owner__id__exact={user.pk}&status__exact={status}"
        return format_html('<a href="{}{}">{}</a>', url, query, count)

    @admin.display(description="пользователь", ordering="email")
    def person(self, user: User) -> str:
        return format_html('{}<br><span class="quiet">{}</span>', user.email, user.full_name)

    @admin.display(description="роль", ordering="role")
    def role_and_state(self, user: User) -> str:
        if user.is_active:
            return user.get_role_display()
        return format_html('{}<br><span class="quiet">отключён</span>', user.get_role_display())

    @admin.display(description="регистрация", ordering="date_joined")
    def joined(self, user: User) -> str:
        day = date_format(timezone.localtime(user.date_joined), "d.m.Y")
        if user.approved_at is None:
            return format_html('{}<br><span class="quiet">ждёт подтверждения</span>', day)
        return day

    @admin.display(description="готово", ordering="images_made")
    def made_this_month(self, user: User) -> str:
        """Tasks the user asked for this month that ended with an image (a brief of several
        variants counts once)."""
        return self._tasks_link(user, user.images_made, TaskStatus.SUCCESS)

    @admin.display(description="ошибок", ordering="images_failed")
    def failed_this_month(self, user: User) -> str:
        return self._tasks_link(user, user.images_failed, TaskStatus.FAILED)

    @admin.display(description="расход", ordering="images_charged")
    def quota_this_month(self, user: User) -> str:
        """Images charged this month, of the account's limit when it has one."""
        own = user.monthly_image_quota
        limit = own if own is not None else (settings.GENERATION_MONTHLY_QUOTA or None)
        used = user.images_charged
        return f"{used} из {limit}" if limit is not None else str(used)

    @admin.display(description="активность")
    def last_activity(self, user: User) -> str:
        """The latest of the login, the newest task and the last chat change."""
        moments = [m for m in (user.last_login, user.last_task_at, user.last_chat_at) if m]
        return _short(max(moments)) if moments else "—"

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


class TokenColumns:
    """The columns both token lists share, in Russian; the raw token is never shown."""

    list_select_related = ["user"]
    search_fields = ["user__email", "jti"]

    def _outstanding(self, row: Any) -> OutstandingToken:
        return row if isinstance(row, OutstandingToken) else row.token

    @admin.display(description="идентификатор (jti)")
    def token_jti(self, row: Any) -> str:
        return self._outstanding(row).jti

    @admin.display(description="пользователь")
    def token_owner(self, row: Any) -> str:
        user = self._outstanding(row).user
        return user.email if user is not None else "—"

    @admin.display(description="выдан")
    def token_issued(self, row: Any) -> str:
        return _short(self._outstanding(row).created_at)

    @admin.display(description="действует до")
    def token_expires(self, row: Any) -> str:
        return _short(self._outstanding(row).expires_at)


# simplejwt's own admins show English labels and the raw refresh token; ours replace them.
admin.site.unregister(OutstandingToken)
admin.site.unregister(BlacklistedToken)


@admin.register(OutstandingToken)
class OutstandingTokenAdmin(TokenColumns, ReadOnlyMixin, ModelAdmin):
    """Refresh tokens issued at login, for looking up; read-only."""

    noun = RussianNoun("выданный токен", "выданных токена", "выданных токенов", "выданные токены")
    list_display = ["token_jti", "token_owner", "token_issued", "token_expires"]
    fields = readonly_fields = list_display
    ordering = ["-created_at"]
    actions = None


@admin.register(BlacklistedToken)
class BlacklistedTokenAdmin(TokenColumns, AuditedDeletionsAdmin):
    """Revoked refresh tokens. Deleting an entry brings a revoked token back to life, so
    such a deletion is audited like every other one."""

    noun = RussianNoun(
        "отозванный токен", "отозванных токена", "отозванных токенов", "отозванные токены"
    )
    list_select_related = ["token__user"]
    search_fields = ["token__user__email", "token__jti"]
    list_display = ["token_jti", "token_owner", "token_issued", "token_expires", "revoked"]
    fields = readonly_fields = list_display
    ordering = ["-blacklisted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="отозван", ordering="blacklisted_at")
    def revoked(self, row: BlacklistedToken) -> str:
        return _short(row.blacklisted_at)
