"""The form for recording a share, or a decision not to share, and for amending one.

The form reads what was typed (the GOV.UK date input, radios, the agency list) and shows
problems; the rules are the service's (`shares.information_share_validate`), run from
`clean()` so that every problem shows at once. The questions are worded for the decision
being recorded ("What did you share?" or "What was asked for or considered?").
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import Agency
from safeguarding.concerns.models import LawfulBasis
from safeguarding.core.forms import YES_NO, DateSpec, GovukDatesMixin, Options, date_part_fields
from safeguarding.sharing.models import FamilyTold, InformationShare, ShareChannel, ShareConsent, ShareDecision
from safeguarding.sharing.shares import ShareInput, SpecialCategoryCondition, information_share_validate

LAWFUL_BASIS_HINTS = {
    LawfulBasis.PUBLIC_TASK.value: "For agencies with safeguarding duties: most shares.",
    LawfulBasis.LEGAL_OBLIGATION.value: "A law or a court order requires you to share it.",
    LawfulBasis.VITAL_INTERESTS.value: "To protect someone's life when consent cannot be given.",
    LawfulBasis.CONSENT.value: (
        "Only if the family agreed and could refuse without putting the child at risk. "
        "Consent is usually not the right basis for safeguarding."
    ),
}

CHANNEL_HINTS = {
    ShareChannel.PLATFORM.value: (
        "The agency will see this record in the child's chronology, and can open the child's record if it "
        "could not before."
    ),
}

CONDITION_HINTS = {SpecialCategoryCondition.SAFEGUARDING.value: "Most safeguarding shares."}


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _choice(choices: Any, message: str) -> forms.ChoiceField:
    # Whether an answer is needed is the service's rule (it depends on other answers).
    return forms.ChoiceField(
        choices=choices, required=False, error_messages={"invalid_choice": message}, widget=forms.RadioSelect
    )


SPECIAL_CATEGORY_REQUIRED = "Select yes if it includes special category information"

# Where each of the service's errors is shown (a date on its first box). The reason about
# consent is asked under whichever consent answer was chosen: see `field_for`.
FIELD_FOR = {"decided_on": "decided_day"}


class InformationShareForm(GovukDatesMixin, forms.Form):
    with_agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    with_person = forms.CharField(required=False)
    decided_day, decided_month, decided_year = date_part_fields()
    channel = _choice(ShareChannel.choices, "Select how you shared the information")
    what = forms.CharField(required=False, widget=_textarea(5))
    why = forms.CharField(required=False, widget=_textarea(5))
    lawful_basis = _choice(LawfulBasis.choices, "Select the lawful basis for sharing")
    # A question with a yes or no answer, not a checkbox: a share is recorded as including
    # special category information or not, never by leaving a box unticked.
    special_category = _choice(YES_NO, SPECIAL_CATEGORY_REQUIRED)
    special_category_condition = _choice(
        SpecialCategoryCondition.choices, "Select the Schedule 1 condition for sharing special category information"
    )
    consent = _choice(ShareConsent.choices, "Select whether you sought consent")
    consent_not_sought_reason = forms.CharField(
        required=False, widget=_textarea(3), label="Why did you not seek consent?"
    )
    consent_refused_reason = forms.CharField(
        required=False,
        widget=_textarea(3),
        label="Why did you share without consent?",
        help_text="For example, the child would otherwise be at risk of significant harm",
    )
    family_told = _choice(FamilyTold.choices, "Select whether the family has been told")
    family_not_told_reason = forms.CharField(
        required=False, widget=_textarea(3), label="Why would telling the family put the child at risk?"
    )

    def __init__(self, *args: Any, decision: str, agency_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision_value = decision
        self.agency_id = agency_id
        shared = decision == ShareDecision.SHARED
        self.DECIDED = DateSpec(
            "decided",
            "The date you shared it" if shared else "The date you decided",
            enter="Enter the date you shared it" if shared else "Enter the date you decided",
        )
        labels = {
            "with_agency": (
                "Which agency did you share it with?" if shared else "Which agency asked, or did you consider?"
            ),
            "with_person": "Name and role of the person" + (" you shared it with" if shared else ""),
            "channel": "How did you share it?",
            "what": "What did you share?" if shared else "What information was asked for or considered?",
            "why": "Why did you share it?" if shared else "Why did you decide not to share?",
            "lawful_basis": "What is the lawful basis for sharing?",
            "special_category": "Does it include special category information?",
            "special_category_condition": "Which Data Protection Act 2018 Schedule 1 condition applies?",
            "consent": "Did you seek consent to share?",
            "family_told": "Has the family been told that you shared this information?",
        }
        hints = {
            "with_agency": "Choose an agency on this platform, or enter the person below, or both",
            "with_person": "For example, Dr Amir Patel, GP partner. You can leave this blank if you chose an agency",
            "what": (
                "Share only what is necessary, proportionate, relevant, adequate and accurate"
                if shared
                else "For example, a request from the police for the child's attendance records"
            ),
            "special_category": "Information about health, ethnicity, religion, sex life or sexual orientation",
            "why": (
                "The purpose: what the other agency needs it for, and what you expect them to do"
                if shared
                else "Your reasons. Record them as fully as you would a decision to share"
            ),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        for name, hint in hints.items():
            self.fields[name].help_text = hint
        agency_field = self.fields["with_agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        # Not the practitioner's own agency: sharing within an agency is not recorded here.
        agencies = Agency.objects.exclude(pk=agency_id) if agency_id is not None else Agency.objects.all()
        agency_field.queryset = agencies.order_by("name")

    @property
    def shared(self) -> bool:
        return self.decision_value == ShareDecision.SHARED

    @property
    def date_legend(self) -> str:
        return "When did you share it?" if self.shared else "When did you decide?"

    # Options for the templates -------------------------------------------------------------
    @property
    def agencies(self) -> list[Agency]:
        agency_field = self.fields["with_agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        return list(agency_field.queryset.only("pk", "name", "kind"))  # type: ignore[union-attr]

    @property
    def selected_agency(self) -> str:
        value = self["with_agency"].value()
        return str(value) if value not in (None, "") else ""

    @property
    def channel_options(self) -> Options:
        return Options(self["channel"], ShareChannel.choices, hints=CHANNEL_HINTS)

    @property
    def lawful_basis_options(self) -> Options:
        return Options(self["lawful_basis"], LawfulBasis.choices, hints=LAWFUL_BASIS_HINTS)

    @property
    def special_category_options(self) -> Options:
        return Options(self["special_category"], YES_NO)

    @property
    def condition_options(self) -> Options:
        return Options(self["special_category_condition"], SpecialCategoryCondition.choices, hints=CONDITION_HINTS)

    @property
    def consent_options(self) -> Options:
        return Options(self["consent"], ShareConsent.choices)

    @property
    def family_told_options(self) -> Options:
        return Options(self["family_told"], FamilyTold.choices)

    # Parsing ---------------------------------------------------------------------------------
    def field_for(self) -> dict[str, str]:
        """Where each of the service's errors is shown."""
        consent = self.cleaned_data.get("consent") if hasattr(self, "cleaned_data") else ""
        reason_field = "consent_refused_reason" if consent == ShareConsent.REFUSED else "consent_not_sought_reason"
        return {**FIELD_FOR, "consent_reason": reason_field}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        decided_on = self.clean_date(self.DECIDED)
        cleaned["decided_on"] = decided_on
        if self.shared and not cleaned.get("special_category") and "special_category" not in self.errors:
            self.add_error("special_category", SPECIAL_CATEGORY_REQUIRED)
        try:
            proposed = self._input(cleaned, decided_on or timezone.localdate())
            information_share_validate(proposed, agency_id=self.agency_id)
        except ValidationError as exc:
            where = self.field_for()
            for name, messages in exc.message_dict.items():
                target = where.get(name, name)
                if (name == "decided_on" and decided_on is None) or target in self.errors:
                    continue  # one message per question: what was typed could not be read
                for message in messages:
                    self.add_error(target if target in self.fields else None, message)
        return cleaned

    def _input(self, cleaned: dict[str, Any], decided_on: dt.date) -> ShareInput:
        consent = cleaned.get("consent") or ""
        consent_reason = (
            cleaned.get("consent_refused_reason", "")
            if consent == ShareConsent.REFUSED
            else cleaned.get("consent_not_sought_reason", "")
        )
        return ShareInput(
            decision=self.decision_value,
            decided_on=decided_on,
            what=cleaned.get("what", ""),
            why=cleaned.get("why", ""),
            with_agency=cleaned.get("with_agency"),
            with_person=cleaned.get("with_person", ""),
            channel=cleaned.get("channel") or "",
            lawful_basis=cleaned.get("lawful_basis") or "",
            special_category=cleaned.get("special_category") == "yes",
            special_category_condition=cleaned.get("special_category_condition") or "",
            consent=consent,
            consent_reason=consent_reason or "",
            family_told=cleaned.get("family_told") or "",
            family_not_told_reason=cleaned.get("family_not_told_reason", ""),
        )

    def share_input(self) -> ShareInput:
        """The record as the services take it (only once the form is valid)."""
        decided_on = self.cleaned_data["decided_on"]
        assert decided_on is not None
        return self._input(self.cleaned_data, decided_on)

    @staticmethod
    def initial_for(share: InformationShare) -> dict[str, Any]:
        consent_reason = {
            str(ShareConsent.NOT_SOUGHT): "consent_not_sought_reason",
            str(ShareConsent.REFUSED): "consent_refused_reason",
        }.get(share.consent)
        initial: dict[str, Any] = {
            "with_agency": share.with_agency_id,
            "with_person": share.with_person,
            "decided_day": str(share.decided_on.day),
            "decided_month": str(share.decided_on.month),
            "decided_year": str(share.decided_on.year),
            "channel": share.channel,
            "what": share.what,
            "why": share.why,
            "lawful_basis": share.lawful_basis,
            "special_category": "yes" if share.special_category else "no",
            "special_category_condition": share.special_category_condition,
            "consent": share.consent,
            "family_told": share.family_told,
            "family_not_told_reason": share.family_not_told_reason,
        }
        if consent_reason:
            initial[consent_reason] = share.consent_reason
        return initial


class AmendInformationShareForm(InformationShareForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        widget=_textarea(3),
        help_text="For example: the date was wrong, or the wrong agency was chosen. The original stays in the record",
        error_messages={"required": "Enter the reason for the amendment"},
    )


class ShareStartForm(forms.Form):
    """The first question: a share, or a decision not to share (the questions that follow differ)."""

    decision = forms.ChoiceField(
        label="What are you recording?",
        choices=[
            (ShareDecision.SHARED.value, "Information I shared, or my agency shared"),
            (ShareDecision.NOT_SHARED.value, "A decision not to share information"),
        ],
        error_messages={
            "required": "Select whether you shared information or decided not to share",
            "invalid_choice": "Select whether you shared information or decided not to share",
        },
    )

    @property
    def decision_options(self) -> Options:
        hints = {
            ShareDecision.SHARED.value: "Through this platform or outside it: a phone call, a meeting, a letter",
            ShareDecision.NOT_SHARED.value: "For example, you were asked for information and decided not to give it",
        }
        return Options(self["decision"], self.fields["decision"].choices, hints=hints)  # type: ignore[attr-defined]
