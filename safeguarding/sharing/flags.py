"""Status flags: what NHS CP-IS does for unscheduled care, for every relevant agency and level.

Given a child's NHS number or UPN, a practitioner (or their agency's system) with a legitimate
need learns whether the child is currently on a child protection plan, looked after, a child
in need, in early help or has an unborn child protection plan, since when, who the lead
practitioner is and how to reach the local authority out of hours (issue 5, item 2).

Every lookup is a `FlagLookup` row and an audit event. The child's lead practitioner and
whole-local-authority roles see the last 25 as "who looked", as CP-IS shows; a lookup from
A&E or a GP practice tells the lead practitioner, at most once a day per agency, as CP-IS does.

The answer says what is recorded and nothing else: "no status" never reads as "not known to
children's services", and the flag discloses no category of abuse, no chronology, no names
other than the lead practitioner's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeguarding.access.models import AgencyKind, User
from safeguarding.assessments.models import Assessment, CINPlan
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core import calendar
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.people.identifiers import nhs_number_valid, normalise_nhs_number, normalise_upn, upn_valid
from safeguarding.people.models import Child, ChildStatus, StatusPeriod
from safeguarding.protection.models import ProtectionPlan, Section47Enquiry
from safeguarding.sharing.models import FlagLookup, LookupChannel, Notification

__all__ = [
    "FLAG_AGENCY_KINDS",
    "NOTIFYING_AGENCY_KINDS",
    "FlagLookupRefused",
    "FlagStatus",
    "LeadContact",
    "StatusFlag",
    "fhir_flag_bundle",
    "flag_lookup",
    "front_door_contact",
    "is_lead_practitioner",
    "may_look_up_flags",
    "may_see_who_looked",
    "notification_mark_read",
    "notifications_mark_all_read",
    "parse_identifier",
    "status_flag",
    "who_looked",
]

# Who may ask: unscheduled and universal health care, police, schools, early help and social
# care. Housing, probation, youth justice and the voluntary sector ask the front door.
FLAG_AGENCY_KINDS = frozenset(
    {
        AgencyKind.GP_PRACTICE,
        AgencyKind.HOSPITAL,
        AgencyKind.HEALTH_VISITING,
        AgencyKind.SCHOOL_NURSING,
        AgencyKind.MIDWIFERY,
        AgencyKind.POLICE,
        AgencyKind.SCHOOL,
        AgencyKind.LA_EARLY_HELP,
        AgencyKind.LA_SOCIAL_CARE,
    }
)
# Unscheduled care: a lookup tells the lead practitioner the child was seen (CP-IS).
NOTIFYING_AGENCY_KINDS = frozenset({AgencyKind.HOSPITAL, AgencyKind.GP_PRACTICE})

# The most serious first: the order statuses are listed in, on the page and in the API.
STATUS_ORDER = (
    ChildStatus.CHILD_PROTECTION_PLAN,
    ChildStatus.UNBORN_PLAN,
    ChildStatus.LOOKED_AFTER,
    ChildStatus.CHILD_IN_NEED,
    ChildStatus.EARLY_HELP,
)
NOTIFICATION_KIND = "flag_lookup"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# No national FHIR naming system exists for the DfE unique pupil number: the DfE's own page
# for it names the namespace.
UPN_SYSTEM = "https://www.gov.uk/government/publications/unique-pupil-numbers"
FLAG_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/flag-category"
_UUID_NAMESPACE = uuid.UUID("6f1c9a52-5d8e-4f0b-9d7a-2f3c1b7e4a10")


class FlagLookupRefused(DomainError):
    """The user's agency is not one that may check a child's status."""

    def __init__(self) -> None:
        super().__init__(
            "Your agency cannot check a child's status here. If you are worried about a child, "
            f"contact {settings.FRONT_DOOR_CONTACT}"
        )


@dataclass(frozen=True)
class FlagStatus:
    code: str  # people.models.ChildStatus value
    label: str  # "Child protection plan"
    since: dt.date
    # No category of abuse: as CP-IS, the flag says that there is a plan, not why.


@dataclass(frozen=True)
class LeadContact:
    name: str
    role: str
    agency: str
    phone: str
    email: str
    # No practitioner leads: this is the local authority's front door.
    is_front_door: bool = False


@dataclass(frozen=True)
class StatusFlag:
    child: Child
    statuses: tuple[FlagStatus, ...]  # current only; empty = no status
    lead: LeadContact | None
    out_of_hours: str  # settings.OUT_OF_HOURS_CONTACT

    @property
    def has_status(self) -> bool:
        return bool(self.statuses)

    def as_answer(self) -> dict[str, Any]:
        """The answer as it was given (kept on the FlagLookup, returned by the API)."""
        return {
            "statuses": [{"code": s.code, "label": s.label, "since": s.since.isoformat()} for s in self.statuses],
            "lead": _lead_dict(self.lead),
            "out_of_hours": self.out_of_hours,
        }


def _lead_dict(lead: LeadContact | None) -> dict[str, str] | None:
    if lead is None:
        return None
    return {"name": lead.name, "role": lead.role, "agency": lead.agency, "phone": lead.phone, "email": lead.email}


def _label_and_phone(text: str) -> tuple[str, str]:
    """ "Children's front door: 01632 960000" -> ("Children's front door", "01632 960000")."""
    label, sep, phone = text.rpartition(":")
    if not sep:
        return text.strip(), ""
    return label.strip(), phone.strip()


def front_door_contact() -> LeadContact:
    """Who to call when a child with a status has no named lead practitioner on the platform
    (a child looked after, a referral not yet allocated): the local authority's front door."""
    name, phone = _label_and_phone(settings.FRONT_DOOR_CONTACT)
    return LeadContact(
        name=name, role="Front door", agency=settings.LOCAL_AUTHORITY_NAME, phone=phone, email="", is_front_door=True
    )


