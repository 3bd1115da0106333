from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    """The deterministic synthetic local authority for the demo, tests and benchmarks."""

    name = "safeguarding.synthetic"
    label = "synthetic"
