"""The record of every share (issue 5, item 4): services and selectors.

A practitioner who shares information about a child with another agency or person, through
this platform or outside it (a phone call, a meeting), or who decides not to, records what,
with whom, when, how, why and on what lawful basis, whether consent was sought and whether
the family was told. Golden rule 7 of the government's information-sharing advice: "keep a
record of your decision and the reasons for it, whether it is to share information or not".

Lawful basis: a UK GDPR Article 6 basis (public task for most safeguarding partners); for
special category data (health, ethnicity, sex life...) also a DPA 2018 Schedule 1
condition, for safeguarding paragraph 18. Consent is usually not the right basis, but
whether it was sought, and why not, is recorded (golden rule 4); so is whether the family
was told, and if not why telling them would put the child at risk (golden rule 2).

A record is written once; a correction is an amendment with a reason that keeps the old and
new values. A share "through this platform" with an agency on it is also a share of the
record's chronology entry with that agency (`concerns.sharing.entry_share`), which lets that
agency open the child's record if it could not before.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record, chronology_refresh
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare, LawfulBasis
from safeguarding.concerns.sharing import entry_share
from safeguarding.core.calendar import day_moment
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.people.models import Child
from safeguarding.sharing.models import (
    FamilyTold,
    InformationShare,
    InformationShareAmendment,
    ShareChannel,
    ShareConsent,
    ShareDecision,
)

KIND = "information_share"
SUMMARY_LENGTH = 300
RECENT_ON_RECORD = 5

# Recording a share needs a working relationship with the child. Emergency (break-glass)
# access is to read in an emergency, not to act as the child's practitioner.
RECORDING_BASES = (Basis.WHOLE_LA, Basis.CHILDS_TEAM, Basis.AGENCY)


class SpecialCategoryCondition(models.TextChoices):
    """DPA 2018 Schedule 1 Part 2 conditions a safeguarding partner may rely on to share
    special category data. Paragraph 18 is the safeguarding condition: most shares."""

    SAFEGUARDING = "sch1_para18", "Safeguarding of children and of individuals at risk (Schedule 1 paragraph 18)"
    STATUTORY = "sch1_para6", "Statutory and government purposes (Schedule 1 paragraph 6)"
    UNLAWFUL_ACTS = "sch1_para10", "Preventing or detecting unlawful acts (Schedule 1 paragraph 10)"


# The seven golden rules of information sharing (DOMAIN.md; gov.uk information-sharing
# advice), shown beside the form as its guidance.
GOLDEN_RULES = (
    (
        "Data protection is not a barrier",
        "UK GDPR and the Data Protection Act 2018 do not stop you sharing information to keep a child safe: "
        "they give you a framework for doing it properly.",
    ),
    (
        "Be open and honest",
        "Tell the family from the outset why, what, how and with whom information will or could be shared, "
        "unless it is unsafe or inappropriate to do so.",
    ),
    (
        "Seek advice",
        "If you are in any doubt, ask your designated safeguarding lead, a manager or your information "
        "governance lead, without naming the child if you can.",
    ),
    (
        "Share with consent where appropriate",
        "Respect the wishes of those who do not consent, but you may share without consent where there is good "
        "reason, such as a risk to a child's safety.",
    ),
    (
        "Consider safety and wellbeing",
        "Base your decision on the safety and wellbeing of the child and of others who may be affected.",
    ),
    (
        "Necessary, proportionate, relevant, adequate, accurate, timely and secure",
        "Share only what the other agency needs, with the right person, on time, and securely.",
    ),
    (
        "Keep a record",
        "Record your decision and the reasons for it, whether you share information or decide not to.",
    ),
)


@dataclass(frozen=True)
class ShareInput:
    """A share, or a decision not to share, as the services take it."""

    decision: str
    decided_on: date
    what: str
    why: str
    with_agency: Agency | None = None
    with_person: str = ""
    channel: str = ""
    lawful_basis: str = ""
    special_category: bool = False
    special_category_condition: str = ""
    consent: str = ""
    consent_reason: str = ""
    family_told: str = ""
    family_not_told_reason: str = ""

    @property
    def shared(self) -> bool:
        return self.decision == ShareDecision.SHARED

    @classmethod
    def of(cls, share: InformationShare) -> "ShareInput":
        return cls(**{f.name: getattr(share, f.name) for f in fields(cls)})


# Every answer of a record, in the order the form asks them (and the amendment shows them).
ANSWERS = tuple(f.name for f in fields(ShareInput))


def _clean(data: ShareInput) -> ShareInput:
    """What is stored: text stripped, and no answer that does not apply (a reason for not
    seeking consent when consent was given; any lawful basis for a decision not to share),
    so that the record never says two things at once."""
    strip = {f.name: getattr(data, f.name).strip() for f in fields(data) if isinstance(getattr(data, f.name), str)}
    data = replace(data, **strip)
    if not data.shared:
        return replace(
            data,
            channel="",
            lawful_basis="",
            special_category=False,
            special_category_condition="",
            consent="",
            consent_reason="",
            family_told="",
            family_not_told_reason="",
        )
    return replace(
        data,
        special_category_condition=data.special_category_condition if data.special_category else "",
        consent_reason=data.consent_reason if data.consent in (ShareConsent.NOT_SOUGHT, ShareConsent.REFUSED) else "",
        family_not_told_reason=data.family_not_told_reason if data.family_told == FamilyTold.NOT_TOLD else "",
    )


def information_share_validate(data: ShareInput, *, agency_id: int | None, today: date | None = None) -> None:
    """The rules a record of sharing must meet, as one ValidationError keyed by the model's
    field names. Public so that the form reports every problem at once; the services call
    it again."""
    data = _clean(data)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if data.decision not in ShareDecision.values:
        raise ValidationError({"decision": "Select whether you shared information or decided not to share"})
    shared = data.shared

    if data.with_agency is None and not data.with_person:
        errors["with_agency"] = (
            "Select the agency you shared with, or enter the name and role of the person"
            if shared
            else "Select the agency, or enter the name and role of the person, you decided not to share with"
        )
    elif data.with_agency is not None and data.with_agency.pk == agency_id:
        errors["with_agency"] = f"Select another agency: {data.with_agency.name} is your own agency"
    if len(data.with_person) > 200:
        errors["with_person"] = "Name and role must be 200 characters or fewer"
    if data.decided_on > today:
        errors["decided_on"] = (
            "The date you shared it must be today or in the past"
            if shared
            else "The date you decided must be today or in the past"
        )
    if not data.what:
        errors["what"] = "Enter what you shared" if shared else "Enter what was asked for or considered for sharing"
    if not data.why:
        errors["why"] = "Enter why you shared it" if shared else "Enter why you decided not to share"
    if not shared:
        if errors:
            raise ValidationError(errors)
        return

    if data.channel not in ShareChannel.values:
        errors["channel"] = "Select how you shared the information"
    elif data.channel == ShareChannel.PLATFORM and data.with_agency is None:
        errors["channel"] = "To share through this platform, select an agency on the platform"
    if data.lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Select the lawful basis for sharing"
    elif data.lawful_basis == LawfulBasis.CONSENT and data.consent != ShareConsent.GIVEN:
        errors["lawful_basis"] = "Consent can be the lawful basis only if consent was sought and given"
    if data.special_category and data.special_category_condition not in SpecialCategoryCondition.values:
        errors["special_category_condition"] = (
            "Select the Schedule 1 condition for sharing special category information"
        )
    if data.consent not in ShareConsent.values:
        errors["consent"] = "Select whether you sought consent"
    elif data.consent == ShareConsent.NOT_SOUGHT and not data.consent_reason:
        errors["consent_reason"] = "Enter why you did not seek consent"
    elif data.consent == ShareConsent.REFUSED and not data.consent_reason:
        errors["consent_reason"] = "Enter why you shared without consent, such as the risk of significant harm"
    if data.family_told not in FamilyTold.values:
        errors["family_told"] = "Select whether the family has been told"
    elif data.family_told == FamilyTold.NOT_TOLD and not data.family_not_told_reason:
        errors["family_not_told_reason"] = "Enter why telling the family would put the child at risk"
    if errors:
        raise ValidationError(errors)


# --- Words ----------------------------------------------------------------------------------


def recipient_label(share: InformationShare | ShareInput) -> str:
    """ "Castle Street Surgery", "Dr Amir Patel, GP partner", or both."""
    agency = share.with_agency.name if share.with_agency is not None else ""
    if agency and share.with_person:
        return f"{share.with_person} ({agency})"
    return agency or share.with_person


def share_summary(share: InformationShare) -> str:
    """The chronology's line: "Shared with X: what" or "Decided not to share with X: what"."""
    lead = (
        f"Shared with {recipient_label(share)}"
        if share.decision == ShareDecision.SHARED
        else f"Decided not to share with {recipient_label(share)}"
    )
    text = f"{lead}: {share.what}"
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 3] + "..."


