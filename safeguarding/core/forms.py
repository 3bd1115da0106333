"""The GOV.UK date input, shared by every form that asks for a date.

A date is three text boxes, `<prefix>_day`, `<prefix>_month` and `<prefix>_year`, so that
what was typed comes back exactly as typed when a form is rejected, and each box has its
own id for the error summary to link to. The messages are the Design System's own
(https://design-system.service.gov.uk/components/date-input/): "Date of birth must include
a month", "... must be a real date", "Year must include 4 numbers", "... must be today or
in the past". Only the boxes that need fixing are marked as wrong, and the error goes on
the first of them, so that the error summary link lands where the user has to type.

The template is web/_date_input.html, given `date=form.dates.<prefix>` (or
`form.date_group(prefix)` from a view).

Also shared: yes/no choices, GOV.UK radio and checkbox options for templates (`Options`),
and showing a service's refusal on its form (`apply_service_errors`).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

PARTS = ("day", "month", "year")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
YES_NO = [("yes", "Yes"), ("no", "No")]


@dataclass(frozen=True)
class DateSpec:
    """One date question: where its boxes are and how its messages name it."""

    prefix: str  # the boxes are <prefix>_day, <prefix>_month, <prefix>_year
    label: str  # "Date of birth": the subject of "… must include a month"
    # The message when nothing is typed; None when the date is optional.
    enter: str | None = None
    # "Date of birth must be today or in the past", when a future date makes no sense.
    past_only: bool = False
    # On a page with two dates (from and to) "Year must include 4 numbers" does not say
    # which: "Year in date to must include 4 numbers" does.
    name_year: bool = False


@dataclass(frozen=True)
class ParsedDate:
    """What a date input held: the date, or a message and the parts to mark as wrong."""

    value: dt.date | None = None
    error: str = ""
    parts_in_error: frozenset[str] = field(default_factory=frozenset)


def _join(missing: list[str]) -> str:
    return " and ".join(missing)


def _month(value: str) -> int | None:
    """A month as a number (3, 03) or a name ("March", "mar"), as GOV.UK asks services to accept."""
    value = value.lower()
    if value.isdigit():
        return int(value)
    return MONTHS.index(value[:3]) + 1 if len(value) >= 3 and value[:3] in MONTHS else None


def parse_date_parts(day: str, month: str, year: str, spec: DateSpec, *, today: dt.date | None = None) -> ParsedDate:
    """Read a GOV.UK date input. Never raises: a problem is a message and the parts in error."""
    given = {"day": (day or "").strip(), "month": (month or "").strip(), "year": (year or "").strip()}
    missing = [p for p in PARTS if not given[p]]
    if len(missing) == len(PARTS):
        if spec.enter is None:
            return ParsedDate()
        return ParsedDate(error=spec.enter, parts_in_error=frozenset(PARTS))
    if missing:
        return ParsedDate(error=f"{spec.label} must include a {_join(missing)}", parts_in_error=frozenset(missing))
    month_number = _month(given["month"])
    bad = {p for p in ("day", "year") if not given[p].isdigit()} | (set() if month_number else {"month"})
    if bad:
        return ParsedDate(error=f"{spec.label} must be a real date", parts_in_error=frozenset(bad))
    if len(given["year"]) != 4:
        message = (
            f"Year in {spec.label.lower()} must include 4 numbers" if spec.name_year else "Year must include 4 numbers"
        )
        return ParsedDate(error=message, parts_in_error=frozenset({"year"}))
    assert month_number is not None
    try:
        value = dt.date(int(given["year"]), month_number, int(given["day"]))
    except ValueError:
        return ParsedDate(error=f"{spec.label} must be a real date", parts_in_error=frozenset(PARTS))
    if spec.past_only and value > (today or timezone.localdate()):
        return ParsedDate(error=f"{spec.label} must be today or in the past", parts_in_error=frozenset(PARTS))
    return ParsedDate(value=value)


def date_part_fields() -> tuple[forms.CharField, forms.CharField, forms.CharField]:
    """The three boxes, for a form's class body: `dob_day, dob_month, dob_year = date_part_fields()`.

    No max_length: a wrong length is reported by the date rules, in the date's own words.
    """
    return (
        forms.CharField(label="Day", required=False),
        forms.CharField(label="Month", required=False),
        forms.CharField(label="Year", required=False),
    )


@dataclass(frozen=True)
class DatePart:
    name: str
    id: str
    label: str
    value: str
    width: int
    error: bool


@dataclass(frozen=True)
class DateGroup:
    """What web/_date_input.html needs for one date."""

    prefix: str
    id: str  # the first box's id: where the error summary links
    parts: list[DatePart]
    errors: list[str]

    @property
    def error(self) -> str:
        return self.errors[0] if self.errors else ""


class _DateGroups:
    """`form.dates.<prefix>` in a template."""

    def __init__(self, form: "GovukDatesMixin") -> None:
        self._form = form

    def __getitem__(self, prefix: str) -> DateGroup:
        if f"{prefix}_day" not in self._form.fields:  # type: ignore[attr-defined]
            raise KeyError(prefix)
        return self._form.date_group(prefix)


TIME_SHAPE = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$")


def parse_time(value: str) -> dt.time | None:
    """24-hour (14:30, 14.30, 1430) or 12-hour (2:30pm, 2pm) times."""
    match = TIME_SHAPE.match(value.strip().lower())
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "14" alone is ambiguous: ask for minutes
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class GovukDatesMixin:
    """For a forms.Form with GOV.UK date inputs (three `date_part_fields()` per date).

    Call `clean_date(spec)` from `clean()`: it returns the date, or None after adding the
    error to the first box in error (so the error summary links to it) and remembering
    which boxes to mark.
    """

    date_error_parts: dict[str, frozenset[str]]

    def clean_date(self, spec: DateSpec, *, today: dt.date | None = None) -> dt.date | None:
        form: Any = self
        data = form.cleaned_data
        parsed = parse_date_parts(
            data.get(f"{spec.prefix}_day") or "",
            data.get(f"{spec.prefix}_month") or "",
            data.get(f"{spec.prefix}_year") or "",
            spec,
            today=today,
        )
        if parsed.error:
            self.date_error(spec.prefix, parsed.error, parsed.parts_in_error)
        return parsed.value

    def clean_moment(self, spec: DateSpec, time_field: str, *, missing: str, example: str) -> dt.datetime | None:
        """A date (GOV.UK date boxes) and a 24-hour time (`time_field`) as an aware moment in
        England, or None after adding the errors: `missing` when no time was typed, and
        "Enter a real time, like {example}" when it could not be read."""
        form: Any = self
        day = self.clean_date(spec)
        raw = form.cleaned_data.get(time_field, "")
        time = parse_time(raw) if raw else None
        if not raw:
            form.add_error(time_field, missing)
        elif time is None:
            form.add_error(time_field, f"Enter a real time, like {example}")
        if day is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, time))

    def date_error(self, prefix: str, message: str, parts: frozenset[str] | set[str] = frozenset(PARTS)) -> None:
        """A problem with a date found by a rule of the form's own (a date after another)."""
        form: Any = self
        if not hasattr(self, "date_error_parts"):
            self.date_error_parts = {}
        self.date_error_parts[prefix] = frozenset(parts)
        first = next(p for p in PARTS if p in parts)
        form.add_error(f"{prefix}_{first}", message)

    def date_group(self, prefix: str) -> DateGroup:
        form: Any = self
        errors = form.errors if form.is_bound else {}
        messages = [str(e) for p in PARTS for e in errors.get(f"{prefix}_{p}", [])]
        # An error added by a rule of its own (a date after another, a service's rule) is
        # about the whole date: every box is marked.
        wrong = getattr(self, "date_error_parts", {}).get(prefix) or (frozenset(PARTS) if messages else frozenset())
        bound = {p: form[f"{prefix}_{p}"] for p in PARTS}
        parts = [
            DatePart(
                name=bound[p].html_name,
                id=bound[p].auto_id,
                label=p.capitalize(),
                value=bound[p].value() or "",
                width=4 if p == "year" else 2,
                error=p in wrong,
            )
            for p in PARTS
        ]
        return DateGroup(prefix=prefix, id=parts[0].id, parts=parts, errors=messages)

    @property
    def dates(self) -> _DateGroups:
        return _DateGroups(self)


