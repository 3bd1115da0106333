"""Search and filter forms of the audit pages (GET forms: they never write)."""

from datetime import date
from typing import Any

from django import forms

from safeguarding.audit.models import Action
from safeguarding.audit.selectors import CHILD_FILTERS, EventFilters
from safeguarding.people.selectors import SearchQuery


class ChildSearchForm(forms.Form):
    q = forms.CharField(
        label="Child's name, NHS number or LA child ID",
        max_length=200,
        error_messages={"required": "Enter the child's name, NHS number or LA child ID"},
    )

    def search_query(self) -> SearchQuery:
        text = self.cleaned_data["q"].strip()
        # Identifiers carry digits (NHS number, UPN, LA child ID); names do not.
        if any(ch.isdigit() for ch in text):
            return SearchQuery(identifier=text)
        return SearchQuery(name=text)


class ChildEventsFilterForm(forms.Form):
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "All activity"), *((key, label) for key, (label, _) in CHILD_FILTERS.items())],
    )


def _date_from_parts(day: str, month: str, year: str, label: str) -> date | None:
    """GOV.UK date input: three boxes, and error messages that say which part is wrong."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    if not any(parts.values()):
        return None
    missing = [name for name, value in parts.items() if not value]
    if missing:
        raise forms.ValidationError(f"{label} must include a {' and a '.join(missing)}")
    if not all(value.isdigit() for value in parts.values()):
        raise forms.ValidationError(f"{label} must be a real date")
    if len(parts["year"]) != 4:
        raise forms.ValidationError(f"Year in {label.lower()} must include 4 numbers")
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        raise forms.ValidationError(f"{label} must be a real date") from None


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label="Activity", required=False, choices=[("", "All activity"), *Action.choices])
    practitioner = forms.CharField(
        label="Practitioner's username",
        required=False,
        max_length=150,
        help_text="The username they sign in with, for example jsmith",
    )
    from_day = forms.CharField(label="Day", required=False, max_length=2)
    from_month = forms.CharField(label="Month", required=False, max_length=2)
    from_year = forms.CharField(label="Year", required=False, max_length=4)
    to_day = forms.CharField(label="Day", required=False, max_length=2)
    to_month = forms.CharField(label="Month", required=False, max_length=2)
    to_year = forms.CharField(label="Year", required=False, max_length=4)

    DATE_FIELDS = ("from_day", "from_month", "from_year", "to_day", "to_month", "to_year")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        dates: dict[str, date | None] = {}
        for prefix, label in (("from", "Date from"), ("to", "Date to")):
            try:
                dates[prefix] = _date_from_parts(
                    data.get(f"{prefix}_day", ""),
                    data.get(f"{prefix}_month", ""),
                    data.get(f"{prefix}_year", ""),
                    label,
                )
            except forms.ValidationError as error:
                self.add_error(f"{prefix}_day", error)
                dates[prefix] = None
        if dates["from"] and dates["to"] and dates["to"] < dates["from"]:
            self.add_error("to_day", "Date to must be the same as or after date from")
        data["date_from"], data["date_to"] = dates["from"], dates["to"]
        return data

    def filters(self) -> EventFilters:
        if not self.is_valid():
            return EventFilters()
        data = self.cleaned_data
        return EventFilters(
            action=data["action"],
            practitioner=data["practitioner"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
