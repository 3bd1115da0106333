"""The subject access start form: who the request is about, its reference and when it came."""

from typing import Any

from django import forms

from safeguarding.core.forms import DateSpec, GovukDatesMixin, Options, date_part_fields
from safeguarding.sharing.subject_access import Subject, child_by_identifier, persons_named

SUBJECTS = [("child", "A child"), ("person", "A parent or another adult in a child's life")]
RECEIVED = DateSpec(
    "received", "The date the request was received", enter="Enter the date the request was received", past_only=True
)


class SubjectAccessForm(GovukDatesMixin, forms.Form):
    subject_kind = forms.ChoiceField(
        label="Who is the request about?",
        choices=SUBJECTS,
        error_messages={"required": "Select who the request is about"},
    )
    identifier = forms.CharField(
        label="The child's LA child ID, NHS number or UPN",
        max_length=20,
        help_text="For a parent, one of their children's",
        error_messages={"required": "Enter the child's LA child ID, NHS number or UPN"},
    )
    first_name = forms.CharField(label="The adult's first name", max_length=100, required=False)
    last_name = forms.CharField(label="The adult's last name", max_length=100, required=False)
    reference = forms.CharField(
        label="Request reference",
        max_length=100,
        help_text="Your reference for the request, for example SAR-2026-014",
        error_messages={"required": "Enter the request reference"},
    )
    received_day, received_month, received_year = date_part_fields()
    note = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea, max_length=2000)

    subject: Subject | None = None

    @property
    def subject_options(self) -> Options:
        return Options(self["subject_kind"], SUBJECTS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["received_on"] = self.clean_date(RECEIVED)
        identifier = (data.get("identifier") or "").strip()
        kind = data.get("subject_kind")
        if kind == "person":
            for name, message in (
                ("first_name", "Enter the adult's first name"),
                ("last_name", "Enter the adult's last name"),
            ):
                if not (data.get(name) or "").strip():
                    self.add_error(name, message)
        if not identifier or not kind or self.errors:
            return data
        child = child_by_identifier(identifier)
        if child is None:
            self.add_error("identifier", "No child in the index has this LA child ID, NHS number or UPN")
        elif kind == "child":
            self.subject = Subject(child=child)
        else:
            persons = persons_named(child=child, first_name=data["first_name"], last_name=data["last_name"])
            if not persons:
                self.add_error("first_name", "No one of this name is recorded in this child's family")
            else:
                self.subject = Subject(persons=persons)
        return data
