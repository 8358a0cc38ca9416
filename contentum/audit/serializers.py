from rest_framework import serializers

from contentum.audit.models import AuditLog


class AuditLogSerializer(serializers.ModelSerializer):
    actor = serializers.UUIDField(source="actor_id", allow_null=True, read_only=True)
    actorEmail = serializers.CharField(source="actor_email", read_only=True)
    targetType = serializers.CharField(source="target_type", read_only=True)
    targetId = serializers.CharField(source="target_id", read_only=True)
    ipAddress = serializers.IPAddressField(source="ip_address", allow_null=True, read_only=True)
    userAgent = serializers.CharField(source="user_agent", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = AuditLog
        fields = [
            "id",
            "actor",
            "actorEmail",
            "action",
            "targetType",
            "targetId",
            "details",
            "ipAddress",
            "userAgent",
            "createdAt",
        ]
        read_only_fields = fields
