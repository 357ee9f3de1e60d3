from django.apps import AppConfig


class CollaborationsConfig(AppConfig):
    name = "oncobridge.collaborations"
    label = "collaborations"
    verbose_name = "Collaborations and agreements"
