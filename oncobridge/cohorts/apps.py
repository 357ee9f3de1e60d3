from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "oncobridge.cohorts"
    label = "cohorts"
    verbose_name = "Cohorts and analyses"
