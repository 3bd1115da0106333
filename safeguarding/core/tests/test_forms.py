"""The shared GOV.UK date input: what it accepts, and the Design System's own messages."""

import datetime as dt
import re

import pytest
from django import forms
from django.template.loader import render_to_string

from safeguarding.core.forms import DateSpec, GovukDatesMixin, date_part_fields, parse_date_parts

DOB = DateSpec("dob", "Date of birth", enter="Enter the date of birth", past_only=True)
OPTIONAL = DateSpec("from", "Date from", name_year=True)
TODAY = dt.date(2026, 3, 27)


def parse(day: str, month: str, year: str, spec: DateSpec = DOB):
    return parse_date_parts(day, month, year, spec, today=TODAY)


class TestParsing:
    def test_a_real_date_is_read(self):
        parsed = parse(" 9 ", "03", "2014")
        assert parsed.value == dt.date(2014, 3, 9)
        assert not parsed.error
        assert not parsed.parts_in_error

    @pytest.mark.parametrize("month", ["March", "mar", "MAR", "march"])
    def test_month_names_are_accepted(self, month):
        assert parse("9", month, "2014").value == dt.date(2014, 3, 9)

    def test_a_date_that_does_not_exist_is_not_a_real_date(self):
        parsed = parse("31", "2", "2015")
        assert parsed.value is None
        assert parsed.error == "Date of birth must be a real date"
        assert parsed.parts_in_error == {"day", "month", "year"}

    @pytest.mark.parametrize(
        ("day", "month", "year", "wrong"),
        [
            ("x", "2", "2015", {"day"}),
            ("1", "xx", "2015", {"month"}),
            ("1", "2", "20a5", {"year"}),
            ("0", "13", "2015", {"day", "month", "year"}),
        ],
    )
    def test_only_the_parts_that_cannot_be_read_are_wrong(self, day, month, year, wrong):
        parsed = parse(day, month, year)
        assert parsed.error == "Date of birth must be a real date"
        assert parsed.parts_in_error == wrong

    @pytest.mark.parametrize(
        ("day", "month", "year", "message", "wrong"),
        [
            ("3", "", "2015", "Date of birth must include a month", {"month"}),
            ("3", "2", "", "Date of birth must include a year", {"year"}),
            ("", "2", "", "Date of birth must include a day and year", {"day", "year"}),
            ("", "", "2015", "Date of birth must include a day and month", {"day", "month"}),
        ],
    )
    def test_a_missing_part_is_named(self, day, month, year, message, wrong):
        parsed = parse(day, month, year)
        assert (parsed.value, parsed.error, parsed.parts_in_error) == (None, message, wrong)

    def test_a_two_digit_year_is_refused_not_guessed(self):
        parsed = parse("3", "2", "15")
        assert parsed.value is None
        assert parsed.error == "Year must include 4 numbers"
        assert parsed.parts_in_error == {"year"}

    def test_on_a_page_with_two_dates_the_year_message_says_which(self):
        assert parse("3", "2", "15", OPTIONAL).error == "Year in date from must include 4 numbers"

    def test_nothing_typed_is_an_error_only_when_the_date_is_asked_for(self):
        assert parse("", " ", "").error == "Enter the date of birth"
        assert parse("", "", "").parts_in_error == {"day", "month", "year"}
        assert parse("", "", "", OPTIONAL) == parse_date_parts("", "", "", OPTIONAL)
        assert parse("", "", "", OPTIONAL).value is None
        assert not parse("", "", "", OPTIONAL).error

    def test_a_date_in_the_future_is_refused_where_it_makes_no_sense(self):
        assert parse("27", "3", "2026").value == TODAY  # today is allowed
        parsed = parse("28", "3", "2026")
        assert parsed.value is None
        assert parsed.error == "Date of birth must be today or in the past"
        assert parse("28", "3", "2026", OPTIONAL).value == dt.date(2026, 3, 28)


class DatesForm(GovukDatesMixin, forms.Form):
    dob_day, dob_month, dob_year = date_part_fields()
    from_day, from_month, from_year = date_part_fields()
    to_day, to_month, to_year = date_part_fields()

    def clean(self):
        cleaned = super().clean()
        cleaned["dob"] = self.clean_date(DOB, today=TODAY)
        start = self.clean_date(OPTIONAL)
        end = self.clean_date(DateSpec("to", "Date to"))
        if start and end and end < start:
            self.date_error("to", "Date to must be the same as or after date from")
        return cleaned


def _input(html: str, id_: str) -> str:
    match = re.search(rf'<input[^>]*id="{id_}"[^>]*>', html)
    assert match, id_
    return match.group(0)


class TestFormAndTemplate:
    def test_the_error_goes_on_the_first_box_in_error(self):
        form = DatesForm({"dob_day": "3", "dob_month": "", "dob_year": ""})
        assert not form.is_valid()
        assert form.errors == {"dob_month": ["Date of birth must include a month and year"]}

    def test_a_valid_date_is_cleaned(self):
        form = DatesForm({"dob_day": "3", "dob_month": "Feb", "dob_year": "2015"})
        assert form.is_valid()
        assert form.cleaned_data["dob"] == dt.date(2015, 2, 3)

    def test_the_template_marks_only_the_parts_in_error_and_keeps_what_was_typed(self):
        form = DatesForm({"dob_day": "3", "dob_month": "", "dob_year": "2015"})
        form.is_valid()
        html = render_to_string(
            "web/_date_input.html",
            {"date": form.dates["dob"], "legend": "Date of birth", "hint": "For example, 27 3 2015"},
        )
        assert "govuk-form-group--error" in html
        assert "govuk-input--error" in _input(html, "id_dob_month")
        assert "govuk-input--error" not in _input(html, "id_dob_day")
        assert 'value="3"' in _input(html, "id_dob_day")
        assert 'inputmode="numeric"' in _input(html, "id_dob_year")
        assert "autocomplete" not in _input(html, "id_dob_year")
        assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of birth</legend>' in html
        assert 'aria-describedby="dob-date-hint dob-date-error"' in html
        assert '<div class="govuk-date-input" id="dob">' in html
        assert html.count("Date of birth must include a month") == 1
        assert '<label class="govuk-label govuk-date-input__label" for="id_dob_day">Day</label>' in html

    def test_a_rule_of_the_form_marks_the_whole_date(self):
        form = DatesForm(
            {
                "dob_day": "3",
                "dob_month": "2",
                "dob_year": "2015",
                "from_day": "2",
                "from_month": "2",
                "from_year": "2025",
                "to_day": "1",
                "to_month": "2",
                "to_year": "2025",
            }
        )
        assert not form.is_valid()
        assert form.errors == {"to_day": ["Date to must be the same as or after date from"]}
        assert all(part.error for part in form.date_group("to").parts)
        assert not any(part.error for part in form.date_group("from").parts)

    def test_an_unbound_form_renders_without_errors_and_with_bday_when_asked(self):
        html = render_to_string(
            "web/_date_input.html",
            {"date": DatesForm().dates["dob"], "legend": "Your date of birth", "autocomplete_bday": True},
        )
        assert "govuk-error-message" not in html
        assert "aria-describedby" not in html
        assert 'autocomplete="bday-day"' in _input(html, "id_dob_day")
        assert 'autocomplete="bday-year"' in _input(html, "id_dob_year")

    def test_an_unknown_date_is_not_silently_rendered(self):
        with pytest.raises(KeyError):
            DatesForm().dates["nope"]
