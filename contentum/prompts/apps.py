from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "contentum.prompts"
    label = "prompts"
    verbose_name = "Промпты"

    def ready(self) -> None:
        from contentum.prompts import checks  # noqa: F401 - registers the system checks
        from contentum.prompts.services import active_template_fits
        from contentum.questionnaire.checks import register_key_check

        register_key_check(active_template_fits)
