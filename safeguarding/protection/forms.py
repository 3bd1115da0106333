"""Forms of child protection: they read what was typed (GOV.UK date inputs, radios, rows of
people) and the services decide; a service's refusal is shown beside its question.

The rows of people (who took part in a strategy discussion, who was invited to a conference)
are plain numbered fields, so the page works without JavaScript: rows for children's social
care, health and police come labelled, more rows follow, and blank rows are ignored.
"""

from dataclasses import dataclass
from typing import Any

from django import forms

from safeguarding.access.models import Agency, User
from safeguarding.core.forms import DateSpec, GovukDatesMixin, Options, date_part_fields
from safeguarding.protection.models import (
    REQUIRED_DISCIPLINES,
    Discipline,
    Section47Outcome,
    StrategyOutcome,
)
from safeguarding.protection.services import AttendeeInput

NOT_ON_PLATFORM = ("", "Not a user of this service")


@dataclass
class PeopleChoices:
    """The options offered on a form: read once per page, not once per row."""

    agencies: list[tuple[str, str]]
    practitioners: list[tuple[str, str]]
    chairs: list[tuple[str, str]]
    social_workers: list[tuple[str, str]]

    @classmethod
    def load(cls) -> "PeopleChoices":
        agencies = [(str(pk), name) for pk, name in Agency.objects.order_by("name").values_list("pk", "name")]
        users = list(
            User.objects.filter(is_active=True, agency__isnull=False)
            .select_related("agency", "role")
            .order_by("last_name", "first_name", "username")
        )

        def label(u: User) -> str:
            return f"{u.display_name}, {u.agency}"

        return cls(
            agencies=agencies,
            practitioners=[(str(u.pk), label(u)) for u in users],
            chairs=[(str(u.pk), label(u)) for u in users if u.covers_whole_la],
            social_workers=[(str(u.pk), label(u)) for u in users if u.role and u.role.is_social_worker],
        )


def text_field(label: str, required: str, hint: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required},
    )


def user_choice(label: str, required: str, choices: list[tuple[str, str]], hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=[("", "Select"), *choices],
        error_messages={"required": required, "invalid_choice": required},
    )


def users_chosen(cleaned: dict[str, Any], *names: str) -> dict[str, User | None]:
    """The users chosen in `names` (select fields of user ids), in one query."""
    ids = {name: int(cleaned[name]) for name in names if cleaned.get(name)}
    users = User.objects.select_related("role", "agency").in_bulk(list(ids.values()))
    return {name: users.get(ids[name]) if name in ids else None for name in names}


class OptionsOf:
    def __init__(self, form: forms.Form) -> None:
        self._form = form

    def __getitem__(self, name: str) -> Options:
        bound = self._form[name]
        return Options(bound, bound.field.choices)  # type: ignore[attr-defined]


@dataclass
class PersonRow:
    """One row of people for the template: its fields, and its fixed discipline if any."""

    number: int
    legend: str
    fixed: bool
    fields: dict[str, forms.BoundField]
    has_data: bool


