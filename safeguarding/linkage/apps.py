from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safeguarding.linkage"
    label = "linkage"
