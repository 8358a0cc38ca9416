from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "contentum.generation"
    label = "generation"
    verbose_name = "Генерация изображений"

    def ready(self) -> None:
        import contentum.generation.checks  # noqa: F401 - registers the system checks
        from contentum.accounts.profile import register_section
        from contentum.generation import signals  # noqa: F401 - connects the receivers
        from contentum.generation.quotas import quota_data, quota_of

        register_section("quota", lambda user: quota_data(quota_of(user)))
