"""Writes of the front door: contacts and referrals, checks, decisions, closure.

Each service is atomic, writes its own row (never an edit of an earlier one), writes the
chronology and the audit in the same transaction, and refuses an impossible transition with
a DomainError or a ValidationError whose message is safe to show.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone

from safeguarding.access.models import Agency, AgencyKind, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.concerns.models import Category
from safeguarding.core import calendar
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor import letters, permissions, selectors
from safeguarding.frontdoor.models import (
    REFERRAL_DECISIONS,
    AgencyCheck,
    AgencyCheckReturn,
    ClosureReason,
    Consent,
    Contact,
    ContactDecision,
    Decision,
    ImmediateProtection,
    Referral,
    ReferralClosure,
    ReferralSource,
)
from safeguarding.pathway.projection import refreshes_clocks
from safeguarding.people.models import Child, ChildStatus
from safeguarding.people.services import status_end, status_start

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
@refreshes_clocks
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


def _long_date(d: date) -> str:
    return dateformat.format(d, "j F Y")


def _at_nine(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9)))


def referral_open(referral: Referral) -> bool:
    """Whether the CIN episode is still open (no ReferralClosure yet)."""
    return not ReferralClosure.objects.filter(referral_id=referral.pk).exists()


# Agency checks ---------------------------------------------------------------------------


@transaction.atomic
def check_request(*, contact: Contact, agency: Agency, question: str, by: User) -> AgencyCheck:
    """The front door asks an agency what it knows about the child (a MASH check).

    Checks inform the decision, so they are asked while the contact waits for it.
    """
    if not permissions.may_decide_referrals(by):
        raise DomainError("Only the front door can ask other agencies for checks")
    contact = Contact.objects.select_for_update(of=("self",)).get(pk=contact.pk)
    if ContactDecision.objects.filter(contact_id=contact.pk).exists():
        raise DomainError("This contact has been decided: checks are asked before the decision")
    if agency.pk == by.agency_id:
        raise ValidationError({"agency": "Choose another agency: check your own records yourself"})
    if not question.strip():
        raise ValidationError({"question": "Enter what you want the agency to tell you"})
    check = AgencyCheck.objects.create(contact=contact, agency=agency, question=question.strip(), requested_by=by)
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=contact.child,
        obj=check,
        detail={"what": "agency check", "contact": contact.pk, "agency": agency.pk},
    )
    return check


@transaction.atomic
def check_return(*, check: AgencyCheck, information: str, by: User) -> AgencyCheckReturn:
    """The asked agency answers a check, once. The answer is for the front door only."""
    check = AgencyCheck.objects.select_for_update(of=("self",)).select_related("contact__child").get(pk=check.pk)
    if by.agency_id is None or by.agency_id != check.agency_id:
        raise DomainError("Only the agency that was asked can answer this check")
    if AgencyCheckReturn.objects.filter(check_request_id=check.pk).exists():
        raise DomainError("This check has already been answered")
    if not information.strip():
        raise ValidationError({"information": "Enter what your agency knows, or say that it holds nothing"})
    returned = AgencyCheckReturn.objects.create(check_request=check, information=information.strip(), returned_by=by)
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=check.contact.child,
        obj=returned,
        detail={"what": "agency check returned", "check": check.pk},
    )
    return returned


# The decision ----------------------------------------------------------------------------


def _decision_validate(
    *, contact: Contact, decision: str, reason: str, immediate_protection: str, immediate_protection_on: date | None
) -> None:
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = "Select what happens next"
    if not reason.strip():
        errors["reason"] = "Enter the reasons for the decision"
    if decision == Decision.IMMEDIATE_PROTECTION:
        if immediate_protection not in ImmediateProtection.values:
            errors["immediate_protection"] = "Select police protection or an emergency protection order"
        received_on = calendar.local_date(contact.received_at)
        if immediate_protection_on is None:
            errors["immediate_protection_on"] = "Enter the date the child was protected"
        elif immediate_protection_on > calendar.today():
            errors["immediate_protection_on"] = "The date the child was protected must be today or in the past"
        elif immediate_protection_on < received_on:
            errors["immediate_protection_on"] = (
                f"The date the child was protected must be on or after the day the contact was received, "
                f"{_long_date(received_on)}"
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
@refreshes_clocks
def contact_decide(
    *,
    contact: Contact,
    decision: str,
    reason: str,
    by: User,
    immediate_protection: str = "",
    immediate_protection_on: date | None = None,
) -> ContactDecision:
    """The front door decides on a contact, once.

    A decision that accepts the contact for children's social care (assessment, strategy
    discussion, immediate protection) opens the CIN episode: a Referral dated the day the
    contact was received, and the child's "child in need" status from that day. A referral
    within 12 months of an earlier one is flagged as a re-referral. The referrer is told
    what was decided and what happens next, in a letter without the reasons.
    """
    if not permissions.may_decide_referrals(by):
        raise DomainError("Only the front door can decide on a contact")
    contact = Contact.objects.select_for_update(of=("self",)).select_related("child", "referrer").get(pk=contact.pk)
    if ContactDecision.objects.filter(contact_id=contact.pk).exists():
        raise DomainError("This contact has already been decided")
    _decision_validate(
        contact=contact,
        decision=decision,
        reason=reason,
        immediate_protection=immediate_protection,
        immediate_protection_on=immediate_protection_on,
    )
    child = contact.child
    received_on = calendar.local_date(contact.received_at)
    accepted = decision in REFERRAL_DECISIONS
    if accepted:
        still_open = selectors.open_referral(child.pk)
        if still_open is not None:
            # CIN census: a child's episodes never overlap. New worries about a child with an
            # open episode go to the social worker who holds it.
            raise DomainError(
                f"The child already has an open referral, from {_long_date(still_open.referral_date)}. "
                "Pass this contact to the allocated social worker, or close that referral first."
            )
    previous = selectors.previous_referral(child.pk, received_on, exclude_contact_id=contact.pk)
    is_protection = decision == Decision.IMMEDIATE_PROTECTION
    row = ContactDecision.objects.create(
        contact=contact,
        decision=decision,
        reason=reason.strip(),
        immediate_protection=immediate_protection if is_protection else "",
        immediate_protection_on=immediate_protection_on if is_protection else None,
        re_referral=previous is not None,
        previous_referral=previous,
        decided_by=by,
    )
    if accepted:
        referral = Referral.objects.create(
            child=child, contact=contact, referral_date=received_on, source=contact.source, created_by=by
        )
        status_start(child=child, status=ChildStatus.CHILD_IN_NEED, started_on=received_on, by=by)
        audit_record(
            actor=by,
            action=Action.CREATE,
            child=child,
            obj=referral,
            detail={"referral_date": received_on, "source": referral.source, "re_referral": row.re_referral},
        )
    label = Decision(decision).label
    summary = f"Front door decision: {label}."
    if row.re_referral:
        summary += " Re-referral within 12 months."
    chronology_record(
        child=child,
        kind_key="contact_decision",
        source=row,
        agency=by.agency,
        author=by,
        occurred_at=row.decided_at,
        summary=summary,
        categories=contact.categories,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=row,
        detail={"contact": contact.pk, "decision": decision, "re_referral": row.re_referral},
    )
    letters.referral_feedback(contact=contact, decision=row, by=by)
    return row


# Closing the CIN episode -----------------------------------------------------------------


@transaction.atomic
@refreshes_clocks
def referral_close(*, referral: Referral, closed_on: date, reason: str, note: str, by: User) -> ReferralClosure:
    """Close the CIN episode with its CIN census reason for closure.

    Nothing may be left running under it: an assessment, a section 47 enquiry, a child
    protection plan or a child in need plan still open is named in the refusal. The child's
    "child in need" status ends on the closure date.
    """
    if not permissions.may_close_referral(by):
        raise DomainError("Only children's social care can close a referral")
    referral = Referral.objects.select_for_update(of=("self",)).select_related("child").get(pk=referral.pk)
    closure = ReferralClosure.objects.filter(referral_id=referral.pk).first()
    if closure is not None:
        raise DomainError(f"This referral was closed on {_long_date(closure.closed_on)}")
    open_steps = selectors.open_steps(referral)
    if open_steps:
        raise DomainError("This referral cannot be closed while these are open: " + "; ".join(open_steps) + ".")
    errors: dict[str, str] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Select the reason for closing"
    elif reason in (ClosureReason.RC8, ClosureReason.RC9) and not selectors.has_completed_assessment(referral):
        errors["reason"] = "This reason is for a case closed after an assessment: complete the assessment first"
    last_step = selectors.last_step_on(referral)
    if closed_on < referral.referral_date:
        errors["closed_on"] = (
            f"The date the referral closed must be on or after the referral date, {_long_date(referral.referral_date)}"
        )
    elif last_step is not None and closed_on < last_step:
        errors["closed_on"] = (
            f"The date the referral closed must be on or after its last step, on {_long_date(last_step)}"
        )
    elif closed_on > calendar.today():
        errors["closed_on"] = "The date the referral closed must be today or in the past"
    if errors:
        raise ValidationError(errors)
    child = referral.child
    closure = ReferralClosure.objects.create(
        referral=referral, closed_on=closed_on, reason=reason, note=note.strip(), closed_by=by
    )
    status_end(child=child, status=ChildStatus.CHILD_IN_NEED, ended_on=closed_on, by=by)
    chronology_record(
        child=child,
        kind_key="referral_closure",
        source=closure,
        agency=by.agency,
        author=by,
        occurred_at=min(_at_nine(closed_on), timezone.now()),
        summary=f"Referral of {_long_date(referral.referral_date)} closed: {ClosureReason(reason).label} ({reason}).",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=closure,
        detail={"referral": referral.pk, "reason": reason, "closed_on": closed_on},
    )
    return closure
