from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "safeguarding.concerns"
    label = "concerns"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind
        from safeguarding.concerns.models import AgencyEventKind

        register_kind(EntryKind("concern", "Concern", detail_url_name="concerns:detail"))
        for key, label in AgencyEventKind.choices:
            register_kind(EntryKind(key, str(label), detail_url_name="concerns:event-detail"))