def _occurred_at(decided_on: date) -> datetime:
    """A share recorded as it happens sits at the moment of recording; one recorded later
    sits at midday of its day (the form asks the day, not the time)."""
    now = timezone.now()
    return now if decided_on >= timezone.localdate(now) else day_moment(decided_on, hour=12)


# --- Access ---------------------------------------------------------------------------------


def recording_refusal(basis: Basis) -> str:
    """Why a practitioner who can open the record may not record sharing in it ("" if they may)."""
    if basis in RECORDING_BASES:
        return ""
    if basis is Basis.BREAK_GLASS:
        return (
            "Emergency access lets you read this child's record, not record information sharing in it. "
            "Tell the front door what you shared, or decided not to share, and why."
        )
    return "You do not have a working relationship with this child."


def _require_relationship(*, by: User, child: Child) -> Basis:
    if by.agency_id is None:
        raise NoRelationship(child.pk)
    basis = basis_for(by, child.pk)
    if basis is Basis.NONE:
        raise NoRelationship(child.pk)
    why = recording_refusal(basis)
    if why:
        raise DomainError(why)
    return basis


def _entry(share: InformationShare) -> ChronologyEntry:
    return ChronologyEntry.objects.get(source_type=share._meta.label_lower, source_id=share.pk)


def _share_on_platform(*, share: InformationShare, by: User) -> str:
    """A share through the platform: the record's chronology entry goes to the receiving
    agency, exactly as a shared chronology entry does (involvement included). Returns what
    was done, for the audit."""
    if share.decision != ShareDecision.SHARED or share.channel != ShareChannel.PLATFORM or share.with_agency is None:
        return ""
    entry = _entry(share)
    if ChronologyShare.objects.filter(entry=entry, agency=share.with_agency).exists():
        return "entry already shared"
    entry_share(entry=entry, agency=share.with_agency, reason=share.why, by=by, lawful_basis=share.lawful_basis)
    return "entry shared"


