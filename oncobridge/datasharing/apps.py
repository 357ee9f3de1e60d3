from django.apps import AppConfig


class DatasharingConfig(AppConfig):
    name = "oncobridge.datasharing"
    label = "datasharing"
    verbose_name = "Data sharing"
