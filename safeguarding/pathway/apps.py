from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "safeguarding.pathway"
    label = "pathway"
