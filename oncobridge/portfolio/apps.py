from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "oncobridge.portfolio"
    label = "portfolio"
    verbose_name = "Research portfolio"
