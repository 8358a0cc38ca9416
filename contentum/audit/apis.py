from rest_framework import viewsets

from contentum.audit.filters import AuditLogFilter
from contentum.audit.models import AuditLog
from contentum.audit.serializers import AuditLogSerializer
from contentum.common.permissions import IsAdmin


class AuditLogViewSet(viewsets.ReadOnlyModelViewSet):
    """Every recorded event, newest first. Admins only."""

    queryset = AuditLog.objects.all()
    serializer_class = AuditLogSerializer
    permission_classes = [IsAdmin]
    filterset_class = AuditLogFilter
    search_fields = ["actor_email", "action", "target_id"]