# --- Who may look, who may see who looked ----------------------------------------------------


def may_look_up_flags(user: Any) -> bool:
    """An active practitioner of a health agency (GP, A&E, health visiting, school nursing,
    midwifery), the police, a school, early help or social care. Reads `user.agency` (cached
    on the user after the first call)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.agency_id is not None):
        return False
    return bool(user.agency.kind in FLAG_AGENCY_KINDS)


def _lead_id_expression(child_id: Any) -> Coalesce:
    """The child's lead practitioner now, as one SQL expression: the lead social worker of an
    open child protection plan, else of an open section 47 enquiry, else the lead practitioner
    of an open child in need plan, else of an assessment on an open referral, else of an open
    early help episode. The newest of each kind wins."""

    def newest(qs: QuerySet[Any], field: str) -> Subquery:
        return Subquery(qs.order_by("-started_on", "-pk").values(field)[:1])

    return Coalesce(
        newest(ProtectionPlan.objects.filter(child_id=child_id, end__isnull=True), "lead_social_worker_id"),
        newest(Section47Enquiry.objects.filter(child_id=child_id, completion__isnull=True), "lead_social_worker_id"),
        newest(CINPlan.objects.filter(child_id=child_id, end__isnull=True), "lead_practitioner_id"),
        newest(
            Assessment.objects.filter(
                Q(completion__isnull=True) | Q(referral__closure__isnull=True), child_id=child_id
            ),
            "lead_practitioner_id",
        ),
        newest(EarlyHelpEpisode.objects.filter(child_id=child_id, closure__isnull=True), "lead_practitioner_id"),
        output_field=BigIntegerField(),
    )


def _lead_user(child: Child) -> User | None:
    """The lead practitioner with their agency and role: one query. A lead whose account is
    closed (they left) is no one to call: the flag gives the front door instead."""
    return (
        User.objects.select_related("agency", "role").filter(pk=_lead_id_expression(child.pk), is_active=True).first()
    )


def is_lead_practitioner(user: Any, child: Child) -> bool:
    """Whether `user` leads the child's plan, assessment or early help now. One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    return User.objects.filter(pk=user.pk).filter(pk=_lead_id_expression(child.pk)).exists()


def may_see_who_looked(user: Any, child: Child) -> bool:
    """The lead practitioner and roles covering the whole local authority (the front door,
    social care) see who looked up the child's status. No query for a whole-LA role."""
    if not (getattr(user, "is_authenticated", False) and user.agency_id is not None):
        return False
    return bool(user.covers_whole_la) or is_lead_practitioner(user, child)


# --- The flag ------------------------------------------------------------------------------------


