from django.apps import AppConfig

# Chronology kinds of early help. Every entry's source is the episode, so that each links to
# the episode's page, which shows the whole of it (consent, assessment, plan, reviews).
EARLY_HELP_KINDS = (
    ("early_help_started", "Early help started"),
    ("early_help_consent", "Early help consent"),
    ("early_help_assessment", "Early help assessment"),
    ("early_help_team", "Team around the family"),
    ("early_help_plan_action", "Family plan action"),
    ("early_help_review", "Early help review"),
    ("family_group_conference", "Family group conference"),
    ("early_help_stepped_up", "Stepped up from early help to social care"),
    ("early_help_closed", "Early help ended"),
)


class EarlyHelpConfig(AppConfig):
    name = "safeguarding.earlyhelp"
    label = "earlyhelp"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        for key, label in EARLY_HELP_KINDS:
            register_kind(EntryKind(key, label, detail_url_name="earlyhelp:episode"))