def _audit_detail(share: InformationShare) -> dict[str, Any]:
    return {
        "decision": share.decision,
        "with_agency": share.with_agency_id,
        "with": recipient_label(share),
        "channel": share.channel,
        "decided_on": share.decided_on,
        "lawful_basis": share.lawful_basis,
        "special_category": share.special_category,
        "special_category_condition": share.special_category_condition,
        "consent": share.consent,
        "family_told": share.family_told,
    }


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def information_share_record(*, child: Child, data: ShareInput, by: User) -> InformationShare:
    """Record a share, or a decision not to share, with its chronology entry and audit.

    Raises NoRelationship without a working relationship with the child, DomainError for
    emergency access, ValidationError keyed by field for the rules.
    """
    basis = _require_relationship(by=by, child=child)
    information_share_validate(data, agency_id=by.agency_id)
    data = _clean(data)
    agency = by.agency
    assert isinstance(agency, Agency)
    share = InformationShare.objects.create(child=child, decided_by=by, agency=agency, **vars(data))
    chronology_record(
        child=child,
        kind_key=KIND,
        source=share,
        agency=agency,
        author=by,
        occurred_at=_occurred_at(share.decided_on),
        recorded_at=share.recorded_at,
        summary=share_summary(share),
    )
    platform = _share_on_platform(share=share, by=by)
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=share,
        reason=share.why,
        detail={**_audit_detail(share), "basis": basis.value, **({"platform": platform} if platform else {})},
    )
    return share


