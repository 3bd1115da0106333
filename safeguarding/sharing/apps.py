from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "safeguarding.sharing"
    label = "sharing"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        # A share, or a decision not to share, recorded by a practitioner (shares.py).
        register_kind(
            EntryKind("information_share", "Information sharing record", detail_url_name="sharing:share-detail")
        )