class PeopleRowsMixin:
    """Numbered rows of people: `<prefix><n>_practitioner`, `_name`, `_agency`, `_discipline`
    (not on the labelled rows, whose discipline is fixed), and `EXTRA` fields per row."""

    ROW_PREFIX = "p"
    ROWS_FIELD = "people"
    FIXED: tuple[Discipline, ...] = tuple(REQUIRED_DISCIPLINES)
    OPTIONAL_ROWS = 5
    ROW_KIND: type[Any] = AttendeeInput
    people: list[Any]

    def _add_rows(self, choices: PeopleChoices) -> None:
        form: Any = self
        for n in range(len(self.FIXED) + self.OPTIONAL_ROWS):
            p = f"{self.ROW_PREFIX}{n}_"
            form.fields[p + "practitioner"] = forms.ChoiceField(
                label="User of this service (optional)",
                choices=[NOT_ON_PLATFORM, *choices.practitioners],
                required=False,
                error_messages={"invalid_choice": "Select a user of this service from the list"},
            )
            form.fields[p + "name"] = forms.CharField(label="Name", required=False, max_length=200)
            form.fields[p + "agency"] = forms.ChoiceField(
                label="Agency (optional)", choices=[("", "Select"), *choices.agencies], required=False
            )
            if n >= len(self.FIXED):
                form.fields[p + "discipline"] = forms.ChoiceField(
                    label="Speaks for", choices=[("", "Select"), *Discipline.choices], required=False
                )
            self._add_row_extras(p)

    def _add_row_extras(self, p: str) -> None:
        """More fields for each row (invitees: attended, report)."""

    def _row_extras(self, p: str, data: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _row_has_extra_data(self, p: str, data: dict[str, Any]) -> bool:
        return False

    def _row_legend(self, n: int) -> str:
        return self.FIXED[n].label if n < len(self.FIXED) else f"Another person ({n - len(self.FIXED) + 1})"

    def _row_who(self, n: int) -> str:
        if n < len(self.FIXED):
            return f"the person from {self.FIXED[n].label[0].lower() + self.FIXED[n].label[1:]}"
        return f"another person ({n - len(self.FIXED) + 1})"

    def row_count(self) -> int:
        return len(self.FIXED) + self.OPTIONAL_ROWS

    def rows(self) -> list[PersonRow]:
        form: Any = self
        result = []
        for n in range(self.row_count()):
            p = f"{self.ROW_PREFIX}{n}_"
            fields = {name[len(p) :]: form[name] for name in form.fields if name.startswith(p)}
            fixed = n < len(self.FIXED)
            legend = self._row_legend(n)
            has_data = any(
                (b.value() or "") not in ("", None, False) for k, b in fields.items() if k in ("name", "practitioner")
            )
            result.append(PersonRow(number=n + 1, legend=legend, fixed=fixed, fields=fields, has_data=has_data))
        return result

    def optional_rows_open(self) -> bool:
        form: Any = self
        return any(r.has_data for r in self.rows()[len(self.FIXED) :]) or any(
            name.startswith(self.ROW_PREFIX) and int(name[len(self.ROW_PREFIX) :].split("_")[0]) >= len(self.FIXED)
            for name in form.errors
        )

    def clean_rows(self, cleaned: dict[str, Any]) -> None:
        form: Any = self
        practitioner_ids = {cleaned.get(f"{self.ROW_PREFIX}{n}_practitioner") for n in range(self.row_count())}
        users = User.objects.select_related("agency").in_bulk([int(i) for i in practitioner_ids if i])
        agency_ids = {cleaned.get(f"{self.ROW_PREFIX}{n}_agency") for n in range(self.row_count())}
        agencies = Agency.objects.in_bulk([int(i) for i in agency_ids if i])
        self.people = []
        for n in range(self.row_count()):
            p = f"{self.ROW_PREFIX}{n}_"
            practitioner = users.get(int(cleaned[p + "practitioner"])) if cleaned.get(p + "practitioner") else None
            name = (cleaned.get(p + "name") or "").strip()
            agency = agencies.get(int(cleaned[p + "agency"])) if cleaned.get(p + "agency") else None
            fixed = n < len(self.FIXED)
            discipline = self.FIXED[n].value if fixed else cleaned.get(p + "discipline") or ""
            if practitioner is None and not name:
                if agency is not None or (not fixed and discipline) or self._row_has_extra_data(p, cleaned):
                    form.add_error(p + "name", f"Enter the name of {self._row_who(n)}, or clear the row")
                continue
            if not discipline:
                who = name or (practitioner.display_name if practitioner else "")
                form.add_error(p + "discipline", f"Select who {who} speaks for")
                continue
            self.people.append(self.ROW_KIND(practitioner, name, agency, discipline, **self._row_extras(p, cleaned)))

    def row_field_names(self) -> list[str]:
        form: Any = self
        return [n for n in form.fields if n.startswith(self.ROW_PREFIX) and n[len(self.ROW_PREFIX)].isdigit()]


class StrategyDiscussionForm(PeopleRowsMixin, GovukDatesMixin, forms.Form):
    HELD = DateSpec(
        "held",
        "Date of the strategy discussion",
        enter="Enter the date the strategy discussion was held",
        past_only=True,
    )
    ROW_PREFIX = "a"
    ROWS_FIELD = "attendees"

    held_day, held_month, held_year = date_part_fields()
    reason = text_field(
        "Why is there reasonable cause to suspect significant harm?",
        "Enter why there is reasonable cause to suspect significant harm",
    )
    missing_agencies_reason = text_field(
        "If children's social care, health or police did not take part, why not?",
        "",
        hint="Leave this blank if all three took part. The record is not complete without them unless you say why.",
        rows=3,
    )
    missing_agencies_reason.required = False
    decisions = text_field(
        "What did the strategy discussion decide?",
        "Enter what the strategy discussion decided",
        hint="Actions, who will do them and by when; what the family will be told",
    )
    outcome = forms.ChoiceField(
        label="What happens next?",
        choices=StrategyOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happens next", "invalid_choice": "Select what happens next"},
    )

    def __init__(self, *args: Any, choices: PeopleChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"] = user_choice(
            "Who chaired it?", "Select who chaired the strategy discussion", choices.chairs
        )
        self.fields["lead_social_worker"] = user_choice(
            "Social worker to lead the section 47 enquiry",
            "Select the social worker who will lead the section 47 enquiry",
            choices.social_workers,
            hint="Only if a section 47 enquiry starts. The lead must be a social worker",
        )
        self.fields["lead_social_worker"].required = False
        self._add_rows(choices)
        self.order_fields(
            [
                "held_day",
                "held_month",
                "held_year",
                "chair",
                *self.row_field_names(),
                "reason",
                "missing_agencies_reason",
                "decisions",
                "outcome",
                "lead_social_worker",
            ]
        )

    FIELD_FOR = {"held_on": "held_day", "attendees": "a0_name", "missing_agencies_reason": "missing_agencies_reason"}

    @property
    def options(self) -> OptionsOf:
        return OptionsOf(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["held_on"] = self.clean_date(self.HELD)
        self.clean_rows(cleaned)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        users = users_chosen(d, "chair", "lead_social_worker")
        return {
            "held_on": d["held_on"],
            "chair": users["chair"],
            "reason": d["reason"],
            "decisions": d["decisions"],
            "attendees": self.people,
            "missing_agencies_reason": d.get("missing_agencies_reason") or "",
            "outcome": d["outcome"],
            "lead_social_worker": users["lead_social_worker"],
        }


class Section47CompleteForm(GovukDatesMixin, forms.Form):
    COMPLETED = DateSpec(
        "completed", "Date the enquiry was completed", enter="Enter the date the enquiry was completed", past_only=True
    )
    FIELD_FOR = {"completed_on": "completed_day"}

    completed_day, completed_month, completed_year = date_part_fields()
    findings = text_field(
        "What did the enquiry find?",
        "Enter what the enquiry found",
        hint="Whether the child is suffering, or likely to suffer, significant harm, and why",
    )
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=Section47Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the outcome of the enquiry",
            "invalid_choice": "Select the outcome of the enquiry",
        },
    )

    @property
    def options(self) -> OptionsOf:
        return OptionsOf(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["completed_on"] = self.clean_date(self.COMPLETED)
        return cleaned