def _jsonable(name: str, value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if name == "with_agency":
        return value.pk if value is not None else None
    return value


@transaction.atomic
def information_share_amend(
    *, share: InformationShare, data: ShareInput, reason: str, by: User
) -> InformationShareAmendment:
    """Correct a record of sharing. The record holds the current version; each amendment
    row holds what changed (old and new) and why. Only the agency that recorded it may, and
    the decision itself (shared or not) is not amended: a later decision is a new record.
    """
    share = (
        InformationShare.objects.select_for_update(of=("self",)).select_related("child", "with_agency").get(pk=share.pk)
    )
    _require_relationship(by=by, child=share.child)
    if by.agency_id != share.agency_id:
        raise DomainError("Only the agency that recorded this can amend it")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the amendment"})
    if data.decision != share.decision:
        raise ValueError("The decision is not amended: record a new decision instead")
    information_share_validate(data, agency_id=by.agency_id, today=timezone.localdate())
    data = _clean(data)
    current = ShareInput.of(share)
    changed = [name for name in ANSWERS if getattr(data, name) != getattr(current, name)]
    if not changed:
        raise ValidationError("Nothing has changed: change at least one answer, or cancel")
    diff: dict[str, dict[str, Any]] = {}
    for name in changed:
        diff[name] = {"old": _jsonable(name, getattr(current, name)), "new": _jsonable(name, getattr(data, name))}
        if name == "with_agency":
            # Names as they were, so the history reads true if an agency is renamed.
            diff[name]["old_name"] = current.with_agency.name if current.with_agency else ""
            diff[name]["new_name"] = data.with_agency.name if data.with_agency else ""
    amendment = InformationShareAmendment.objects.create(share=share, amended_by=by, reason=reason, changes=diff)
    for name in changed:
        setattr(share, name, getattr(data, name))
    share.save(update_fields=[f"{name}_id" if name == "with_agency" else name for name in changed])
    # The entry keeps its moment unless the date itself was corrected.
    occurred_at = _occurred_at(share.decided_on) if "decided_on" in changed else _entry(share).occurred_at
    chronology_refresh(source=share, summary=share_summary(share), categories=(), occurred_at=occurred_at)
    platform = _share_on_platform(share=share, by=by)
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=share.child,
        obj=share,
        reason=reason,
        detail={"changes": diff, **({"platform": platform} if platform else {})},
    )
    return amendment


# --- Selectors ------------------------------------------------------------------------------


def shares_visible_to(user: User, child: Child, basis: Basis) -> QuerySet[InformationShare]:
    """The child's records of sharing `user` may read, given their basis.

    Those who see the whole chronology (the front door and social care, the child's team,
    emergency access) see every record; another agency sees the records its own
    practitioners made, and the shares made with it (not decisions not to share with it:
    the reasons are the deciding agency's), and any record whose chronology entry was shared
    with it (as `entries_visible_to` lets it see the entry, so it may open what it points to).
    """
    qs = InformationShare.objects.filter(child=child)
    if basis.sees_whole_chronology:
        return qs
    if basis is Basis.NONE or user.agency_id is None:
        return qs.none()
    entry_shared = ChronologyShare.objects.filter(
        agency_id=user.agency_id, entry__source_type=InformationShare._meta.label_lower, entry__source_id=OuterRef("pk")
    )
    return qs.filter(
        Q(agency_id=user.agency_id)
        | Q(with_agency_id=user.agency_id, decision=ShareDecision.SHARED)
        | Exists(entry_shared)
    )


def child_shares(user: User, child: Child, basis: Basis) -> QuerySet[InformationShare]:
    """For lists: newest first, with who and whether amended in the same query."""
    return (
        shares_visible_to(user, child, basis)
        .select_related("agency", "with_agency", "decided_by")
        .annotate(is_amended=Exists(InformationShareAmendment.objects.filter(share_id=OuterRef("pk"))))
        .order_by("-decided_on", "-id")
    )


@dataclass(frozen=True)
class ShareRow:
    """One record in a list, with the words a list shows."""

    share: InformationShare
    recipient: str
    shared: bool
    heading: str  # "Shared with Castle Street Surgery", "Decided not to share with Police"


def share_rows(shares: Iterable[InformationShare]) -> list[ShareRow]:
    rows = []
    for share in shares:
        recipient = recipient_label(share)
        shared = share.decision == ShareDecision.SHARED
        heading = f"Shared with {recipient}" if shared else f"Decided not to share with {recipient}"
        rows.append(ShareRow(share=share, recipient=recipient, shared=shared, heading=heading))
    return rows


def recent_child_shares(user: User, child: Child, basis: Basis, *, limit: int = RECENT_ON_RECORD) -> list[ShareRow]:
    """The latest few, for the child's record page (one query)."""
    return share_rows(child_shares(user, child, basis)[:limit])


def may_record_share(user: User, basis: Basis) -> bool:
    return user.agency_id is not None and basis in RECORDING_BASES


def may_amend_share(user: User, share: InformationShare, basis: Basis) -> bool:
    return may_record_share(user, basis) and user.agency_id == share.agency_id
