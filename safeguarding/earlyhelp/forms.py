"""Forms for early help. They read what was typed; the rules are the services', whose errors
are shown beside their question (`field_for` says where a service's date is asked)."""

from typing import Any

from django import forms

from safeguarding.concerns.models import Category
from safeguarding.core.forms import YES_NO, DateSpec, GovukDatesMixin, Options, date_part_fields
from safeguarding.earlyhelp.codes import need_choices
from safeguarding.earlyhelp.models import ClosureReason, ConsentKind, ReviewOutcome
from safeguarding.frontdoor.models import Consent


def _text(label: str, required: str = "", hint: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required} if required else {},
    )


def _line(label: str, required: str = "", hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=200,
        error_messages={"required": required, "max_length": f"{label} must be 200 characters or fewer"}
        if required
        else {"max_length": f"{label} must be 200 characters or fewer"},
    )


def _yes_no(label: str, required: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "yes", error_messages={"required": required}
    )


class _Choice(forms.TypedChoiceField):
    """A choice of a row by id (a practitioner, an agency), from choices set by the view."""

    def __init__(self, label: str, required: str = "", hint: str = "") -> None:
        super().__init__(
            label=label,
            help_text=hint,
            coerce=int,
            required=bool(required),
            empty_value=None,
            error_messages={"required": required or "Select from the list", "invalid_choice": "Select from the list"},
        )


def select_groups(bound: forms.BoundField) -> list[dict[str, Any]]:
    """A select's choices as groups of options for earlyhelp/_select.html (ungrouped ones first)."""
    chosen = "" if bound.value() in (None, "") else str(bound.value())
    groups: list[dict[str, Any]] = []
    loose: list[dict[str, Any]] = []
    for value, label in bound.field.choices:  # type: ignore[attr-defined]
        if isinstance(label, list | tuple):
            options = [{"value": str(v), "label": str(lbl), "selected": str(v) == chosen} for v, lbl in label]
            groups.append({"label": str(value), "options": options})
        else:
            loose.append({"value": str(value), "label": str(label), "selected": str(value) == chosen})
    return [{"label": "", "options": loose}, *groups] if loose else groups


class _Selects:
    def __init__(self, form: forms.Form) -> None:
        self._form = form

    def __getitem__(self, name: str) -> list[dict[str, Any]]:
        return select_groups(self._form[name])


