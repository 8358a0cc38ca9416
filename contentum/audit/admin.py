import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from contentum.audit.labels import action_label
from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record
from contentum.common.admin import ModelAdmin, RussianNoun

SYSTEM = "система"  # an actor-less row with no owner: the worker, beat or a command
BACKGROUND = "фоновая задача"


class AuditedDeletionsAdmin(ModelAdmin):
    """A model admin whose deletions, one object or a selection, land in the audit log
    like the API's: Django's own admin log is neither searchable in the API nor kept
    with the rest of the history. `log_deletions` runs before the objects are deleted,
    in the same request, for the delete page and the bulk action alike."""

    def log_deletions(self, request: Any, queryset: Iterable[Model]) -> Any:
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        for obj in objects:
            audit_record(
                action="admin.deleted",
                actor=request.user,
                target=obj,
                details={"object": str(obj), "via": "django-admin"},
            )
        return entries


def _owner_id(row: AuditLog) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(row.details.get("owner")))
    except (AttributeError, TypeError, ValueError):
        return None


def attach_owner_emails(rows: Iterable[AuditLog]) -> None:
    """Sets `owner_email` on rows without an actor from their `details["owner"]` (the
    worker's generation events and chat expiry carry it): one query for a whole page."""
    rows = [row for row in rows if not row.actor_email]
    ids = {owner for row in rows if (owner := _owner_id(row)) is not None}
    users = get_user_model().objects.filter(pk__in=ids) if ids else None
    emails = dict(users.values_list("pk", "email")) if users is not None else {}
    for row in rows:
        row.owner_email = emails.get(_owner_id(row), "")


class AuditChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        attach_owner_emails(list(self.result_list))  # fills the page's cache, then marks it


class ActionFilter(admin.SimpleListFilter):
    """The action filter in words; the same `?action=<code>` parameter as before."""

    title = "действие"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditLog.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_label(code)) for code in codes), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditLog]) -> QuerySet[AuditLog]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditLog)
class AuditLogAdmin(ModelAdmin):
    noun = RussianNoun("запись аудита", "записи аудита", "записей аудита", "записи аудита")
    list_display = ["created_at", "action_name", "who", "target_type", "target_id", "ip_address"]
    list_filter = [ActionFilter, "target_type", "created_at"]
    search_fields = ["actor_email", "action", "target_id", "user_agent"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return AuditChangeList

    @admin.display(description="действие", ordering="action")
    def action_name(self, row: AuditLog) -> str:
        return action_label(row.action)

    @admin.display(description="кто", ordering="actor_email")
    def who(self, row: AuditLog) -> str:
        """The e-mail on every row: the actor's, or for the worker's events (no actor) the
        owner of what it worked on, marked so it is not read as that user's own act."""
        if row.actor_email:
            return row.actor_email
        owner = getattr(row, "owner_email", "")
        return f"{owner} ({BACKGROUND})" if owner else SYSTEM

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
