from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "safeguarding.frontdoor"
    label = "frontdoor"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        register_kind(EntryKind("contact", "Contact or referral", detail_url_name="frontdoor:contact"))
