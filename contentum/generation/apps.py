from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "contentum.generation"
    label = "generation"
    verbose_name = "Генерация изображений"
