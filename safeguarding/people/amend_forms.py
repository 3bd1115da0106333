"""Forms for correcting and extending a child's identity record.

They parse what was typed (GOV.UK date inputs, radios, checkboxes) and report problems in
the Design System's words; the rules are the services' (people/services.py), whose errors
are shown beside the question they are about.
"""

from typing import Any

from django import forms

from safeguarding.core.forms import YES_NO, DateSpec, GovukDatesMixin, Options, date_part_fields
from safeguarding.people.codes import Disability, Ethnicity, Sex
from safeguarding.people.details import child_pk_for_la_child_id
from safeguarding.people.models import Child, NameKind, RelationshipType
from safeguarding.people.services import ADDED_NAME_KINDS, PersonDetails


def _reason(label: str, hint: str, required: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": required},
    )


def _date_parts(value: Any) -> dict[str, str]:
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)} if value else {}


def _initial_date(prefix: str, value: Any) -> dict[str, str]:
    return {f"{prefix}_{part}": v for part, v in _date_parts(value).items()}


class _OptionsOf:
    def __init__(self, form: forms.Form) -> None:
        self._form = form

    def __getitem__(self, name: str) -> Options:
        bound = self._form[name]
        hints = getattr(self._form, "HINTS", {}).get(name)
        last = getattr(self._form, "EXCLUSIVE", {}).get(name, "")
        return Options(bound, bound.field.choices, hints=hints, last=last)  # type: ignore[attr-defined]


class OptionsMixin:
    """`form.options.<field>` in a template: the options of a radios or checkboxes field."""

    @property
    def options(self) -> _OptionsOf:
        assert isinstance(self, forms.Form)
        return _OptionsOf(self)


class ChildDetailsForm(OptionsMixin, GovukDatesMixin, forms.Form):
    """The child's identifying details, as the CIN census records them."""

    DOB = DateSpec("dob", "Date of birth")
    EXPECTED = DateSpec("expected", "Expected date of birth")
    DIED = DateSpec("died", "Date of death")
    # The service's field names, for its errors; dates go on their first box.
    FIELD_FOR = {
        "date_of_birth": "dob_day",
        "expected_date_of_birth": "expected_day",
        "date_of_death": "died_day",
    }
    # "No disability" cannot be chosen with a disability (GOV.UK's exclusive checkbox).
    EXCLUSIVE = {"disabilities": Disability.NONE.value}

    dob_day, dob_month, dob_year = date_part_fields()
    expected_day, expected_month, expected_year = date_part_fields()
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child's sex"},
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the child's ethnicity",
            "invalid_choice": "Select the child's ethnicity",
        },
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        choices=Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select disabilities from the list"},
    )
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=20, help_text="10 digits, for example 943 476 5919"
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        required=False,
        max_length=20,
        help_text="13 characters, starting with a letter, for example A123456789012",
    )
    died_day, died_month, died_year = date_part_fields()
    reason = _reason(
        "Reason for the change",
        "For example: the date of birth was typed wrongly; confirmed with the child's birth certificate. "
        "The earlier details stay in the history of changes",
        "Enter the reason for the change",
    )

    @staticmethod
    def initial_for(child: Child) -> dict[str, Any]:
        return {
            **_initial_date("dob", child.date_of_birth),
            **_initial_date("expected", child.expected_date_of_birth),
            **_initial_date("died", child.date_of_death),
            "sex": child.sex,
            "ethnicity": child.ethnicity,
            "disabilities": list(child.disabilities or []),
            "nhs_number": child.nhs_number or "",
            "upn": child.upn or "",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["dob"] = self.clean_date(self.DOB)
        cleaned["expected"] = self.clean_date(self.EXPECTED)
        cleaned["died"] = self.clean_date(self.DIED)
        return cleaned

    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "date_of_birth": d.get("dob"),
            "expected_date_of_birth": d.get("expected"),
            "sex": d.get("sex"),
            "ethnicity": d.get("ethnicity"),
            "disabilities": d.get("disabilities") or [],
            "nhs_number": d.get("nhs_number") or "",
            "upn": d.get("upn") or "",
            "date_of_death": d.get("died"),
        }


