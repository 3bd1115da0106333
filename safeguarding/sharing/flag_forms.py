"""The "Check a child's status" form: an NHS number or UPN, and why the practitioner asks."""

from django import forms
from django.core.exceptions import ValidationError

from safeguarding.sharing.flags import parse_identifier


class FlagLookupForm(forms.Form):
    identifier = forms.CharField(
        label="NHS number or UPN",
        max_length=40,
        required=False,
        error_messages={"max_length": "NHS number or UPN must be 40 characters or less"},
        help_text="An NHS number is 10 numbers, like 943 476 5919. A UPN is 13 characters, like T801201001012",
    )
    purpose = forms.CharField(
        label="Why are you checking?",
        max_length=500,
        required=False,
        error_messages={"max_length": "Why you are checking must be 500 characters or less"},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: attended A&E with a head injury; new to the practice; joined the school mid-year",
    )

    def clean_identifier(self) -> str:
        try:
            _, value = parse_identifier(self.cleaned_data["identifier"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["identifier"]) from exc
        return value

    def clean_purpose(self) -> str:
        value = " ".join(self.cleaned_data["purpose"].split())
        if not value:
            raise forms.ValidationError("Enter why you are checking this child's status")
        return value
