from django.apps import AppConfig


class ChatsConfig(AppConfig):
    name = "contentum.chats"
    label = "chats"
    verbose_name = "Чаты"
