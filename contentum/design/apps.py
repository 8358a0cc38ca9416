from django.apps import AppConfig


class DesignConfig(AppConfig):
    name = "contentum.design"
    label = "design"
    verbose_name = "Оформление"
