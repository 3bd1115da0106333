from django.apps import AppConfig

# Chronology kinds of the assessment and of the child in need plan. The entries' source is the
# assessment or the plan, so that each links to the page showing the whole of it.
ASSESSMENT_KINDS = (
    ("assessment_started", "Child and family assessment started"),
    ("child_seen", "Child seen during the assessment"),
    ("assessment_completed", "Child and family assessment completed"),
    ("assessment_authorised", "Child and family assessment authorised"),
)
PLAN_KINDS = (
    ("cin_plan_started", "Child in need plan started"),
    ("cin_plan_review", "Child in need plan review"),
    ("cin_plan_ended", "Child in need plan ended"),
)


class AssessmentsConfig(AppConfig):
    name = "safeguarding.assessments"
    label = "assessments"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        for key, label in ASSESSMENT_KINDS:
            register_kind(EntryKind(key, label, detail_url_name="assessments:detail"))
        for key, label in PLAN_KINDS:
            register_kind(EntryKind(key, label, detail_url_name="assessments:cin-plan"))
