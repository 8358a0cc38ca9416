from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "contentum.accounts"
    label = "accounts"
    verbose_name = "Пользователи"