def _current_statuses(child: Child, on: dt.date) -> tuple[FlagStatus, ...]:
    # The same rule as the child's record page: a period ending today still holds today.
    periods = (
        StatusPeriod.objects.filter(child=child, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by("started_on", "pk")
        .values_list("status", "started_on")
    )
    earliest: dict[str, dt.date] = {}
    for status, started_on in periods:
        earliest.setdefault(status, started_on)
    order = {s.value: i for i, s in enumerate(STATUS_ORDER)}
    return tuple(
        FlagStatus(code=code, label=ChildStatus(code).label, since=since)
        for code, since in sorted(earliest.items(), key=lambda kv: (order.get(kv[0], 99), kv[1]))
    )


def _lead_contact(user: User) -> LeadContact:
    agency = user.agency
    role = user.job_title or (user.role.name if user.role else "")
    return LeadContact(
        name=user.display_name,
        role=role,
        agency=agency.name if agency else "",
        phone=user.phone or (agency.phone if agency else ""),
        email=user.email or (agency.secure_email if agency else ""),
    )


def _flag(child: Child, on: dt.date | None) -> tuple[StatusFlag, User | None]:
    statuses = _current_statuses(child, on or calendar.today())
    lead_user: User | None = None
    lead: LeadContact | None = None
    if statuses:
        lead_user = _lead_user(child)
        lead = _lead_contact(lead_user) if lead_user is not None else front_door_contact()
    return StatusFlag(child=child, statuses=statuses, lead=lead, out_of_hours=settings.OUT_OF_HOURS_CONTACT), lead_user


def status_flag(child: Child, *, on: dt.date | None = None) -> StatusFlag:
    """The child's current statuses (on `on`, default today in England), the lead practitioner
    (None when the child has no status; the front door when no practitioner leads) and the
    out-of-hours contact. Two queries with a status, one without. Reads only: not audited
    (`flag_lookup` is the audited lookup)."""
    return _flag(child, on)[0]


# --- The lookup ----------------------------------------------------------------------------------


def parse_identifier(value: str) -> tuple[str, str]:
    """("nhs_number" or "upn", the normalised identifier), or ValidationError naming the field."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError({"identifier": "Enter the child's NHS number or UPN"})
    digits = normalise_nhs_number(raw)
    if digits.isascii() and digits.isdigit():
        if len(digits) != 10:
            raise ValidationError({"identifier": "NHS number must be 10 numbers, like 943 476 5919"})
        if not nhs_number_valid(digits):
            raise ValidationError({"identifier": "Enter a valid NHS number: check each number, like 943 476 5919"})
        return "nhs_number", digits
    upn = normalise_upn(raw)
    if len(upn) == 13 and upn[0].isalpha():
        if not upn_valid(upn):
            raise ValidationError({"identifier": "Enter a valid UPN: check each character, like T801201001012"})
        return "upn", upn
    raise ValidationError(
        {
            "identifier": "Enter an NHS number (10 numbers, like 943 476 5919) "
            "or a UPN (13 characters, like T801201001012)"
        }
    )


def _find_child(kind: str, value: str) -> Child | None:
    child = Child.objects.filter(**{kind: value}).first()
    if child is None and kind == "upn":
        # A school may still hold the child's former UPN (a temporary UPN since replaced).
        child = Child.objects.filter(former_upn=value).order_by("pk").first()
    # A record merged into another (linkage.merge) is the survivor now.
    for _ in range(10):
        if child is None or child.merged_into_id is None:
            break
        child = Child.objects.filter(pk=child.merged_into_id).first()
    return child


def flag_lookup(*, identifier: str, by: User, channel: str, purpose: str = "") -> StatusFlag | None:
    """Look a child up by NHS number or UPN: the flag, or None when no child has it.

    Raises FlagLookupRefused (audited) when `by` may not look up flags, whatever the
    identifier; then ValidationError({"identifier": ...}) for an identifier that is not a valid
    NHS number or UPN (nothing is written). A merged record answers as its survivor. Writes the
    FlagLookup with the answer as given, the audit event, and, for a lookup from A&E or a GP
    practice, a notification to the lead practitioner (one per agency per child per day).

    Not one atomic block on purpose (as access.services.child_for): the refusal is audited in
    its own transaction before it is raised.
    """
    if channel not in LookupChannel.values:
        raise ValueError(f"Unknown lookup channel: {channel!r}")
    purpose = " ".join((purpose or "").split())[:500]
    if not may_look_up_flags(by):
        # Refused before the identifier is read: who may ask does not depend on what they ask,
        # and a refusal is recorded even when the number asked about is malformed.
        audit_record(
            actor=by,
            action=Action.DENIED,
            reason=purpose,
            detail={"what": "status flag", "channel": channel, "identifier": _as_asked(identifier)},
        )
        raise FlagLookupRefused
    kind, value = parse_identifier(identifier)
    return _record_lookup(kind=kind, value=value, by=by, channel=channel, purpose=purpose)


def _as_asked(identifier: str) -> str:
    """The identifier as normalised when it is one, else as typed (cut short), for the audit."""
    try:
        return parse_identifier(identifier)[1]
    except ValidationError:
        return " ".join((identifier or "").split())[:40]


@transaction.atomic
def _record_lookup(*, kind: str, value: str, by: User, channel: str, purpose: str) -> StatusFlag | None:
    child = _find_child(kind, value)
    if child is None:
        # Searching the index is itself a read of personal data: who asked for which number.
        audit_record(
            actor=by,
            action=Action.SEARCH,
            reason=purpose,
            detail={"what": "status flag", "channel": channel, "identifier": value, "found": False},
        )
        return None
    flag, lead_user = _flag(child, None)
    agency = by.agency
    assert agency is not None  # may_look_up_flags
    now = timezone.now()
    notify = (
        lead_user is not None
        and lead_user.pk != by.pk
        and agency.kind in NOTIFYING_AGENCY_KINDS
        and not _notified_today(child=child, agency_id=agency.pk, now=now)
    )
    lookup = FlagLookup.objects.create(
        child=child,
        looked_at=now,
        looked_by=by,
        agency=agency,
        channel=channel,
        identifier=value,
        # What the answer said, as it was then; the purpose with it, for "who looked".
        answer={**flag.as_answer(), "purpose": purpose},
        notified=lead_user if notify else None,
    )
    if notify:
        assert lead_user is not None
        when = calendar.long_date(calendar.local_date(now))
        text = f"{agency.name} looked up {child.display_name or child.la_child_id}'s status on {when}"
        Notification.objects.create(
            recipient=lead_user,
            child=child,
            kind=NOTIFICATION_KIND,
            text=f"{text}: {purpose}" if purpose else text,
            created_at=now,
            source_type=FlagLookup._meta.label_lower,
            source_id=lookup.pk,
        )
    audit_record(
        actor=by,
        action=Action.VIEW,
        child=child,
        obj=lookup,
        reason=purpose,
        detail={
            "what": "status flag",
            "channel": channel,
            "identifier_kind": kind,
            "statuses": [s.code for s in flag.statuses],
            "lead_notified": notify,
        },
    )
    return flag


def _notified_today(*, child: Child, agency_id: int, now: dt.datetime) -> bool:
    """Whether a lookup by this agency already told the lead practitioner about this child
    today (in England). The child's row is locked first so that two lookups at once cannot
    both notify (on SQLite the IMMEDIATE transaction already serialises them)."""
    list(Child.objects.select_for_update(of=("self",)).filter(pk=child.pk).values_list("pk"))
    today = calendar.local_date(now)
    start = dt.datetime.combine(today, dt.time.min, tzinfo=calendar.ENGLAND)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=calendar.ENGLAND)
    return FlagLookup.objects.filter(
        child=child, agency_id=agency_id, notified__isnull=False, looked_at__gte=start, looked_at__lt=end
    ).exists()


def who_looked(child: Child, *, limit: int = 25) -> list[FlagLookup]:
    """The last `limit` lookups of the child's status, newest first, with who and which agency.
    One query. The purpose given is in `answer["purpose"]`."""
    return list(
        FlagLookup.objects.filter(child=child)
        .select_related("looked_by", "agency")
        .order_by("-looked_at", "-id")[:limit]
    )


# --- FHIR ----------------------------------------------------------------------------------------


def _full_url(base_url: str, resource: str, key: str) -> tuple[str, str]:
    """A stable id for a resource in the bundle, and its fullUrl."""
    ident = str(uuid.uuid5(_UUID_NAMESPACE, key))
    return f"{base_url.rstrip('/')}/{resource}/{ident}" if base_url else f"urn:uuid:{ident}", ident


def fhir_flag_bundle(flag: StatusFlag, *, base_url: str = "") -> dict[str, Any]:
    """The flag as a FHIR R4 searchset Bundle (built and validated with fhir.resources' R4B
    models, FHIR 4.3, whose Bundle, Flag, PractitionerRole and Organization are the same as
    R4's). One Flag per status, about the Patient identified by NHS number (or by UPN where the
    child has none), with the status as code text, period.start and status "active". The lead
    practitioner is a PractitionerRole included in the bundle as each Flag's author; the local
    authority's out-of-hours contact is an included Organization. No status: total 0, no entries.
    """
    from fhir.resources.R4B.bundle import Bundle

    child = flag.child
    subject: dict[str, Any]
    if child.nhs_number:
        subject = {"type": "Patient", "identifier": {"system": NHS_NUMBER_SYSTEM, "value": child.nhs_number}}
    elif child.upn:
        subject = {"type": "Patient", "identifier": {"system": UPN_SYSTEM, "value": child.upn}}
    else:
        subject = {"type": "Patient", "display": "The child looked up"}
    entries: list[dict[str, Any]] = []
    included: list[dict[str, Any]] = []
    author: dict[str, str] | None = None
    if flag.statuses and flag.lead is not None:
        lead = flag.lead
        url, ident = _full_url(base_url, "PractitionerRole", f"lead:{child.la_child_id}:{lead.name}:{lead.agency}")
        telecom = [{"system": "phone", "value": lead.phone, "use": "work"}] if lead.phone else []
        if lead.email:
            telecom.append({"system": "email", "value": lead.email, "use": "work"})
        role: dict[str, Any] = {"resourceType": "PractitionerRole", "id": ident, "active": True}
        if lead.is_front_door:
            # No one leads: the role is the front door's, and no practitioner is named.
            role["code"] = [{"text": f"{lead.name} (no lead practitioner)"}]
        else:
            role["practitioner"] = {"display": lead.name}
            role["code"] = [{"text": f"Lead practitioner{f' ({lead.role})' if lead.role else ''}"}]
        if lead.agency:
            role["organization"] = {"display": lead.agency}
        if telecom:
            role["telecom"] = telecom
        included.append({"fullUrl": url, "resource": role, "search": {"mode": "include"}})
        author = {"reference": url, "display": lead.name}
    if flag.statuses:
        label, phone = _label_and_phone(flag.out_of_hours)
        url, ident = _full_url(base_url, "Organization", f"out-of-hours:{settings.LOCAL_AUTHORITY_NAME}")
        organisation: dict[str, Any] = {
            "resourceType": "Organization",
            "id": ident,
            "name": settings.LOCAL_AUTHORITY_NAME,
            "contact": [
                {
                    "purpose": {"text": "Out of hours"},
                    "name": {"text": label},
                    "telecom": [{"system": "phone", "value": phone or flag.out_of_hours}],
                }
            ],
        }
        included.append({"fullUrl": url, "resource": organisation, "search": {"mode": "include"}})
    for status in flag.statuses:
        url, ident = _full_url(base_url, "Flag", f"{child.la_child_id}:{status.code}:{status.since.isoformat()}")
        resource: dict[str, Any] = {
            "resourceType": "Flag",
            "id": ident,
            "status": "active",
            "category": [{"coding": [{"system": FLAG_CATEGORY_SYSTEM, "code": "safety", "display": "Safety"}]}],
            "code": {"text": status.label},
            "subject": subject,
            "period": {"start": status.since.isoformat()},
        }
        if author is not None:
            resource["author"] = author
        entries.append({"fullUrl": url, "resource": resource, "search": {"mode": "match"}})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "total": len(entries),
    }
    if entries:
        bundle["entry"] = entries + included
    validated = Bundle.model_validate(bundle)
    result: dict[str, Any] = validated.model_dump(mode="json", exclude_none=True)
    return result


# --- Notifications -----------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification_id: int, by: User) -> Notification:
    """Mark one of `by`'s notifications as read (another's is not found: Notification.DoesNotExist)."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("child")
        .filter(recipient_id=by.pk)
        .get(pk=notification_id)
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(
            actor=by,
            action=Action.AMEND,
            child=notification.child,
            obj=notification,
            detail={"what": "notification read", "kind": notification.kind},
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of `by` as read; how many were."""
    unread = Notification.objects.select_for_update(of=("self",)).filter(recipient_id=by.pk, read_at__isnull=True)
    ids = list(unread.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    audit_record(actor=by, action=Action.AMEND, detail={"what": "notifications read", "notifications": ids})
    return len(ids)
