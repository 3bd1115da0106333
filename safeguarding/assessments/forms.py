"""Forms for assessments and child in need plans. They read what was typed; the rules are
the services' (services.py, cin_plans.py), whose errors are shown beside their question."""

from typing import Any

from django import forms

from safeguarding.access.models import User
from safeguarding.assessments import codes
from safeguarding.assessments.models import AssessmentOutcome, PrimaryNeed
from safeguarding.core.forms import DateSpec, GovukDatesMixin, Options, date_part_fields


def _text(label: str, required: str = "", hint: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required} if required else {},
    )


def select_groups(bound: forms.BoundField) -> list[dict[str, Any]]:
    """A select's choices as groups of options for assessments/_select.html (ungrouped ones first)."""
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


class _DateForm(GovukDatesMixin, forms.Form):
    """A form whose first question is one date; the service's name for it goes on its first box."""

    DATE: DateSpec
    SERVICE_FIELD: str

    @property
    def field_for(self) -> dict[str, str]:
        return {self.SERVICE_FIELD: f"{self.DATE.prefix}_day"}

    @property
    def selects(self) -> _Selects:
        """`form.selects.<name>` in a template: a select's options, grouped."""
        return _Selects(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned[self.SERVICE_FIELD] = self.clean_date(self.DATE)
        return cleaned


class _PractitionerField(forms.TypedChoiceField):
    def __init__(self, label: str, required: str = "", hint: str = "") -> None:
        super().__init__(
            label=label,
            help_text=hint,
            coerce=int,
            required=bool(required),
            empty_value=None,
            error_messages={
                "required": required or "Select from the list",
                "invalid_choice": "Select a practitioner from the list",
            },
        )


class AssessmentStartForm(_DateForm):
    DATE = DateSpec("started", "The date the assessment started", enter="Enter the date the assessment started")
    SERVICE_FIELD = "started_on"

    started_day, started_month, started_year = date_part_fields()
    lead_practitioner = _PractitionerField(
        "Lead practitioner",
        required="Select the lead practitioner",
        hint="Usually a social worker. Someone who is not a social worker may lead, supervised by one",
    )
    supervisor = _PractitionerField(
        "Supervisor (social-work qualified)",
        hint="Needed when the lead practitioner is not a social worker. The supervisor authorises the assessment",
    )

    def __init__(self, *args: Any, leads: list, supervisors: list, people: dict[int, User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["lead_practitioner"].choices = [("", "Select the lead practitioner"), *leads]  # type: ignore[attr-defined]
        self.fields["supervisor"].choices = [("", "No supervisor"), *supervisors]  # type: ignore[attr-defined]

    def person(self, name: str) -> User | None:
        pk = self.cleaned_data.get(name)
        return self.people.get(pk) if pk is not None else None


class ChildSeenForm(_DateForm):
    DATE = DateSpec("seen", "The date the child was seen", enter="Enter the date the child was seen")
    SERVICE_FIELD = "seen_on"

    seen_day, seen_month, seen_year = date_part_fields()
    seen_alone = forms.TypedChoiceField(
        label="Was the child seen alone?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select whether the child was seen alone"},
    )
    note = _text("Notes (optional)", hint="Where, who else was there, what the child said or showed", rows=4)


class AssessmentCompleteForm(_DateForm):
    DATE = DateSpec(
        "completed", "The date the assessment was completed", enter="Enter the date the assessment was completed"
    )
    SERVICE_FIELD = "completed_on"

    completed_day, completed_month, completed_year = date_part_fields()
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        choices=[(f.code, f.label) for f in codes.FACTORS],
        error_messages={
            "required": "Select the factors identified at the end of the assessment, or 'No factors identified'",
            "invalid_choice": "Select factors from the list",
        },
    )
    primary_need = forms.ChoiceField(
        label="The child's primary need",
        choices=PrimaryNeed.choices,
        error_messages={"required": "Select the child's primary need", "invalid_choice": "Select from the list"},
    )
    analysis = _text(
        "Findings and analysis",
        required="Enter the findings and analysis of the assessment",
        hint="What you found, what it means for the child, and why you reached your decision. "
        "This is not sent to the family or other agencies",
        rows=10,
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=AssessmentOutcome.choices,
        error_messages={"required": "Select the outcome of the assessment", "invalid_choice": "Select from the list"},
    )
    late_reason = _text("Why was the assessment completed late?", rows=3)

    def factor_groups(self) -> list[dict[str, Any]]:
        """The factors, one fieldset per question; the first carries the field's id for the error summary."""
        bound = self["factors"]
        groups = []
        for i, group in enumerate(codes.GROUPS):
            factors = codes.factors_in(group)
            last = codes.NO_FACTORS if group == codes.OTHER else ""
            options = Options(bound, [(f.code, f.option) for f in factors], last=last, first_id=i == 0)
            groups.append({"legend": group, "options": options, "slug": f"group-{i}"})
        return groups


class AuthoriseForm(forms.Form):
    note = _text("Comments (optional)", hint="For example, what you checked and anything to follow up", rows=4)


class CINPlanStartForm(_DateForm):
    DATE = DateSpec("started", "The date the plan started", enter="Enter the date the plan started")
    SERVICE_FIELD = "started_on"

    started_day, started_month, started_year = date_part_fields()
    lead_practitioner = _PractitionerField("Lead practitioner", required="Select the lead practitioner")
    plan = _text(
        "The plan",
        required="Enter the plan: the child's needs, what will be done, by whom and by when",
        hint="The child's needs, what will be done, by whom and by when",
        rows=10,
    )

    def __init__(self, *args: Any, leads: list, people: dict[int, User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["lead_practitioner"].choices = [("", "Select the lead practitioner"), *leads]  # type: ignore[attr-defined]

    def person(self, name: str) -> User | None:
        pk = self.cleaned_data.get(name)
        return self.people.get(pk) if pk is not None else None


class CINPlanReviewForm(_DateForm):
    DATE = DateSpec("held", "The date of the review", enter="Enter the date of the review")
    SERVICE_FIELD = "held_on"

    held_day, held_month, held_year = date_part_fields()
    summary = _text(
        "What the review found and agreed",
        required="Enter what the review found and what was agreed",
        hint="Progress against the plan, the child's views, changes to the plan",
        rows=8,
    )


class CINPlanEndForm(_DateForm):
    DATE = DateSpec("ended", "The date the plan ended", enter="Enter the date the plan ended")
    SERVICE_FIELD = "ended_on"

    ended_day, ended_month, ended_year = date_part_fields()
    reason = _text("Why is the plan ending?", required="Enter why the plan is ending", rows=4)
