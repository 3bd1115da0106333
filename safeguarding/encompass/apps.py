from django.apps import AppConfig


class EncompassConfig(AppConfig):
    name = "safeguarding.encompass"
    label = "encompass"
    verbose_name = "Operation Encompass"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind
        from safeguarding.core import clocks
        from safeguarding.encompass.terms import add_school_days

        # School days are the local authority's terms, held here (ADR 10).
        clocks.register_school_days(add_school_days)
        register_kind(
            EntryKind("encompass_incident", "Domestic abuse incident (Operation Encompass)", "encompass:incident-entry")
        )
        # The school's steps: these pages take the row's own id and show it.
        acknowledged = "Acknowledgement of an Operation Encompass notification"
        register_kind(EntryKind("encompass_acknowledgement", acknowledged, "encompass:acknowledgement"))
        register_kind(EntryKind("encompass_support", "Support after a domestic abuse incident", "encompass:support"))
        register_kind(
            EntryKind(
                "encompass_escalation", "Escalation of an Operation Encompass notification", "encompass:escalation"
            )
        )
