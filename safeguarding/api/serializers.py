"""The shapes of requests and responses. Serializers check types and formats and never write:
the views pass what they read to the services (api/services.py), which apply the rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from rest_framework import serializers

from safeguarding.api.authentication import all_scopes
from safeguarding.api.services import FEED_KINDS, EventIn, PersonIn
from safeguarding.concerns.models import BodyRegion, Category
from safeguarding.concerns.services import ConcernInput
from safeguarding.core.clocks import ClockState
from safeguarding.frontdoor.models import Consent, Decision
from safeguarding.frontdoor.services import ContactInput
from safeguarding.linkage.models import LinkMethod
from safeguarding.people.codes import Sex
from safeguarding.people.identifiers import (
    LA_CHILD_ID_SHAPE,
    nhs_number_valid,
    normalise_nhs_number,
    normalise_upn,
    upn_valid,
)
from safeguarding.people.models import ChildStatus

# The index holds children and young people (care leavers have a personal adviser up to 25).
MAX_AGE = 25
# A UK postcode, spaces ignored ("SW1A 1AA", "m11ae"): the index stores it with one space.
POSTCODE_SHAPE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}")
TEXT_MAX = 20000


def nhs_number_problem(value: str) -> str:
    """Why an NHS number is not valid ("" if it is)."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return "Enter a valid NHS number: 10 digits, like 943 476 5919"
    if not nhs_number_valid(digits):
        return "Enter a valid NHS number: this one's check digit is wrong"
    return ""


def upn_problem(value: str) -> str:
    if not upn_valid(value):
        return "Enter a valid UPN: 13 characters, starting with its check letter"
    return ""


def _oldest_allowed() -> dt.date:
    return timezone.localdate() - relativedelta(years=MAX_AGE + 1)


def moment_problem(value: dt.datetime, what: str) -> str:
    """Why a moment in a child's life cannot be right ("" if it can): after today, or before
    anyone the index holds was born."""
    if value > timezone.now() + dt.timedelta(minutes=5):
        return f"{what} must be today or in the past"
    if timezone.localdate(value) < _oldest_allowed():
        return f"{what} is more than {MAX_AGE + 1} years ago: check the date"
    return ""


def person_from(data: dict[str, Any]) -> PersonIn:
    return PersonIn(
        nhs_number=data.get("nhs_number", ""),
        upn=data.get("upn", ""),
        la_child_id=data.get("la_child_id", ""),
        first_name=data.get("first_name", "").strip(),
        middle_names=data.get("middle_names", "").strip(),
        last_name=data.get("last_name", "").strip(),
        date_of_birth=data.get("date_of_birth"),
        sex=data.get("sex", ""),
        postcode=data.get("postcode", ""),
        address=data.get("address", "").strip(),
        school=data.get("school", "").strip(),
    )


class PersonSerializer(serializers.Serializer[Any]):
    """A child as your system knows them."""

    nhs_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="10 digits; spaces are ignored"
    )
    upn = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="Unique pupil number")
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    middle_names = serializers.CharField(required=False, allow_blank=True, max_length=200)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(
        choices=[*Sex.choices, ("", "Not given")], required=False, allow_blank=True, help_text="M, F or U"
    )
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="First line")

    def validate_nhs_number(self, value: str) -> str:
        if value.strip() and (problem := nhs_number_problem(value)):
            raise serializers.ValidationError(problem)
        return normalise_nhs_number(value)

    def validate_upn(self, value: str) -> str:
        if value.strip() and (problem := upn_problem(value)):
            raise serializers.ValidationError(problem)
        return normalise_upn(value)

    def validate_postcode(self, value: str) -> str:
        compact = "".join(value.split()).upper()
        if compact and not POSTCODE_SHAPE.fullmatch(compact):
            raise serializers.ValidationError("Enter a real postcode, like SW1A 1AA")
        return compact

    def validate_date_of_birth(self, value: dt.date | None) -> dt.date | None:
        if value is None:
            return None
        if value > timezone.localdate():
            raise serializers.ValidationError("The date of birth must be today or in the past")
        if value < _oldest_allowed():
            raise serializers.ValidationError(f"The date of birth is more than {MAX_AGE} years ago")
        return value

    def _described(self, attrs: dict[str, Any]) -> bool:
        return bool(attrs.get("first_name", "").strip() and attrs.get("last_name", "").strip())


