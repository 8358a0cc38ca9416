from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "contentum.chats"
    label = "chats"
    verbose_name = "Чаты"

    def ready(self) -> None:
        from contentum.chats.generation_listener import listener
        from contentum.generation.events import register_listener

        register_listener(listener)
