"""Writes of the front door: contacts and referrals, checks, decisions, closure.

Each service is atomic, writes its own row (never an edit of an earlier one), writes the
chronology and the audit in the same transaction, and refuses an impossible transition with
a DomainError or a ValidationError whose message is safe to show.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.concerns.models import Category
from safeguarding.frontdoor.models import Consent, Contact, ReferralSource
from safeguarding.people.models import Child

# CIN census ReferralSource from the referring practitioner's agency. Where one agency kind
# covers several codes (a hospital's A&E or wards), the commonest is taken; the front door
# may record another source when it records the contact itself.
SOURCE_BY_AGENCY_KIND: dict[str, ReferralSource] = {
    AgencyKind.SCHOOL: ReferralSource.SCHOOL,
    AgencyKind.EARLY_YEARS: ReferralSource.EDUCATION_SERVICES,
    AgencyKind.GP_PRACTICE: ReferralSource.GP,
    AgencyKind.HEALTH_VISITING: ReferralSource.HEALTH_VISITOR,
    AgencyKind.SCHOOL_NURSING: ReferralSource.SCHOOL_NURSE,
    AgencyKind.HOSPITAL: ReferralSource.AE,
    AgencyKind.MIDWIFERY: ReferralSource.OTHER_PRIMARY_HEALTH,
    AgencyKind.POLICE: ReferralSource.POLICE,
    AgencyKind.PROBATION: ReferralSource.OTHER_LEGAL,
    AgencyKind.YOUTH_JUSTICE: ReferralSource.OTHER_LEGAL,
    AgencyKind.HOUSING: ReferralSource.HOUSING,
    AgencyKind.LA_SOCIAL_CARE: ReferralSource.LA_SOCIAL_CARE,
    AgencyKind.LA_EARLY_HELP: ReferralSource.EARLY_HELP,
    AgencyKind.VOLUNTARY: ReferralSource.OTHER,
}

# Sources a member of the public can be, when the front door records their call.
PUBLIC_SOURCES = (
    ReferralSource.FAMILY,
    ReferralSource.ACQUAINTANCE,
    ReferralSource.SELF,
    ReferralSource.INDIVIDUAL_OTHER,
    ReferralSource.ANONYMOUS,
    ReferralSource.UNKNOWN,
)


def source_for_agency(agency: Agency | None) -> ReferralSource:
    if agency is None:
        return ReferralSource.UNKNOWN
    return SOURCE_BY_AGENCY_KIND.get(agency.kind, ReferralSource.OTHER)


@dataclass
class ContactInput:
    concern: str
    action_taken: str
    family_aware: bool
    consent: str
    categories: list[str]
    consent_reason: str = ""
    household: str = ""
    immediate_danger: bool = False
    received_at: datetime | None = None
    # From the public, entered by the front door: who called, and the source code they are.
    referrer_name: str = ""
    referrer_relationship: str = ""
    referrer_contact_details: str = ""
    public_source: str = ""
    early_help_episode_id: int | None = None


def contact_validate(data: ContactInput, *, from_public: bool) -> None:
    """Every rule a contact must meet, raised at once as a ValidationError keyed by field."""
    errors: dict[str, str] = {}
    if not data.concern.strip():
        errors["concern"] = "Enter what you are worried about"
    if not data.action_taken.strip():
        errors["action_taken"] = "Enter what you have already done"
    if not data.categories:
        errors["categories"] = "Select at least one kind of concern"
    elif set(data.categories) - set(Category.values):
        errors["categories"] = "Select kinds of concern from the list"
    if data.consent not in Consent.values:
        errors["consent"] = "Select whether the family agreed to this referral"
    elif data.consent != Consent.GIVEN and not data.consent_reason.strip():
        # Consent is not needed to share for safeguarding, but the reason is recorded.
        errors["consent_reason"] = (
            "Enter why consent was not sought"
            if data.consent == Consent.NOT_SOUGHT
            else "Enter why you are referring without the family's agreement"
        )
    if data.received_at is not None:
        if timezone.is_naive(data.received_at):
            raise ValueError("received_at must be timezone-aware")
        if data.received_at > timezone.now() + timedelta(minutes=5):
            errors["received_at"] = "The date the contact was received must be today or in the past"
    if from_public:
        if data.public_source not in {s.value for s in PUBLIC_SOURCES}:
            errors["public_source"] = "Select who made the contact"
        elif data.public_source != ReferralSource.ANONYMOUS and not data.referrer_name.strip():
            errors["referrer_name"] = "Enter the name of the person who made contact, or select anonymous"
    if errors:
        raise ValidationError(errors)


def contact_summary(contact: Contact) -> str:
    who = contact.referrer_agency.name if contact.referrer_agency else (contact.referrer_name or "anonymous caller")
    text = contact.concern.strip()
    if len(text) > 260:
        text = text[:257] + "..."
    return f"Contact from {who}: {text}"


@transaction.atomic
def contact_record(*, child: Child, data: ContactInput, by: User, from_public: bool = False) -> Contact:
    """Record a contact to the front door.

    A practitioner refers in their own name and agency (the CIN referral source follows from
    the agency's kind). The front door records contacts from the public with `from_public`:
    then the caller's name and source code are given instead.
    """
    if by.agency_id is None:
        raise ValidationError("Only practitioners who belong to an agency can make a referral")
    contact_validate(data, from_public=from_public)
    agency = by.agency
    assert isinstance(agency, Agency)
    if from_public:
        source = ReferralSource(data.public_source)
        referrer, referrer_agency = None, None
    else:
        source = source_for_agency(agency)
        referrer, referrer_agency = by, agency
    contact = Contact.objects.create(
        child=child,
        received_at=data.received_at or timezone.now(),
        referrer=referrer,
        referrer_agency=referrer_agency,
        referrer_name=data.referrer_name.strip() if from_public else by.display_name,
        referrer_relationship=data.referrer_relationship.strip(),
        referrer_contact_details=data.referrer_contact_details.strip(),
        source=source,
        concern=data.concern.strip(),
        categories=sorted(set(data.categories)),
        immediate_danger=data.immediate_danger,
        household=data.household.strip(),
        action_taken=data.action_taken.strip(),
        family_aware=data.family_aware,
        consent=data.consent,
        consent_reason=data.consent_reason.strip() if data.consent != Consent.GIVEN else "",
        early_help_episode_id=data.early_help_episode_id,
        recorded_by=by,
    )
    if referrer_agency is not None:
        involvement_ensure(child=child, agency=referrer_agency, basis=InvolvementBasis.RECORDED)
    chronology_record(
        child=child,
        kind_key="contact",
        source=contact,
        agency=agency,
        author=by,
        occurred_at=contact.received_at,
        recorded_at=contact.recorded_at,
        summary=contact_summary(contact),
        categories=contact.categories,
        immediate_danger=contact.immediate_danger,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=contact,
        detail={"source": source.value, "consent": contact.consent, "from_public": from_public},
    )
    return contact