class ChildSerializer(PersonSerializer):
    """The child: their NHS number, UPN or LA child ID, or their first name, last name and date
    of birth, or both. The more you give, the surer the match; a child the index does not hold
    is added, and near misses are queued for a person to review."""

    la_child_id = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="The local authority's ID, if you were given it"
    )

    def validate_la_child_id(self, value: str) -> str:
        if value.strip() and not LA_CHILD_ID_SHAPE.match(value.strip()):
            raise serializers.ValidationError("Enter a valid LA child ID: up to 20 letters and digits")
        return value.strip()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        identified = any(attrs.get(f) for f in ("nhs_number", "upn", "la_child_id"))
        if not identified and not (self._described(attrs) and attrs.get("date_of_birth")):
            raise serializers.ValidationError(
                "Give the child's NHS number, UPN or LA child ID, or their first name, last name and date of birth"
            )
        return attrs


def _reference_field(what: str) -> serializers.CharField:
    return serializers.CharField(
        max_length=200,
        help_text=f"Your system's own reference for this {what} (a pupil ID, a hospital number, a person "
        f"reference). The same reference always means the same {what}.",
    )


def _clean_reference(value: str, what: str) -> str:
    if not value.strip():
        raise serializers.ValidationError(f"Enter your system's reference for the {what}")
    return value.strip()


class ConcernSerializer(serializers.Serializer[Any]):
    """A concern about a child, as a practitioner would record it on the concern form."""

    reference = _reference_field("child")
    child = ChildSerializer()
    occurred_at = serializers.DateTimeField(help_text="When it happened, or was seen or heard")
    what_happened = serializers.CharField(allow_blank=True, max_length=TEXT_MAX)
    childs_words = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices), max_length=20)
    immediate_danger = serializers.BooleanField(required=False, default=False)
    action_taken = serializers.CharField(allow_blank=True, max_length=TEXT_MAX)
    injury_locations = serializers.ListField(
        child=serializers.ChoiceField(choices=BodyRegion.choices), required=False, default=list, max_length=40
    )
    injury_description = serializers.CharField(required=False, allow_blank=True, default="", max_length=TEXT_MAX)

    def validate_reference(self, value: str) -> str:
        return _clean_reference(value, "child")

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        if problem := moment_problem(value, "The date it happened"):
            raise serializers.ValidationError(problem)
        return value

    def concern(self) -> ConcernInput:
        data = self.validated_data
        return ConcernInput(
            occurred_at=data["occurred_at"],
            what_happened=data["what_happened"],
            action_taken=data["action_taken"],
            categories=list(data["categories"]),
            childs_words=data["childs_words"],
            immediate_danger=data["immediate_danger"],
            injury_locations=list(data["injury_locations"]),
            injury_description=data["injury_description"],
        )

    def person(self) -> PersonIn:
        return person_from(self.validated_data["child"])


class ConcernCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The concern's ID")
    reference = serializers.CharField(help_text="Your reference for the child, as sent")
    la_child_id = serializers.CharField(
        allow_null=True, help_text="The local authority's ID for the child (null if your agency may not see it)"
    )
    linked = serializers.ChoiceField(
        choices=LinkMethod.choices,
        help_text="How the child was found: identifier (an exact NHS number, UPN or LA child ID), auto "
        "(the matching model, above the auto-link threshold), new (no match: a new child was added), or "
        "chosen / clerical (a person linked your reference before)",
    )
    recorded_at = serializers.DateTimeField()


# --- Referrals ---------------------------------------------------------------------------------


class ReferralSubmissionSerializer(serializers.Serializer[Any]):
    """A referral to the front door, with the same questions as the referral form. The front
    door decides within 1 working day; follow it with GET /api/v1/referrals/{id}/."""

    reference = _reference_field("child")
    child = ChildSerializer()
    concern = serializers.CharField(
        allow_blank=True,
        max_length=TEXT_MAX,
        help_text="What you are worried about: what was seen or heard, when, and what the child said",
    )
    categories = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices), max_length=20)
    immediate_danger = serializers.BooleanField(required=False, default=False)
    household = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX, help_text="Who lives with the child"
    )
    action_taken = serializers.CharField(allow_blank=True, max_length=TEXT_MAX, help_text="What you have done")
    family_aware = serializers.BooleanField(help_text="Whether the family knows about the referral")
    consent = serializers.ChoiceField(choices=Consent.choices)
    consent_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=TEXT_MAX,
        help_text="Why consent was not sought, or why you refer without it (needed unless consent is given)",
    )
    referrer_contact = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="Who at your agency the front door should call back: name, role and phone",
    )

    def validate_reference(self, value: str) -> str:
        return _clean_reference(value, "child")

    def contact(self) -> ContactInput:
        data = self.validated_data
        return ContactInput(
            concern=data["concern"],
            action_taken=data["action_taken"],
            family_aware=data["family_aware"],
            consent=data["consent"],
            categories=list(data["categories"]),
            consent_reason=data["consent_reason"],
            household=data["household"],
            immediate_danger=data["immediate_danger"],
            referrer_contact_details=data["referrer_contact"],
        )

    def person(self) -> PersonIn:
        return person_from(self.validated_data["child"])


class ReferralCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The referral's ID: GET /api/v1/referrals/{id}/ for its outcome")
    reference = serializers.CharField(help_text="Your reference for the child, as sent")
    la_child_id = serializers.CharField(
        allow_null=True, help_text="The local authority's ID for the child (null if your agency may not see it)"
    )
    linked = serializers.ChoiceField(choices=LinkMethod.choices, help_text="How the child was found")
    received_at = serializers.DateTimeField()
    decision_due = serializers.DateField(help_text="The front door decides by the end of this working day")


class DecisionSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=Decision.choices)
    label = serializers.CharField()
    decided_on = serializers.DateField()


class WaitingSerializer(serializers.Serializer[Any]):
    due = serializers.DateField(help_text="The front door decides within 1 working day")
    state = serializers.ChoiceField(choices=[ClockState.DUE, ClockState.DUE_SOON, ClockState.OVERDUE])


class StageSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    text = serializers.CharField(help_text='The stage and its date, "Strategy discussion 3 March 2026: ..."')


class ReferralSerializer(serializers.Serializer[Any]):
    """What became of a referral, as the referrer sees it in "My referrals": the decision and
    each later stage with its date, never the content of the work."""

    id = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    la_child_id = serializers.CharField()
    referrer_name = serializers.CharField(allow_blank=True, help_text="Who referred: a practitioner or a system")
    decision = DecisionSerializer(allow_null=True, help_text="Null while the front door has not decided")
    waiting = WaitingSerializer(allow_null=True, help_text="While the front door has not decided; else null")
    stages = StageSerializer(many=True, help_text="The decision and every later stage, oldest first")


# --- Feed records ------------------------------------------------------------------------------


class FeedEventSerializer(serializers.Serializer[Any]):
    """The attendance (ae_attendance) or incident (police_incident) this record is about."""

    reference = serializers.CharField(max_length=100, help_text="The attendance ID or incident reference")
    occurred_at = serializers.DateTimeField(help_text="Arrival, or when the incident happened")
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="A&E: the presenting complaint. Police: what happened",
    )
    injury = serializers.BooleanField(required=False, default=False, help_text="A&E: an injury")
    role = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        help_text="Police: the child's involvement (victim, witness, present, suspect)",
    )
    domestic_abuse = serializers.BooleanField(required=False, default=False, help_text="Police: domestic abuse")

    def validate_reference(self, value: str) -> str:
        return _clean_reference(value, "event")

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        if problem := moment_problem(value, "The date"):
            raise serializers.ValidationError(problem)
        return value


class FeedRecordSerializer(PersonSerializer):
    """One person record, as one row of your agency's extract."""

    kind = serializers.ChoiceField(
        choices=list(FEED_KINDS),
        required=False,
        default="person_file",
        help_text="school_roll (a school or early years setting: the child is on the roll), gp_registration "
        "(a GP practice: the child is registered), ae_attendance (a hospital: an A&E attendance, with its "
        "event), police_incident (the police: a child in an incident, with its event), or person_file "
        "(any other record of a person)",
    )
    reference = serializers.CharField(
        max_length=200,
        help_text="Your system's own reference for this person: the same reference is the same record "
        "(for a school roll, the UPN; for GP registrations, the NHS number; for A&E, the hospital number)",
    )
    school = serializers.CharField(required=False, allow_blank=True, max_length=200)
    event = FeedEventSerializer(required=False, help_text="Required for ae_attendance and police_incident only")

    def validate_reference(self, value: str) -> str:
        return _clean_reference(value, "person")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = {}
        if not attrs.get("first_name", "").strip():
            errors["first_name"] = "Enter the person's first name"
        if not attrs.get("last_name", "").strip():
            errors["last_name"] = "Enter the person's last name"
        if not attrs.get("date_of_birth"):
            errors["date_of_birth"] = "Enter the person's date of birth"
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def person(self) -> PersonIn:
        return person_from(self.validated_data)

    def event_in(self) -> EventIn | None:
        data = self.validated_data.get("event")
        if data is None:
            return None
        return EventIn(
            reference=data["reference"],
            occurred_at=data["occurred_at"],
            summary=data["summary"],
            injury=data["injury"],
            role=data["role"],
            domestic_abuse=data["domestic_abuse"],
        )


class FeedRecordResultSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    kind = serializers.ChoiceField(choices=list(FEED_KINDS))
    linked = serializers.ChoiceField(
        choices=LinkMethod.choices,
        help_text="How the record was linked: identifier (an exact NHS number, UPN or LA child ID), auto "
        "(the matching model, above the auto-link threshold), new (no match: a new child was added), or "
        "chosen / clerical (a person linked it)",
    )
    unchanged = serializers.BooleanField(help_text="True when this reference had already arrived: nothing changed")
    queued_for_review = serializers.IntegerField(
        help_text="Near misses queued for a person to review (possible duplicates of the new child)"
    )
    event_added = serializers.BooleanField(
        help_text="For an attendance or incident: true when it was added to the chronology, false when it "
        "had already arrived"
    )
    la_child_id = serializers.CharField(allow_null=True, help_text="Null if your agency may not see the child")


# --- Status flags ------------------------------------------------------------------------------


class FlagSearchSerializer(serializers.Serializer[Any]):
    """The child's NHS number or UPN (one of them). Sent in the body, not the address, so that
    the identifier stays out of access logs."""

    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="10 digits")
    upn = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="Unique pupil number")
    purpose = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Why you are looking (the child is in A&E, on a 999 call ...): shown to the lead practitioner",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [f for f in ("nhs_number", "upn") if attrs.get(f, "").strip()]
        if len(given) != 1:
            raise serializers.ValidationError("Give the child's NHS number or their UPN (one of them)")
        field = given[0]
        problem = (nhs_number_problem if field == "nhs_number" else upn_problem)(attrs[field])
        if problem:
            raise serializers.ValidationError({field: problem})
        return attrs


class FlagStatusSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=ChildStatus.choices)
    label = serializers.CharField()
    since = serializers.DateField()


class LeadContactSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    agency = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class IdentifierSerializer(serializers.Serializer[Any]):
    nhs_number = serializers.CharField(required=False)
    upn = serializers.CharField(required=False)


class StatusFlagSerializer(serializers.Serializer[Any]):
    identifier = IdentifierSerializer(help_text='What you looked up: {"nhs_number": "..."} or {"upn": "..."}')
    statuses = FlagStatusSerializer(many=True, help_text="Current statuses only; empty when the child has none")
    lead = LeadContactSerializer(
        allow_null=True,
        help_text="Who to contact: the lead practitioner, or the front door when no practitioner leads. "
        "Null when the child has no status",
    )
    out_of_hours = serializers.CharField(help_text="How to reach children's social care out of hours")
    checked_at = serializers.DateTimeField()


class FhirSearchSerializer(serializers.Serializer[Any]):
    """FHIR search parameters (POST Flag/_search, form-encoded, as FHIR allows)."""

    patient_identifier = serializers.CharField(
        max_length=200,
        help_text="The child's identifier, `system|value`: https://fhir.nhs.uk/Id/nhs-number|9434765919, or "
        "the UPN's system and the UPN; or the value alone",
    )
    purpose = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)

    def to_internal_value(self, data: Any) -> Any:
        # The FHIR name has a colon, which a Python field name cannot.
        renamed = {"patient_identifier": data.get("patient:identifier", ""), "purpose": data.get("purpose", "")}
        return super().to_internal_value(renamed)


class FhirBundleSerializer(serializers.Serializer[Any]):
    """A FHIR R4 Bundle (searchset): Flag resources, one per current status, with the lead
    practitioner (PractitionerRole) and the out-of-hours contact (Organization) included; see
    https://hl7.org/fhir/R4/bundle.html and https://hl7.org/fhir/R4/flag.html."""

    resourceType = serializers.ChoiceField(choices=["Bundle"])  # noqa: N815: FHIR's name
    type = serializers.ChoiceField(choices=["searchset"])
    timestamp = serializers.CharField(required=False)
    total = serializers.IntegerField()
    entry = serializers.ListField(child=serializers.DictField(), required=False)


# --- The token endpoint ------------------------------------------------------------------------


class ClientCredentialsSerializer(serializers.Serializer[Any]):
    """RFC 6749 section 4.4.2. Authenticate with HTTP Basic (client ID and secret), or send
    client_id and client_secret in the form."""

    grant_type = serializers.ChoiceField(choices=["client_credentials"])
    scope = serializers.CharField(
        required=False,
        help_text="Space-separated scopes, a subset of your client's: "
        + ", ".join(all_scopes())
        + ". Leave out for all of them",
    )
    client_id = serializers.CharField(required=False)
    client_secret = serializers.CharField(required=False)


class TokenSerializer(serializers.Serializer[Any]):
    access_token = serializers.CharField()
    token_type = serializers.ChoiceField(choices=["Bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds")
    scope = serializers.CharField(help_text="The scopes the token carries, space-separated")


class ReferralPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(help_text="How many referrals your agency has made in all")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last")
    previous = serializers.URLField(allow_null=True, help_text="The page before, or null on the first")
    results = ReferralSerializer(many=True)
