from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "contentum.prompts"
    label = "prompts"
    verbose_name = "Промпты"
