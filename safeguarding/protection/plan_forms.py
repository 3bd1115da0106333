"""Forms of conferences and the plan: invitees, decisions, core group, visits, plan end."""

from typing import Any

from django import forms

from safeguarding.core.forms import YES_NO, DateSpec, GovukDatesMixin, date_part_fields
from safeguarding.protection.forms import (
    OptionsOf,
    PeopleChoices,
    PeopleRowsMixin,
    text_field,
    user_choice,
    users_chosen,
)
from safeguarding.protection.models import Category, Discipline, PlanEndReason
from safeguarding.protection.services import InviteeInput
from safeguarding.protection.services.conferences import INITIAL_DECISIONS, REVIEW_DECISIONS


def _radios(label: str, choices: Any, required: str, *, optional: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=not optional,
        error_messages={"required": required, "invalid_choice": required},
    )


class _ConferenceForm(PeopleRowsMixin, GovukDatesMixin, forms.Form):
    """What an initial and a review conference share: date, chair, invitees, the child's views."""

    HELD = DateSpec("held", "Date of the conference", enter="Enter the date the conference was held", past_only=True)
    ROW_PREFIX = "i"
    ROWS_FIELD = "invitees"
    FIXED = (Discipline.SOCIAL_CARE, Discipline.HEALTH, Discipline.POLICE, Discipline.EDUCATION)
    OPTIONAL_ROWS = 6
    ROW_KIND = InviteeInput
    FIELD_FOR = {"held_on": "held_day", "invitees": "i0_name"}
    LATER_FIELDS: tuple[str, ...] = ()

    held_day, held_month, held_year = date_part_fields()
    childs_views = text_field(
        "The child's views",
        "Enter the child's views, and how they were gathered",
        hint="Their wishes and feelings, in their own words where possible, and how they were gathered",
    )
    summary = text_field(
        "Summary of the conference", "Enter a summary of the conference", hint="The risks, strengths and reasons"
    )

    def __init__(self, *args: Any, choices: PeopleChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"] = user_choice("Who chaired it?", "Select who chaired the conference", choices.chairs)
        self._add_more(choices)
        self._add_rows(choices)
        self.order_fields(
            [
                "held_day",
                "held_month",
                "held_year",
                "chair",
                *self.row_field_names(),
                "childs_views",
                "summary",
                *self.LATER_FIELDS,
            ]
        )

    def _add_more(self, choices: PeopleChoices) -> None:
        """Fields that need the page's choices (the lead social worker)."""

    def _add_row_extras(self, p: str) -> None:
        self.fields[p + "attended"] = forms.BooleanField(label="Attended", required=False, initial=True)
        self.fields[p + "report_provided"] = forms.BooleanField(label="Sent a report", required=False)
        self.fields[p + "report_summary"] = forms.CharField(
            label="What the report said (optional)",
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def _row_extras(self, p: str, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "attended": bool(data.get(p + "attended")),
            "report_provided": bool(data.get(p + "report_provided")),
            "report_summary": (data.get(p + "report_summary") or "").strip(),
        }

    def _row_has_extra_data(self, p: str, data: dict[str, Any]) -> bool:
        return bool(data.get(p + "report_provided") or (data.get(p + "report_summary") or "").strip())

    @property
    def options(self) -> OptionsOf:
        return OptionsOf(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["held_on"] = self.clean_date(self.HELD)
        self.clean_rows(cleaned)
        return cleaned

    def _common_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "held_on": d["held_on"],
            "chair": users_chosen(d, "chair")["chair"],
            "childs_views": d["childs_views"],
            "summary": d["summary"],
            "decision": d["decision"],
            "category": d.get("category") or "",
            "invitees": self.people,
        }


class InitialConferenceForm(_ConferenceForm):
    LATER_FIELDS = ("decision", "category", "lead_social_worker", "outline")

    decision = _radios(
        "The conference's decision",
        [(d.value, d.label) for d in INITIAL_DECISIONS],
        "Select the conference's decision",
    )
    category = _radios(
        "Category of abuse or neglect",
        Category.choices,
        "Select the category of abuse or neglect",
        optional=True,
    )
    outline = text_field(
        "Outline of the child protection plan",
        "Enter the outline of the plan",
        hint="Only if a plan is made. What must change, who will do what, by when",
    )
    outline.required = False

    def _add_more(self, choices: PeopleChoices) -> None:
        self.fields["lead_social_worker"] = user_choice(
            "Lead social worker for the plan",
            "Select the lead social worker for the plan",
            choices.social_workers,
            hint="Only if a plan is made. The lead must be a social worker",
        )
        self.fields["lead_social_worker"].required = False

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            **self._common_kwargs(),
            "lead_social_worker": users_chosen(d, "lead_social_worker")["lead_social_worker"],
            "outline": d.get("outline") or "",
        }


class ReviewConferenceForm(_ConferenceForm):
    LATER_FIELDS = ("decision", "category")

    decision = _radios(
        "The conference's decision",
        [(d.value, d.label) for d in REVIEW_DECISIONS],
        "Select whether the plan continues or ends",
    )
    category = _radios(
        "Category of abuse or neglect, if it has changed",
        [("", "No change"), *Category.choices],
        "Select the category of abuse or neglect",
        optional=True,
    )

    def service_kwargs(self) -> dict[str, Any]:
        return self._common_kwargs()


class CoreGroupMemberForm(forms.Form):
    FIELD_FOR: dict[str, str] = {}

    def __init__(self, *args: Any, choices: PeopleChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["practitioner"] = forms.ChoiceField(
            label="User of this service (optional)",
            help_text="A user of this service in the core group can open the child's record until the plan ends",
            choices=[("", "Not a user of this service"), *choices.practitioners],
            required=False,
        )
        self.fields["name"] = forms.CharField(
            label="Name", required=False, max_length=200, help_text="Not needed if you chose a user of this service"
        )
        self.fields["agency"] = forms.ChoiceField(
            label="Agency (optional)", choices=[("", "Select"), *choices.agencies], required=False
        )
        self.fields["discipline"] = forms.ChoiceField(
            label="Speaks for",
            choices=[("", "Select"), *Discipline.choices],
            error_messages={
                "required": "Select which part of the partnership they speak for",
                "invalid_choice": "Select which part of the partnership they speak for",
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("practitioner") and not (cleaned.get("name") or "").strip():
            self.add_error("name", "Enter the name of the core group member, or choose a user of this service")
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        from safeguarding.access.models import Agency

        d = self.cleaned_data
        agency = Agency.objects.filter(pk=int(d["agency"])).first() if d.get("agency") else None
        return {
            "practitioner": users_chosen(d, "practitioner")["practitioner"],
            "name": d.get("name") or "",
            "agency": agency,
            "discipline": d["discipline"],
        }


class CoreGroupMeetingForm(GovukDatesMixin, forms.Form):
    HELD = DateSpec("held", "Date of the meeting", enter="Enter the date the core group met", past_only=True)
    FIELD_FOR = {"held_on": "held_day"}

    held_day, held_month, held_year = date_part_fields()
    attendees = text_field("Who attended?", "Enter who attended the core group meeting", rows=3)
    summary = text_field(
        "Progress against the plan and actions agreed",
        "Enter the progress against the plan and the actions agreed",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["held_on"] = self.clean_date(self.HELD)
        return cleaned


class StatutoryVisitForm(GovukDatesMixin, forms.Form):
    VISITED = DateSpec("visited", "Date of the visit", enter="Enter the date of the visit", past_only=True)
    FIELD_FOR = {"visited_on": "visited_day"}

    visited_day, visited_month, visited_year = date_part_fields()
    child_seen = _radios("Was the child seen?", YES_NO, "Select whether the child was seen")
    seen_alone = _radios("Was the child seen alone?", YES_NO, "Select whether the child was seen alone", optional=True)
    note = text_field("What happened on the visit?", "Enter what happened on the visit")

    @property
    def options(self) -> OptionsOf:
        return OptionsOf(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["visited_on"] = self.clean_date(self.VISITED)
        if cleaned.get("child_seen") == "yes" and not cleaned.get("seen_alone"):
            self.add_error("seen_alone", "Select whether the child was seen alone")
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        seen = d["child_seen"] == "yes"
        return {
            "visited_on": d["visited_on"],
            "child_seen": seen,
            "seen_alone": d.get("seen_alone") == "yes",
            "note": d["note"],
        }


# A plan ends because the child is no longer at risk only through a review conference.
DIRECT_END_REASONS = [(r.value, r.label) for r in PlanEndReason if r != PlanEndReason.NO_LONGER_AT_RISK]


class PlanEndForm(GovukDatesMixin, forms.Form):
    ENDED = DateSpec("ended", "Date the plan ended", enter="Enter the date the plan ended", past_only=True)
    FIELD_FOR = {"ended_on": "ended_day"}

    reason = _radios("Why is the plan ending?", DIRECT_END_REASONS, "Select why the plan is ending")
    ended_day, ended_month, ended_year = date_part_fields()
    note = forms.CharField(
        label="Anything else to record (optional)",
        help_text="For example, the local authority the child moved to and the date of its transfer-in conference",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def options(self) -> OptionsOf:
        return OptionsOf(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["ended_on"] = self.clean_date(self.ENDED)
        return cleaned

    def reason_label(self) -> str:
        return dict(DIRECT_END_REASONS).get(self.cleaned_data.get("reason", ""), "")
