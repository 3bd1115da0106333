"""Forms of the front door: a referral (or a call from the public), a check and its answer,
the decision, and closing the CIN episode.

Forms parse what was typed; the rules are the services' (`contact_validate`,
`contact_decide`, `referral_close`), checked again in `clean()` where it lets every problem
show at once.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.concerns.models import Category
from safeguarding.core.forms import YES_NO, DateSpec, GovukDatesMixin, Options, date_part_fields, parse_time
from safeguarding.frontdoor.models import ClosureReason, Consent, Decision, ImmediateProtection
from safeguarding.frontdoor.services import PUBLIC_SOURCES, ContactInput, contact_validate


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _yes_no(label: str, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, error_messages={"required": message, "invalid_choice": message}
    )


# Where each service field's errors are shown.
CONTACT_FIELD_FOR = {"received_at": "received_day"}
DECISION_FIELD_FOR = {"immediate_protection_on": "protected_day"}
CLOSURE_FIELD_FOR = {"closed_on": "closed_day"}


class ContactForm(forms.Form):
    """A practitioner's referral: the same questions whichever agency refers."""

    from_public = False

    concern = forms.CharField(
        label="What are you worried about?",
        required=False,
        widget=_textarea(8),
        help_text="What you have seen or heard, when, and what the child said. "
        "Say which parts are facts and which are your opinion",
    )
    categories = forms.MultipleChoiceField(
        label="What kinds of concern are these?",
        required=False,
        choices=Category.choices,
        error_messages={"invalid_choice": "Select kinds of concern from the list"},
    )
    immediate_danger = _yes_no("Is the child in immediate danger?", "Select yes if the child is in immediate danger")
    household = forms.CharField(
        label="Who lives with the child? (optional)",
        required=False,
        widget=_textarea(3),
        help_text="Names, ages and relationship to the child, as far as you know",
    )
    action_taken = forms.CharField(
        label="What have you already done?",
        required=False,
        widget=_textarea(4),
        help_text="For example: spoke to the child, told the designated safeguarding lead, called the police",
    )
    family_aware = _yes_no(
        "Does the family know about this referral?", "Select yes if the family knows about this referral"
    )
    consent = forms.ChoiceField(
        label="Did the family agree to the referral?",
        choices=Consent.choices,
        error_messages={
            "required": "Select whether the family agreed to this referral",
            "invalid_choice": "Select whether the family agreed to this referral",
        },
    )
    consent_reason = forms.CharField(
        label="If the family did not agree, or was not asked, why are you referring?",
        required=False,
        widget=_textarea(3),
        help_text="You do not need consent to share information to keep a child safe, "
        "but record why. For example: asking would put the child at risk",
    )

    @property
    def category_options(self) -> Options:
        return Options(self["categories"], Category.choices)

    def _received_at(self) -> dt.datetime | None:
        return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["received_at"] = self._received_at()
        try:
            contact_validate(self._input(cleaned), from_public=self.from_public)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                target = CONTACT_FIELD_FOR.get(name, name)
                if target in self.errors:
                    continue  # one message per question
                for message in messages:
                    self.add_error(target if target in self.fields else None, message)
        return cleaned

    def _input(self, cleaned: dict[str, Any]) -> ContactInput:
        return ContactInput(
            concern=cleaned.get("concern", ""),
            action_taken=cleaned.get("action_taken", ""),
            family_aware=cleaned.get("family_aware") == "yes",
            consent=cleaned.get("consent", ""),
            categories=list(cleaned.get("categories", [])),
            consent_reason=cleaned.get("consent_reason", ""),
            household=cleaned.get("household", ""),
            immediate_danger=cleaned.get("immediate_danger") == "yes",
            received_at=cleaned.get("received_at"),
            referrer_name=cleaned.get("referrer_name", ""),
            referrer_relationship=cleaned.get("referrer_relationship", ""),
            referrer_contact_details=cleaned.get("referrer_contact_details", ""),
            public_source=cleaned.get("public_source", ""),
        )

    def contact_input(self) -> ContactInput:
        return self._input(self.cleaned_data)


