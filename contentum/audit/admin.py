from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db.models import Model

from contentum.audit.models import AuditLog
from contentum.audit.services import audit_record


class AuditedDeletionsAdmin(admin.ModelAdmin):
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


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_email", "target_type", "target_id", "ip_address"]
    list_filter = ["action", "target_type", "created_at"]
    search_fields = ["actor_email", "action", "target_id", "user_agent"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