class NameAddForm(OptionsMixin, GovukDatesMixin, forms.Form):
    USED_FROM = DateSpec("used_from", "The date they started using this name")
    FIELD_FOR = {"used_from": "used_from_day"}

    kind = forms.ChoiceField(
        label="What kind of name is it?",
        choices=[(k.value, k.label) for k in ADDED_NAME_KINDS],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of name this is",
            "invalid_choice": "Select what kind of name this is",
        },
    )
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the first name"}
    )
    middle_names = forms.CharField(label="Middle names (optional)", max_length=200, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter the last name"})
    used_from_day, used_from_month, used_from_year = date_part_fields()
    reason = _reason(
        "Where does this name come from?",
        "For example: the name the school knows her by; an alias given to the police",
        "Enter the reason for adding this name",
    )

    HINTS = {
        "kind": {
            NameKind.PREFERRED.value: "A name the child uses every day, such as a shortened first name",
            NameKind.ALIAS.value: "A name the child has given, or been recorded under, elsewhere",
            NameKind.FORMER.value: "A name the child was known by before, such as a birth name",
        }
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["used_from"] = self.clean_date(self.USED_FROM)
        return cleaned


class NameChangeForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the first name"}
    )
    middle_names = forms.CharField(label="Middle names (optional)", max_length=200, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, error_messages={"required": "Enter the last name"})
    reason = _reason(
        "Reason for the change of name",
        "For example: change of name by deed poll, seen by the social worker; adoption order",
        "Enter the reason for the change of name",
    )


class AddressMoveForm(GovukDatesMixin, forms.Form):
    MOVED_IN = DateSpec("moved_in", "The date they moved in", enter="Enter the date they moved in")
    FIELD_FOR = {"moved_in": "moved_in_day"}

    line1 = forms.CharField(
        label="Address line 1", max_length=200, error_messages={"required": "Enter the first line of the address"}
    )
    line2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100, error_messages={"required": "Enter the town or city"})
    postcode = forms.CharField(label="Postcode", max_length=10, error_messages={"required": "Enter the postcode"})
    moved_in_day, moved_in_month, moved_in_year = date_part_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["moved_in"] = self.clean_date(self.MOVED_IN)
        return cleaned


class RelationshipAddForm(OptionsMixin, GovukDatesMixin, forms.Form):
    PERSON_DOB = DateSpec("person_dob", "Their date of birth")
    STARTED = DateSpec("started", "The date this started")
    FIELD_FOR = {
        "first_name": "first_name",
        "last_name": "last_name",
        "date_of_birth": "person_dob_day",
        "related_child": "la_child_id",
        "started_on": "started_day",
    }

    party = forms.ChoiceField(
        label="Who are you adding?",
        choices=[("person", "An adult, or anyone not in the child index"), ("child", "A child in the child index")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are adding"},
    )
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    person_dob_day, person_dob_month, person_dob_year = date_part_fields()
    la_child_id = forms.CharField(
        label="The child's LA child ID",
        max_length=20,
        required=False,
        help_text="It is on the child's record, under 'Who the child is'. Find the child first if you do not know it",
    )
    relationship = forms.ChoiceField(
        label="How are they related to the child?",
        choices=RelationshipType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how they are related to the child",
            "invalid_choice": "Select how they are related to the child",
        },
    )
    lives_with_child = forms.ChoiceField(
        label="Do they live with the child?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they live with the child"},
    )
    parental_responsibility = forms.ChoiceField(
        label="Do they have parental responsibility for the child?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if they have parental responsibility for the child"},
    )
    started_day, started_month, started_year = date_part_fields()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["person_dob"] = self.clean_date(self.PERSON_DOB)
        cleaned["started"] = self.clean_date(self.STARTED)
        party = cleaned.get("party")
        cleaned["related_child_id"] = None
        if party == "person":
            if not (cleaned.get("first_name") or "").strip():
                self.add_error("first_name", "Enter their first name")
            if not (cleaned.get("last_name") or "").strip():
                self.add_error("last_name", "Enter their last name")
        elif party == "child":
            la_child_id = (cleaned.get("la_child_id") or "").strip()
            if not la_child_id:
                self.add_error("la_child_id", "Enter the child's LA child ID")
            else:
                pk = child_pk_for_la_child_id(la_child_id)
                if pk is None:
                    self.add_error("la_child_id", "No child whose record you can open has this LA child ID")
                cleaned["related_child_id"] = pk
        return cleaned

    def person(self) -> PersonDetails | None:
        d = self.cleaned_data
        if d["party"] != "person":
            return None
        return PersonDetails(first_name=d["first_name"], last_name=d["last_name"], date_of_birth=d.get("person_dob"))


class RelationshipEndForm(GovukDatesMixin, forms.Form):
    ENDED = DateSpec("ended", "The date they left", enter="Enter the date they left")
    FIELD_FOR = {"ended_on": "ended_day"}

    ended_day, ended_month, ended_year = date_part_fields()
    reason = _reason(
        "How do you know?",
        "For example: mother told the social worker on a home visit; confirmed by housing",
        "Enter the reason",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["ended"] = self.clean_date(self.ENDED)
        return cleaned
