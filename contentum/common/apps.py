from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "contentum.common"
    label = "common"

    def ready(self) -> None:
        from contentum.common import sqlite

        sqlite.install()
