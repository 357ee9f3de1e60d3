from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oncobridge.accounts"
    label = "accounts"
    verbose_name = "Organisations and people"
