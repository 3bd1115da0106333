"""Forms for recording and amending concerns, and for a child not yet in the index.

Forms parse what was typed (GOV.UK date inputs, times, checkboxes) and report problems;
the rules themselves are the services' (`concern_validate`, `child_create`). Every problem
is reported at once, as the GOV.UK error summary pattern asks.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone

from safeguarding.concerns.models import BodyRegion, Category, Concern
from safeguarding.concerns.services import ConcernInput, concern_validate
from safeguarding.core.forms import (
    YES_NO,
    DateSpec,
    GovukDatesMixin,
    Options,
    date_part_fields,
)
from safeguarding.core.forms import apply_service_errors as apply_service_errors  # for the views
from safeguarding.people.codes import Sex
from safeguarding.people.identifiers import nhs_number_valid, upn_valid
from safeguarding.people.services import NewChild

# The body map's two views. The child's left is on the viewer's right in the front view.
FRONT_REGIONS = (
    BodyRegion.HEAD_FRONT,
    BodyRegion.NECK_FRONT,
    BodyRegion.CHEST,
    BodyRegion.ABDOMEN,
    BodyRegion.GENITAL_AREA,
    BodyRegion.LEFT_ARM,
    BodyRegion.RIGHT_ARM,
    BodyRegion.LEFT_HAND,
    BodyRegion.RIGHT_HAND,
    BodyRegion.LEFT_LEG,
    BodyRegion.RIGHT_LEG,
    BodyRegion.LEFT_FOOT,
    BodyRegion.RIGHT_FOOT,
)
BACK_REGIONS = (
    BodyRegion.HEAD_BACK,
    BodyRegion.NECK_BACK,
    BodyRegion.UPPER_BACK,
    BodyRegion.LOWER_BACK,
    BodyRegion.BUTTOCKS,
    BodyRegion.BACK_OF_LEGS,
)


def initial_from_data(form_class: type[forms.Form], data: QueryDict) -> dict[str, Any]:
    """Values typed on another page, to show in a form without judging them yet."""
    initial: dict[str, Any] = {}
    for name, field in form_class.base_fields.items():
        if name not in data:
            continue
        initial[name] = data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name)
    return initial


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ConcernForm(GovukDatesMixin, forms.Form):
    """What happened: the same questions whichever agency records it."""

    # A date in the future is the service's rule (concern_validate), not the form's.
    OCCURRED = DateSpec("occurred", "The date it happened", enter="Enter the date it happened")

    occurred_day, occurred_month, occurred_year = date_part_fields()
    occurred_time = forms.CharField(
        label="Time it happened",
        required=False,
        help_text="Use the 24-hour clock, for example 14:30. "
        "If you do not know the exact time, give your best estimate",
    )
    what_happened = forms.CharField(
        label="What did you see or hear?",
        required=False,
        widget=_textarea(8),
        help_text="Write down the facts: what happened, where, and who was there. "
        "If you give an opinion, say that it is your opinion",
    )
    childs_words = forms.CharField(
        label="The child's own words (optional)",
        required=False,
        widget=_textarea(4),
        help_text="Record exactly what the child said, in their words",
    )
    categories = forms.MultipleChoiceField(
        label="What is the concern about?",
        required=False,
        choices=Category.choices,
        error_messages={"invalid_choice": "Select categories from the list"},
    )
    immediate_danger = forms.ChoiceField(
        label="Is the child in immediate danger?",
        choices=YES_NO,
        error_messages={
            "required": "Select yes if the child is in immediate danger",
            "invalid_choice": "Select yes if the child is in immediate danger",
        },
    )
    action_taken = forms.CharField(
        label="What action have you taken?",
        required=False,
        widget=_textarea(4),
        help_text="For example: told the designated safeguarding lead, called the front door, called 999",
    )
    injury_locations = forms.MultipleChoiceField(
        label="Where are the injuries?",
        required=False,
        choices=BodyRegion.choices,
        error_messages={"invalid_choice": "Select injury locations from the body map"},
    )
    injury_description = forms.CharField(
        label="Describe the injuries (optional)",
        required=False,
        widget=_textarea(3),
        help_text="Size, shape and colour, and what was said about how they happened",
    )

    # Options for the templates ------------------------------------------------------------
    @property
    def category_options(self) -> Options:
        return Options(self["categories"], Category.choices)

    @property
    def front_options(self) -> Options:
        return Options(self["injury_locations"], [(r.value, r.label) for r in FRONT_REGIONS])

    @property
    def back_options(self) -> Options:
        return Options(self["injury_locations"], [(r.value, r.label) for r in BACK_REGIONS], first_id=False)

    @property
    def marked_regions(self) -> list[str]:
        return [o["value"] for o in (*self.front_options, *self.back_options) if o["checked"]]

    # Parsing -----------------------------------------------------------------------------
    def _occurred_at(self) -> dt.datetime | None:
        return self.clean_moment(
            self.OCCURRED, "occurred_time", missing="Enter the time it happened", example="09:30 or 14:15"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        occurred_at = self._occurred_at()
        cleaned["occurred_at"] = occurred_at
        # The service's rules, checked now so that every problem shows at once.
        try:
            concern_validate(self._input(cleaned, occurred_at or timezone.now()))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                target = CONCERN_FIELD_FOR.get(name)
                if (name == "occurred_at" and occurred_at is None) or target in self.errors:
                    continue  # one message per question: what was typed could not be read
                for message in messages:
                    self.add_error(target, message)
        return cleaned

    @staticmethod
    def _input(cleaned: dict[str, Any], occurred_at: dt.datetime) -> ConcernInput:
        return ConcernInput(
            occurred_at=occurred_at,
            what_happened=cleaned.get("what_happened", ""),
            action_taken=cleaned.get("action_taken", ""),
            categories=list(cleaned.get("categories", [])),
            childs_words=cleaned.get("childs_words", ""),
            immediate_danger=cleaned.get("immediate_danger") == "yes",
            injury_locations=list(cleaned.get("injury_locations", [])),
            injury_description=cleaned.get("injury_description", ""),
        )

    def concern_input(self) -> ConcernInput:
        """The concern as the services take it (only once the form is valid)."""
        occurred_at = self.cleaned_data["occurred_at"]
        assert occurred_at is not None
        return self._input(self.cleaned_data, occurred_at)

    @classmethod
    def initial_for(cls, concern: Concern) -> dict[str, Any]:
        local = timezone.localtime(concern.occurred_at)
        return {
            "occurred_day": str(local.day),
            "occurred_month": str(local.month),
            "occurred_year": str(local.year),
            "occurred_time": local.strftime("%H:%M"),
            "what_happened": concern.what_happened,
            "childs_words": concern.childs_words,
            "categories": list(concern.categories),
            "immediate_danger": "yes" if concern.immediate_danger else "no",
            "action_taken": concern.action_taken,
            "injury_locations": list(concern.injury_locations),
            "injury_description": concern.injury_description,
        }


# Where each service field's errors are shown.
CONCERN_FIELD_FOR = {
    "occurred_at": "occurred_day",
    "what_happened": "what_happened",
    "childs_words": "childs_words",
    "categories": "categories",
    "immediate_danger": "immediate_danger",
    "action_taken": "action_taken",
    "injury_locations": "injury_locations",
    "injury_description": "injury_description",
    "reason": "reason",
}


class AmendConcernForm(ConcernForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        widget=_textarea(3),
        help_text="For example: the date was wrong, or the child's words were recorded incorrectly. "
        "The original stays in the record",
        error_messages={"required": "Enter the reason for the amendment"},
    )

    def changes_from(self, concern: Concern) -> dict[str, Any]:
        """Only the answers that differ from the concern as it stands."""
        proposed = self.concern_input()
        changes: dict[str, Any] = {}
        # Times are entered to the minute: a concern fed in with seconds is unchanged
        # unless the minute itself changes.
        current = timezone.localtime(concern.occurred_at).replace(second=0, microsecond=0)
        if proposed.occurred_at != current:
            changes["occurred_at"] = proposed.occurred_at
        for name in ("what_happened", "childs_words", "action_taken", "injury_description", "immediate_danger"):
            if getattr(proposed, name) != getattr(concern, name):
                changes[name] = getattr(proposed, name)
        for name in ("categories", "injury_locations"):
            if sorted(set(getattr(proposed, name))) != sorted(set(getattr(concern, name))):
                changes[name] = sorted(set(getattr(proposed, name)))
        return changes


class ChildDetailsForm(GovukDatesMixin, forms.Form):
    """A child not yet in the index: enough to find them again and tell them apart."""

    DOB = DateSpec("dob", "Date of birth", enter="Enter the child's date of birth", past_only=True)
    EDD = DateSpec("edd", "Expected date of birth", enter="Enter the expected date of birth")

    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    born = forms.ChoiceField(
        label="Has the child been born?",
        choices=[("yes", "Yes"), ("no", "No, this is an unborn child")],
        error_messages={
            "required": "Select yes if the child has been born",
            "invalid_choice": "Select yes if the child has been born",
        },
    )
    dob_day, dob_month, dob_year = date_part_fields()
    edd_day, edd_month, edd_year = date_part_fields()
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        error_messages={
            "required": "Select the child's sex, or 'Not known'",
            "invalid_choice": "Select the child's sex",
        },
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)", required=False, max_length=12, help_text="10 digits, like 943 476 5919"
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN) (optional)",
        required=False,
        max_length=15,
        help_text="13 characters, starting with a letter",
    )
    address_line1 = forms.CharField(label="Address line 1 (optional)", required=False, max_length=200)
    town = forms.CharField(label="Town or city (optional)", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)
    # Set once the practitioner has seen the likely matches and said none is this child.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["date_of_birth"] = cleaned["expected_date_of_birth"] = None
        today = timezone.localdate()
        if cleaned.get("born") == "yes":
            cleaned["date_of_birth"] = self.clean_date(self.DOB, today=today)
        elif cleaned.get("born") == "no":
            edd = self.clean_date(self.EDD)
            if edd is not None and not today - dt.timedelta(days=60) <= edd <= today + dt.timedelta(days=300):
                self.date_error("edd", "Expected date of birth must be within the next 10 months")
                edd = None
            cleaned["expected_date_of_birth"] = edd
        nhs = cleaned.get("nhs_number", "")
        if nhs and not nhs_number_valid(nhs):
            self.add_error("nhs_number", "Enter a valid NHS number, like 943 476 5919")
        upn = cleaned.get("upn", "")
        if upn and not upn_valid(upn):
            self.add_error("upn", "Enter a valid UPN: 13 characters starting with a check letter")
        return cleaned

    def new_child(self) -> NewChild:
        d = self.cleaned_data
        return NewChild(
            first_name=d["first_name"],
            last_name=d["last_name"],
            date_of_birth=d["date_of_birth"],
            expected_date_of_birth=d["expected_date_of_birth"],
            sex=d["sex"],
            nhs_number=d["nhs_number"],
            upn=d["upn"],
            address_line1=d["address_line1"],
            town=d["town"],
            postcode=d["postcode"],
        )


class RecordForNewChildForm(ChildDetailsForm, ConcernForm):
    """The child's details, then the concern, on one page."""

    field_order = [*ChildDetailsForm.base_fields, *ConcernForm.base_fields]

    def child_field_for(self) -> dict[str, str]:
        """Where child_create's errors are shown (its date error depends on born or not)."""
        date_field = "edd_day" if self.cleaned_data.get("born") == "no" else "dob_day"
        return {
            "first_name": "first_name",
            "last_name": "last_name",
            "date_of_birth": date_field,
            "nhs_number": "nhs_number",
            "upn": "upn",
            **CONCERN_FIELD_FOR,
        }

    @property
    def concern_field_names(self) -> list[str]:
        return list(ConcernForm.base_fields)
