"""Search and filter forms of the audit pages (GET forms: they never write)."""

from typing import Any

from django import forms

from safeguarding.audit.models import Action
from safeguarding.audit.selectors import CHILD_FILTERS, EventFilters
from safeguarding.core.forms import DateSpec, GovukDatesMixin, date_part_fields
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


class EventFilterForm(GovukDatesMixin, forms.Form):
    action = forms.ChoiceField(label="Activity", required=False, choices=[("", "All activity"), *Action.choices])
    practitioner = forms.CharField(
        label="Practitioner's username",
        required=False,
        max_length=150,
        help_text="The username they sign in with, for example jsmith",
    )
    from_day, from_month, from_year = date_part_fields()
    to_day, to_month, to_year = date_part_fields()

    DATE_FIELDS = ("from_day", "from_month", "from_year", "to_day", "to_month", "to_year")
    DATE_FROM = DateSpec("from", "Date from", name_year=True)
    DATE_TO = DateSpec("to", "Date to", name_year=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        date_from, date_to = self.clean_date(self.DATE_FROM), self.clean_date(self.DATE_TO)
        if date_from and date_to and date_to < date_from:
            self.date_error("to", "Date to must be the same as or after date from")
        data["date_from"], data["date_to"] = date_from, date_to
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
