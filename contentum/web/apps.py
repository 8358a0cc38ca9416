from django.apps import AppConfig


class WebConfig(AppConfig):
    """The browser client: one HTML shell, plain CSS and a few ES modules, no build step."""

    name = "contentum.web"
    label = "web"
    verbose_name = "Веб-клиент"
