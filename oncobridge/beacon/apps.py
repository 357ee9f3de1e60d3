from django.apps import AppConfig


class BeaconConfig(AppConfig):
    name = "oncobridge.beacon"
    label = "beacon"
    verbose_name = "GA4GH Beacon v2"
