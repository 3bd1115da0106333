"""Forms for finding a child, filtering the chronology and asking for emergency access.

Dates use the GOV.UK date input pattern (separate day, month and year boxes) with the
Design System's error messages: "Date of birth must include a month", "... must be a real
date". The error goes on the first box that needs fixing, so the error summary links there.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import dateformat

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.concerns.chronology import kinds
from safeguarding.concerns.models import Category
from safeguarding.concerns.selectors import ChronologyFilters
from safeguarding.core.forms import DateSpec, GovukDatesMixin, date_part_fields
from safeguarding.people.identifiers import normalise_nhs_number
from safeguarding.people.selectors import SearchQuery


class ChildSearchForm(GovukDatesMixin, forms.Form):
    DOB = DateSpec("dob", "Date of birth")

    name = forms.CharField(
        label="Name",
        required=False,
        max_length=200,
        help_text="First and last name. Spelling mistakes, nicknames and former names are allowed for",
    )
    dob_day, dob_month, dob_year = date_part_fields()
    identifier = forms.CharField(
        label="NHS number, UPN or LA child ID",
        required=False,
        max_length=40,
        help_text="For example, 943 476 5919. Searches for this exact number only",
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    school = forms.ModelChoiceField(
        label="School",
        queryset=Agency.objects.filter(kind=AgencyKind.SCHOOL).order_by("name"),
        required=False,
        empty_label="Any school",
    )

    FIELDS_IN_QUERY = ("name", "dob_day", "dob_month", "dob_year", "identifier", "postcode", "school")

    def clean_identifier(self) -> str:
        value: str = self.cleaned_data["identifier"].strip()
        compact = normalise_nhs_number(value)
        if compact.isdigit() and len(compact) != 10:
            raise forms.ValidationError("An NHS number must be 10 digits, like 943 476 5919")
        return value

    def clean_postcode(self) -> str:
        value: str = " ".join(self.cleaned_data["postcode"].split()).upper()
        if value and not (5 <= len(value.replace(" ", "")) <= 7 and value.replace(" ", "").isalnum()):
            raise forms.ValidationError("Enter a real postcode, like SW1A 1AA")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["dob"] = self.clean_date(self.DOB)
        if not self.errors and self.query().is_empty:
            self.add_error("name", "Enter at least one detail about the child to search for")
        return cleaned

    def query(self) -> SearchQuery:
        data = self.cleaned_data
        school = data.get("school")
        return SearchQuery(
            name=data.get("name") or "",
            date_of_birth=data.get("dob"),
            identifier=data.get("identifier") or "",
            postcode=data.get("postcode") or "",
            school_id=school.pk if school else None,
        )


class ChronologyFilterForm(GovukDatesMixin, forms.Form):
    """Filters of the chronology. Choices of agency are those with entries the user may see."""

    DATE_FROM = DateSpec("from", "The from date", name_year=True)
    DATE_TO = DateSpec("to", "The to date", name_year=True)

    agency = forms.MultipleChoiceField(label="Agency", required=False, widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(label="Type of entry", required=False)
    category = forms.ChoiceField(label="Category", required=False)
    from_day, from_month, from_year = date_part_fields()
    to_day, to_month, to_year = date_part_fields()

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", "Any type")] + [(k.key, k.label) for k in kinds()]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", "Any category"), *Category.choices]  # type: ignore[attr-defined]
        self.fields["agency"].error_messages["invalid_choice"] = "Select an agency from the list"
        self.fields["kind"].error_messages["invalid_choice"] = "Select a type of entry from the list"
        self.fields["category"].error_messages["invalid_choice"] = "Select a category from the list"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = cleaned["from"] = self.clean_date(self.DATE_FROM)
        end = cleaned["to"] = self.clean_date(self.DATE_TO)
        if start and end and end < start:
            self.date_error("to", "The to date must be the same as or after the from date")
        return cleaned

    def filters(self) -> ChronologyFilters:
        """The valid filters (an invalid one is shown as an error and not applied)."""
        if not self.is_bound:
            return ChronologyFilters()
        self.is_valid()
        data = self.cleaned_data
        date_errors = {k.split("_")[0] for k in self.errors if k.startswith(("from_", "to_"))}
        return ChronologyFilters(
            agency_ids=tuple(int(a) for a in data.get("agency") or ()),
            kinds=(data["kind"],) if data.get("kind") else (),
            category=data.get("category") or "",
            date_from=None if "from" in date_errors or "to" in date_errors else data.get("from"),
            date_to=None if "to" in date_errors or "from" in date_errors else data.get("to"),
        )

    def selected_description(self) -> str:
        """Plain words for what is filtered, for the page and the PDF."""
        f = self.filters()
        parts: list[str] = []
        if f.agency_ids:
            names = dict(self.fields["agency"].choices)  # type: ignore[attr-defined]
            parts.append("agency: " + ", ".join(names.get(str(a), str(a)) for a in f.agency_ids))
        if f.kinds:
            parts.append("type: " + ", ".join(dict(self.fields["kind"].choices).get(k, k) for k in f.kinds))  # type: ignore[attr-defined]
        if f.category:
            parts.append("category: " + str(dict(Category.choices).get(f.category, f.category)))
        if f.date_from:
            parts.append(f"from {dateformat.format(f.date_from, 'j F Y')}")
        if f.date_to:
            parts.append(f"to {dateformat.format(f.date_to, 'j F Y')}")
        return "; ".join(parts)


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need emergency access?",
        help_text=(
            "Say what has happened and why you cannot wait for the child's social worker or the front door. "
            "The data protection officer will read this"
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Explain why you need emergency access"},
    )

    @staticmethod
    def minutes() -> int:
        return int(settings.BREAK_GLASS_MINUTES)
