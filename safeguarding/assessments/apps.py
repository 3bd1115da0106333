from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "safeguarding.assessments"
    label = "assessments"
