from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "contentum.generation"
    label = "generation"
    verbose_name = "Генерация изображений"

    def ready(self) -> None:
        from contentum.generation import signals  # noqa: F401 - connects the receivers
