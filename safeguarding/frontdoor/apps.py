from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "safeguarding.frontdoor"
    label = "frontdoor"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        register_kind(EntryKind("contact", "Contact or referral", detail_url_name="frontdoor:contact"))
        # The decision and the closure are shown on the contact and referral pages: these URLs
        # take the row's own id and redirect there.
        register_kind(EntryKind("contact_decision", "Front door decision", detail_url_name="frontdoor:decision"))
        register_kind(EntryKind("referral_closure", "Referral closed", detail_url_name="frontdoor:closure"))
