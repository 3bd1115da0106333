from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "safeguarding.protection"
    label = "protection"
