from django.apps import AppConfig

# Chronology kinds of child protection: (key, label, the page that shows the source row).
CHRONOLOGY_KINDS = (
    ("strategy_discussion", "Strategy discussion", "protection:strategy"),
    ("section47_started", "Section 47 enquiry started", "protection:section47"),
    ("section47_completed", "Section 47 enquiry completed", "protection:section47-completion"),
    ("initial_conference", "Initial child protection conference", "protection:conference"),
    ("review_conference", "Child protection review conference", "protection:conference"),
    ("cp_plan_started", "Child protection plan started", "protection:plan"),
    ("core_group_meeting", "Core group meeting", "protection:core-group-meeting"),
    ("statutory_visit", "Statutory visit", "protection:visit"),
    ("cp_plan_ended", "Child protection plan ended", "protection:plan-ended"),
)


class ProtectionConfig(AppConfig):
    name = "safeguarding.protection"
    label = "protection"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        for key, label, url_name in CHRONOLOGY_KINDS:
            register_kind(EntryKind(key, label, detail_url_name=url_name))
