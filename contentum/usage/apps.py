from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "contentum.usage"
    label = "usage"
    verbose_name = "Использование"
