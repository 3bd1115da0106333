"""Forms for Operation Encompass: the incident, a child at it, acknowledgement and support.

Forms parse what was typed and report every problem at once (GOV.UK error summary); the
rules are the services' (`incident_validate`, `child_create`)."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.core.forms import DateSpec, GovukDatesMixin, date_part_fields
from safeguarding.encompass.models import Presence
from safeguarding.encompass.services import SUMMARY_MAX, SUPPORT_MAX, IncidentInput, incident_validate
from safeguarding.linkage.features import PersonRecord
from safeguarding.people.services import NewChild

# Where each service field's errors are shown.
FIELD_FOR = {
    "reference": "reference",
    "occurred_at": "occurred_day",
    "summary_for_school": "summary_for_school",
    "presence": "presence",
    "first_name": "first_name",
    "last_name": "last_name",
    "date_of_birth": "dob_day",
    "postcode": "postcode",
    "support": "support",
}


class IncidentForm(GovukDatesMixin, forms.Form):
    OCCURRED = DateSpec("occurred", "The date of the incident", enter="Enter the date of the incident")

    reference = forms.CharField(
        label="Police incident reference",
        required=False,
        help_text="The force's own reference for the incident, for example DA/2026/004512",
    )
    occurred_day, occurred_month, occurred_year = date_part_fields()
    occurred_time = forms.CharField(
        label="Time of the incident",
        required=False,
        help_text="Use the 24-hour clock, for example 22:15",
    )
    summary_for_school = forms.CharField(
        label="What the school needs to know",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A short factual summary the school's designated safeguarding lead will read, so that they can "
        "support the child the next day. Do not name other people unless the school needs to know",
    )

    def _occurred_at(self) -> dt.datetime | None:
        return self.clean_moment(
            self.OCCURRED, "occurred_time", missing="Enter the time of the incident", example="09:30 or 22:15"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        occurred_at = self._occurred_at()
        cleaned["occurred_at"] = occurred_at
        try:
            incident_validate(self._input(cleaned, occurred_at or timezone.now()))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                target = FIELD_FOR.get(name, name)
                if (name == "occurred_at" and occurred_at is None) or target in self.errors:
                    continue
                for message in messages:
                    self.add_error(target, message)
        return cleaned

    @staticmethod
    def _input(cleaned: dict[str, Any], occurred_at: dt.datetime) -> IncidentInput:
        return IncidentInput(
            reference=cleaned.get("reference", ""),
            occurred_at=occurred_at,
            summary_for_school=cleaned.get("summary_for_school", ""),
        )

    def incident_input(self) -> IncidentInput:
        occurred_at = self.cleaned_data["occurred_at"]
        assert occurred_at is not None
        return self._input(self.cleaned_data, occurred_at)

    @property
    def summary_max(self) -> int:
        return SUMMARY_MAX


class ChildAtIncidentForm(GovukDatesMixin, forms.Form):
    """A child at the incident: enough to find them in the index, and whether they were there."""

    DOB = DateSpec("dob", "Date of birth", enter="Enter the child's date of birth", past_only=True)

    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the child's first name"}
    )
    last_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the child's last name"}
    )
    dob_day, dob_month, dob_year = date_part_fields()
    postcode = forms.CharField(label="Postcode of the address (optional)", required=False, max_length=10)
    presence = forms.ChoiceField(
        label="Was the child at the incident?",
        choices=Presence.choices,
        error_messages={
            "required": "Select whether the child was present or normally lives at the address",
            "invalid_choice": "Select whether the child was present or normally lives at the address",
        },
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.cleaned_data["date_of_birth"] = self.clean_date(self.DOB, today=timezone.localdate())
        return self.cleaned_data

    def person(self) -> PersonRecord:
        d = self.cleaned_data
        return PersonRecord(
            first_names=(d["first_name"].strip(),),
            last_names=(d["last_name"].strip(),),
            date_of_birth=d["date_of_birth"],
            postcode=d["postcode"].strip(),
        )

    def new_child(self) -> NewChild:
        d = self.cleaned_data
        return NewChild(
            first_name=d["first_name"],
            last_name=d["last_name"],
            date_of_birth=d["date_of_birth"],
            postcode=d["postcode"],
        )


class IncidentWithChildForm(IncidentForm, ChildAtIncidentForm):
    """The incident, then the first child, on one page."""

    # IncidentForm.clean() reaches ChildAtIncidentForm.clean() through super(): both run.
    field_order = [*IncidentForm.base_fields, *ChildAtIncidentForm.base_fields]


class SupportForm(forms.Form):
    support = forms.CharField(
        label="What support did the school give?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=SUPPORT_MAX,
        help_text="For example: a check-in with a trusted adult at the start of the day, time in the nurture room, "
        "a quiet word with the class teacher. Record each piece of support as you give it",
        error_messages={
            "required": "Enter the support the school gave",
            "max_length": f"The support the school gave must be {SUPPORT_MAX:,} characters or fewer",
        },
    )
