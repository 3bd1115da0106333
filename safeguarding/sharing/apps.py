from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "safeguarding.sharing"
    label = "sharing"
