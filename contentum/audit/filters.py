import django_filters

from contentum.audit.models import AuditLog


class AuditLogFilter(django_filters.FilterSet):
    actor = django_filters.UUIDFilter(field_name="actor_id")
    action = django_filters.CharFilter(field_name="action")
    target_type = django_filters.CharFilter(field_name="target_type")
    target_id = django_filters.CharFilter(field_name="target_id")
    created = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "createdAt"), ("action", "action"), ("actor_email", "actorEmail"))
    )

    class Meta:
        model = AuditLog
        fields = ["actor", "action", "target_type", "target_id", "created"]
