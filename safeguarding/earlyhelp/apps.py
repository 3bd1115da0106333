from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "safeguarding.earlyhelp"
    label = "earlyhelp"
