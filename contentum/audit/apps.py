from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "contentum.audit"
    label = "audit"
    verbose_name = "Журнал аудита"