def apply_service_errors(form: forms.Form, exc: ValidationError, field_for: dict[str, str]) -> None:
    """Show a service's refusal on the form: each message beside its own question.

    `field_for` says where a service's field is asked (a date on its first box); a field it
    does not name goes beside the question of the same name, or, if there is none, at the
    top with a refusal about the whole form.
    """
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        target = field_for.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class Options:
    """Radio or checkbox options for templates: value, label, id, checked, hint, exclusive.

    The first option carries the field's id, so that the error summary can link to it
    (`first_id=False` for a second group of the same field's options). `last` moves an
    option (an exclusive "None") to the end, after the divider.
    """

    def __init__(
        self,
        bound: forms.BoundField,
        choices: Any,
        *,
        hints: dict[str, str] | None = None,
        last: str = "",
        first_id: bool = True,
    ) -> None:
        value = bound.value()
        values = value if isinstance(value, list | tuple) else [] if value in (None, "") else [value]
        chosen = {str(v) for v in values}
        ordered = [c for c in choices if str(c[0]) != last] + [c for c in choices if str(c[0]) == last]
        hints = hints or {}
        self.items = [
            {
                "value": str(v),
                "label": str(label),
                "checked": str(v) in chosen,
                "id": bound.auto_id if (i == 0 and first_id) else f"{bound.auto_id}-{v}",
                "hint": hints.get(str(v), ""),
                "exclusive": bool(last) and str(v) == last,
            }
            for i, (v, label) in enumerate(ordered)
        ]

    def __iter__(self) -> Any:
        return iter(self.items)