class PublicContactForm(GovukDatesMixin, ContactForm):
    """A call from a member of the public, recorded by the front door."""

    from_public = True
    RECEIVED = DateSpec(
        "received", "The date the contact was received", enter="Enter the date of the call", past_only=True
    )

    public_source = forms.ChoiceField(
        label="Who made contact?",
        required=False,
        choices=[(s.value, s.label) for s in PUBLIC_SOURCES],
    )
    referrer_name = forms.CharField(label="Their name", required=False, max_length=200)
    referrer_relationship = forms.CharField(
        label="Their relationship to the child (optional)",
        required=False,
        max_length=100,
        help_text="For example: grandmother, neighbour",
    )
    referrer_contact_details = forms.CharField(
        label="How to contact them (optional)",
        required=False,
        max_length=200,
        help_text="A phone number or address for the feedback letter",
    )
    received_day, received_month, received_year = date_part_fields()
    received_time = forms.CharField(label="Time of the call", required=False, help_text="For example, 14:30")

    field_order = [
        "public_source",
        "referrer_name",
        "referrer_relationship",
        "referrer_contact_details",
        "received_day",
        "received_month",
        "received_year",
        "received_time",
        *ContactForm.base_fields,
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern"].label = "What is the caller worried about?"
        self.fields["action_taken"].label = "What has the caller already done?"
        self.fields["action_taken"].help_text = "For example: spoke to the parent, called the police"

    @property
    def source_options(self) -> Options:
        return Options(self["public_source"], [(s.value, s.label) for s in PUBLIC_SOURCES])

    def _received_at(self) -> dt.datetime | None:
        day = self.clean_date(self.RECEIVED)
        raw = self.cleaned_data.get("received_time", "")
        moment = parse_time(raw) if raw else None
        if not raw:
            self.add_error("received_time", "Enter the time of the call")
        elif moment is None:
            self.add_error("received_time", "Enter a real time, like 09:30 or 14:15")
        if day is None or moment is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, moment))


class CheckRequestForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="Which agency do you want to ask?",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency to ask", "invalid_choice": "Choose an agency from the list"},
    )
    question = forms.CharField(
        label="What do you want to know?",
        widget=_textarea(5),
        help_text="The agency sees the child's name and date of birth, and this question. "
        "Ask only what you need to decide",
        error_messages={"required": "Enter what you want the agency to tell you"},
    )

    def __init__(self, *args: Any, own_agency_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agencies = Agency.objects.order_by("name")
        agency_field.queryset = agencies.exclude(pk=own_agency_id) if own_agency_id is not None else agencies


class CheckReturnForm(forms.Form):
    information = forms.CharField(
        label="What does your agency know?",
        widget=_textarea(8),
        help_text="What you hold about the child and the household that answers the question, with dates. "
        "If you hold nothing, say so",
        error_messages={"required": "Enter what your agency knows, or say that it holds nothing"},
    )


class DecisionForm(GovukDatesMixin, forms.Form):
    PROTECTED = DateSpec(
        "protected", "The date the child was protected", enter="Enter the date the child was protected"
    )

    decision = forms.ChoiceField(
        label="What happens next?",
        choices=Decision.choices,
        error_messages={"required": "Select what happens next", "invalid_choice": "Select what happens next"},
    )
    immediate_protection = forms.ChoiceField(
        label="How was the child protected?",
        required=False,
        choices=ImmediateProtection.choices,
        error_messages={"invalid_choice": "Select police protection or an emergency protection order"},
    )
    protected_day, protected_month, protected_year = date_part_fields()
    reason = forms.CharField(
        label="Reasons for the decision",
        widget=_textarea(6),
        help_text="What you found out and why this is the right next step. "
        "The referrer is told the decision, not these reasons",
        error_messages={"required": "Enter the reasons for the decision"},
    )

    @property
    def decision_options(self) -> Options:
        return Options(self["decision"], Decision.choices)

    @property
    def protection_options(self) -> Options:
        return Options(self["immediate_protection"], ImmediateProtection.choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["immediate_protection_on"] = None
        if cleaned.get("decision") == Decision.IMMEDIATE_PROTECTION:
            if not cleaned.get("immediate_protection"):
                self.add_error("immediate_protection", "Select police protection or an emergency protection order")
            cleaned["immediate_protection_on"] = self.clean_date(self.PROTECTED)
        else:
            cleaned["immediate_protection"] = ""
        return cleaned


class ClosureForm(GovukDatesMixin, forms.Form):
    CLOSED = DateSpec("closed", "The date the referral closed", enter="Enter the date the referral closed")

    closed_day, closed_month, closed_year = date_part_fields()
    reason = forms.ChoiceField(
        label="Why is the referral closing?",
        choices=ClosureReason.choices,
        error_messages={"required": "Select the reason for closing", "invalid_choice": "Select the reason for closing"},
    )
    note = forms.CharField(label="Anything else to record (optional)", required=False, widget=_textarea(4))

    @property
    def reason_options(self) -> Options:
        return Options(self["reason"], [(c.value, f"{c.label} ({c.value})") for c in ClosureReason])

    def clean(self) -> dict[str, Any]:
        super().clean()
        self.cleaned_data["closed_on"] = self.clean_date(self.CLOSED)
        return self.cleaned_data
