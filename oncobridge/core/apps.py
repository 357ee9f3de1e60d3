from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "oncobridge.core"
    label = "core"
    verbose_name = "Core"
