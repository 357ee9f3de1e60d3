from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "oncobridge.matching"
    label = "matching"
    verbose_name = "Matchmaking"