class _Form(GovukDatesMixin, forms.Form):
    """A form with GOV.UK dates: DATES maps a service's argument to the date asked for it."""

    DATES: dict[str, DateSpec] = {}

    @property
    def field_for(self) -> dict[str, str]:
        return {name: f"{spec.prefix}_day" for name, spec in self.DATES.items()}

    @property
    def selects(self) -> _Selects:
        return _Selects(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, spec in self.DATES.items():
            cleaned[name] = self.clean_date(spec)
        return cleaned


class StartForm(_Form):
    DATES = {
        "started_on": DateSpec("started", "The date early help started", enter="Enter the date early help started"),
        "consent_on": DateSpec("consent", "The date consent was given", enter="Enter the date consent was given"),
    }
    started_day, started_month, started_year = date_part_fields()
    lead_practitioner = _Choice(
        "Lead practitioner",
        required="Select the lead practitioner",
        hint="From any agency working with the family: a teacher, health visitor, family support worker",
    )
    lead_chosen_with_family = _yes_no(
        "Did the family help choose the lead practitioner?",
        "Select whether the family helped choose the lead practitioner",
    )
    lead_choice_note = _text(
        "How the lead practitioner was chosen",
        hint="Who the family wanted and why. If they were not involved, say why",
        rows=3,
    )
    consent_confirmed = forms.BooleanField(
        label="The family has agreed to early help",
        error_messages={"required": "Early help is voluntary: confirm the family has agreed to it"},
    )
    consent_given_by = _line("Who gave consent", required="Enter who gave consent")
    consent_relationship = _line(
        "Their relationship to the child",
        required="Enter their relationship to the child",
        hint="For example, mother, father, grandparent with parental responsibility, or the child",
    )
    consent_day, consent_month, consent_year = date_part_fields()

    def __init__(self, *args: Any, leads: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_practitioner"].choices = [("", "Select the lead practitioner"), *leads]  # type: ignore[attr-defined]


class ConsentForm(_Form):
    DATES = {"on": DateSpec("on", "The date of consent", enter="Enter the date consent was given or withdrawn")}
    kind = forms.ChoiceField(
        label="Consent",
        choices=ConsentKind.choices,
        error_messages={"required": "Select whether consent was given or withdrawn"},
    )
    given_by = _line("Who gave or withdrew consent", required="Enter who gave or withdrew consent")
    relationship_to_child = _line("Their relationship to the child", required="Enter their relationship to the child")
    on_day, on_month, on_year = date_part_fields()
    note = _text("Notes (optional)", hint="For example, what the family said", rows=3)


class AssessmentForm(_Form):
    DATES = {
        "completed_on": DateSpec(
            "completed", "The date the assessment was completed", enter="Enter the date the assessment was completed"
        )
    }
    completed_day, completed_month, completed_year = date_part_fields()
    needs = forms.MultipleChoiceField(
        label="Needs identified",
        choices=need_choices(),
        error_messages={
            "required": "Select the needs the assessment identified",
            "invalid_choice": "Select from the list",
        },
    )
    strengths = _text("The family's strengths", required="Enter the family's strengths")
    childs_views = _text("The child's views", required="Enter the child's views", hint="In the child's own words")
    family_views = _text("The family's views", required="Enter the family's views")
    summary = _text(
        "Summary", required="Enter a summary of the assessment", hint="What the family needs and what will help"
    )

    def need_options(self) -> Options:
        return Options(self["needs"], need_choices())


class TeamMemberForm(_Form):
    practitioner = _Choice(
        "Practitioner on the platform", hint="They join the child's team and can open the child's record"
    )
    name = _line("Name", hint="If they do not use the platform: a family support worker, a coach, a relative")
    agency = _Choice("Their agency (optional)")
    role = _line("Their role in the team", required="Enter their role in the team around the family")

    def __init__(self, *args: Any, practitioners: list, agencies: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].choices = [("", "Not on the platform"), *practitioners]  # type: ignore[attr-defined]
        self.fields["agency"].choices = [("", "No agency"), *agencies]  # type: ignore[attr-defined]


class ActionForm(_Form):
    DATES = {"due_on": DateSpec("due", "The date it should be done by", enter="Enter the date it should be done by")}
    action = _text("What will be done", required="Enter what will be done", rows=3)
    owner = _Choice("Who will do it (a member of the team)")
    owner_name = _line("Or, who will do it (a family member or someone else)")
    due_day, due_month, due_year = date_part_fields()

    def __init__(self, *args: Any, owners: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Someone else"), *owners]  # type: ignore[attr-defined]


class ActionDoneForm(_Form):
    DATES = {"done_on": DateSpec("done", "The date it was done", enter="Enter the date it was done")}
    done_day, done_month, done_year = date_part_fields()
    note = _text("Notes (optional)", rows=3)


class ReviewForm(_Form):
    DATES = {"held_on": DateSpec("held", "The date of the review", enter="Enter the date of the review")}
    held_day, held_month, held_year = date_part_fields()
    progress = _text(
        "Progress against the family plan",
        required="Enter the progress made against the family plan",
        hint="What has changed, the child's and family's views, what is still needed",
        rows=8,
    )
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=ReviewOutcome.choices,
        error_messages={"required": "Select the outcome of the review"},
    )


class ConferenceForm(_Form):
    DATES = {"held_on": DateSpec("held", "The date of the conference", enter="Enter the date of the conference")}
    held_day, held_month, held_year = date_part_fields()
    family_network = _text(
        "Who from the family network took part", required="Enter who from the family network took part", rows=3
    )
    plan_agreed = _text("The plan the family agreed", required="Enter the plan the family agreed", rows=8)


class StepUpForm(_Form):
    concern = _text(
        "What are you worried about?",
        required="Enter what you are worried about",
        hint="Why early help is no longer enough. The front door will see the early help history",
        rows=8,
    )
    categories = forms.MultipleChoiceField(
        label="What the concern is about",
        choices=Category.choices,
        error_messages={"required": "Select at least one kind of concern", "invalid_choice": "Select from the list"},
    )
    action_taken = _text("What has already been done?", required="Enter what you have already done", rows=4)
    immediate_danger = _yes_no("Is the child in immediate danger?", "Select whether the child is in immediate danger")
    family_aware = _yes_no("Does the family know about this referral?", "Select whether the family knows")
    consent = forms.ChoiceField(
        label="Did the family agree to the referral?",
        choices=Consent.choices,
        error_messages={"required": "Select whether the family agreed to this referral"},
    )
    consent_reason = _text(
        "Why was consent not sought, or why are you referring without it?",
        hint="Consent is not needed to share information to keep a child safe, but the reason is recorded",
        rows=3,
    )

    def category_options(self) -> Options:
        return Options(self["categories"], Category.choices)


class CloseForm(_Form):
    DATES = {"closed_on": DateSpec("closed", "The date early help ended", enter="Enter the date early help ended")}
    closed_day, closed_month, closed_year = date_part_fields()
    reason = forms.ChoiceField(
        label="Why is early help ending?",
        choices=[(r.value, r.label) for r in (ClosureReason.NEEDS_MET, ClosureReason.MOVED_AWAY, ClosureReason.OTHER)],
        error_messages={"required": "Select why early help is ending"},
    )
    note = _text("Notes", hint="Needed if the reason is 'Other'", rows=4)
