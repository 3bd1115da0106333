"""The episode itself: it starts with the family's consent, and ends when consent is
withdrawn, when it is closed, or when it is stepped up to children's social care.

Early help is voluntary (Working Together 2023, chapter 2): no consent, no episode; the
withdrawal of consent ends it. Stepping down from social care and stepping up to it each
link the two records, so that each side sees the other's history.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure, team_member_add, team_member_end
from safeguarding.core.calendar import long_date
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp.models import (
    ClosureReason,
    ConsentKind,
    EarlyHelpClosure,
    EarlyHelpConsent,
    EarlyHelpEpisode,
    TeamAroundFamilyMember,
)
from safeguarding.earlyhelp.services._common import (
    audit_create,
    chronicle,
    locked_open,
    not_future,
    required_text,
    today,
)
from safeguarding.frontdoor.models import Contact, ContactDecision, Decision, Referral
from safeguarding.frontdoor.services import ContactInput, contact_record
from safeguarding.pathway.projection import refreshes_clocks
from safeguarding.people.models import Child, ChildStatus
from safeguarding.people.services import status_end, status_start
from safeguarding.sharing.models import LetterKind
from safeguarding.sharing.services import letter_create

LEAD_CAPACITY = "early help lead practitioner"
TAF_CAPACITY = "team around the family"
# Closed through their own steps, which record what the reason needs: the withdrawal of
# consent (consent_record) and the contact to the front door (step_up).
CLOSE_REASONS = (ClosureReason.NEEDS_MET, ClosureReason.MOVED_AWAY, ClosureReason.OTHER)


def _origin(from_contact: Contact | None, from_referral: Referral | None) -> str:
    if from_contact is not None:
        received = long_date(timezone.localdate(from_contact.received_at))
        return f", stepped down from the front door (contact received {received})"
    if from_referral is not None:
        return f", stepped down from children's social care (referral of {long_date(from_referral.referral_date)})"
    return ""


def _step_down_checks(child: Child, from_contact: Contact | None, from_referral: Referral | None) -> None:
    if from_contact is not None and from_referral is not None:
        raise DomainError("An episode steps down from one contact or one referral, not both")
    if from_contact is not None:
        if from_contact.child_id != child.pk:
            raise DomainError("That contact is about another child")
        decision = ContactDecision.objects.filter(contact=from_contact).first()
        if decision is None or decision.decision != Decision.EARLY_HELP:
            raise DomainError("Only a contact the front door decided on as early help can be stepped down")
        if EarlyHelpEpisode.objects.filter(from_contact=from_contact).exists():
            raise DomainError("Early help has already been started from this contact")
    if from_referral is not None and from_referral.child_id != child.pk:
        raise DomainError("That referral is about another child")


@transaction.atomic
@refreshes_clocks
def episode_start(
    *,
    child: Child,
    started_on: date | None,
    lead_practitioner: User | None,
    lead_chosen_with_family: bool,
    lead_choice_note: str,
    consent_given_by: str,
    consent_relationship: str,
    consent_on: date | None,
    by: User,
    from_contact: Contact | None = None,
    from_referral: Referral | None = None,
) -> EarlyHelpEpisode:
    """Start early help with the family's consent, around a lead practitioner of any agency."""
    errors: dict[str, str] = {}
    not_future(errors, "started_on", started_on, "early help started")
    # Early help is voluntary: an episode cannot start without the family's consent.
    given_by = required_text(
        errors, "consent_given_by", consent_given_by, "Enter who gave consent: early help cannot start without it"
    )
    relationship = required_text(
        errors, "consent_relationship", consent_relationship, "Enter their relationship to the child"
    )
    not_future(errors, "consent_on", consent_on, "consent was given")
    if "consent_on" not in errors and "started_on" not in errors:
        assert consent_on is not None and started_on is not None
        if consent_on > started_on:
            errors["consent_on"] = "Consent must be given on or before the day early help starts"
    if lead_practitioner is None or lead_practitioner.agency_id is None or not lead_practitioner.is_active:
        errors["lead_practitioner"] = "Select a lead practitioner who belongs to an agency"
    note = (lead_choice_note or "").strip()
    if not lead_chosen_with_family and not note:
        errors["lead_choice_note"] = "Enter why the lead practitioner was not chosen with the family"
    if errors:
        raise ValidationError(errors)
    assert started_on is not None and consent_on is not None and lead_practitioner is not None

    # The child's row, locked: two people starting early help at once cannot both succeed.
    child = Child.objects.select_for_update().get(pk=child.pk)
    if EarlyHelpEpisode.objects.filter(child=child, closure__isnull=True).exists():
        raise DomainError(f"{child.display_name} already has an open early help episode")
    _step_down_checks(child, from_contact, from_referral)

    episode = EarlyHelpEpisode.objects.create(
        child=child,
        started_on=started_on,
        lead_practitioner=lead_practitioner,
        lead_chosen_with_family=lead_chosen_with_family,
        lead_choice_note=note,
        from_contact=from_contact,
        from_referral=from_referral,
        created_by=by,
    )
    consent = EarlyHelpConsent.objects.create(
        episode=episode,
        kind=ConsentKind.GIVEN,
        given_by=given_by,
        relationship_to_child=relationship,
        on=consent_on,
        recorded_by=by,
    )
    status_start(child=child, status=ChildStatus.EARLY_HELP, started_on=started_on, by=by)
    lead_agency = lead_practitioner.agency
    assert isinstance(lead_agency, Agency)
    membership = team_member_add(child=child, practitioner=lead_practitioner, capacity=LEAD_CAPACITY, by=by)
    TeamAroundFamilyMember.objects.create(
        episode=episode,
        practitioner=lead_practitioner,
        name=lead_practitioner.display_name,
        agency=lead_agency,
        role="Lead practitioner",
        team_membership=membership,
        added_on=started_on,
    )
    involvement_ensure(child=child, agency=lead_agency, basis=InvolvementBasis.CASELOAD, started_on=started_on)
    if by.agency is not None and by.agency_id != lead_agency.pk:
        # As for any record about a child: the agency that recorded it is involved.
        involvement_ensure(child=child, agency=by.agency, basis=InvolvementBasis.RECORDED)
    chosen = "chosen with the family" if lead_chosen_with_family else "not chosen with the family"
    chronicle(
        episode=episode,
        kind_key="early_help_started",
        by=by,
        on=started_on,
        summary=(
            f"Early help started{_origin(from_contact, from_referral)}. Lead practitioner: "
            f"{lead_practitioner.display_name} ({lead_agency.name}), {chosen}. "
            f"Consent given by {given_by} ({relationship}) on {long_date(consent_on)}."
        ),
    )
    audit_create(
        by=by,
        episode=episode,
        obj=episode,
        lead_practitioner=lead_practitioner.pk,
        from_contact=from_contact.pk if from_contact else None,
        from_referral=from_referral.pk if from_referral else None,
        consent=consent.pk,
    )
    _family_letter(episode=episode, recipient=given_by, event="started", by=by)
    return episode


def _family_letter(*, episode: EarlyHelpEpisode, recipient: str, event: str, by: User, reason: str = "") -> None:
    """The family is told in writing that early help started, or ended and why."""
    lead = episode.lead_practitioner
    letter_create(
        child=episode.child,
        kind=LetterKind.EARLY_HELP_NOTICE,
        source=episode,
        recipient_name=recipient,
        subject=f"Early help for {episode.child.display_name}" + (" has ended" if event == "ended" else ""),
        template="sharing/letters/early_help_notice.txt",
        context={"episode": episode, "event": event, "lead": lead, "lead_agency": lead.agency, "reason": reason},
        by=by,
    )


def close_locked(
    *,
    episode: EarlyHelpEpisode,
    closed_on: date,
    reason: ClosureReason,
    note: str,
    by: User,
    stepped_up_to: Contact | None = None,
) -> EarlyHelpClosure:
    """End a locked, open episode: the closure row, the end of the early help status, the end
    of the team's access through it, the chronology, the audit and (unless stepped up) the
    family's letter."""
    closure = EarlyHelpClosure.objects.create(
        episode=episode, closed_on=closed_on, reason=reason, note=note, stepped_up_to=stepped_up_to, closed_by=by
    )
    status_end(child=episode.child, status=ChildStatus.EARLY_HELP, ended_on=closed_on, by=by)
    now = timezone.now()
    for member in episode.team.filter(team_membership__ended_at__isnull=True).select_related("team_membership"):
        assert member.team_membership is not None
        team_member_end(membership=member.team_membership, ended_at=now, by=by)
    if stepped_up_to is not None:
        chronicle(
            episode=episode,
            kind_key="early_help_stepped_up",
            by=by,
            on=closed_on,
            summary=f"Early help ended: stepped up to children's social care. Concern: {_trim(stepped_up_to.concern)}",
        )
    else:
        summary = f"Early help ended: {reason.label.lower()}." + (f" {_trim(note)}" if note else "")
        chronicle(episode=episode, kind_key="early_help_closed", by=by, on=closed_on, summary=summary)
    audit_create(by=by, episode=episode, obj=closure, reason=reason.value)
    if stepped_up_to is None:
        consent = episode.consents.filter(kind=ConsentKind.GIVEN).order_by("-on", "-id").first()
        if consent is not None:
            _family_letter(episode=episode, recipient=consent.given_by, event="ended", reason=reason.label, by=by)
    return closure


def _trim(text: str, length: int = 260) -> str:
    text = text.strip()
    return text if len(text) <= length else text[: length - 3] + "..."


@transaction.atomic
@refreshes_clocks
def consent_record(
    *,
    episode: EarlyHelpEpisode,
    kind: str,
    given_by: str,
    relationship_to_child: str,
    on: date | None,
    note: str,
    by: User,
) -> EarlyHelpConsent:
    """Consent given again (another parent, renewed) or withdrawn. Its withdrawal ends the episode."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    if kind not in ConsentKind.values:
        errors["kind"] = "Select whether consent was given or withdrawn"
    who = required_text(errors, "given_by", given_by, "Enter who gave or withdrew consent")
    relationship = required_text(
        errors, "relationship_to_child", relationship_to_child, "Enter their relationship to the child"
    )
    not_future(errors, "on", on, "consent was given or withdrawn")
    if "on" not in errors:
        assert on is not None
        if on < episode.started_on:
            errors["on"] = f"The date must be on or after early help started ({long_date(episode.started_on)})"
    if errors:
        raise ValidationError(errors)
    assert on is not None
    consent = EarlyHelpConsent.objects.create(
        episode=episode,
        kind=kind,
        given_by=who,
        relationship_to_child=relationship,
        on=on,
        note=(note or "").strip(),
        recorded_by=by,
    )
    verb = "given" if kind == ConsentKind.GIVEN else "withdrawn"
    chronicle(
        episode=episode,
        kind_key="early_help_consent",
        by=by,
        on=on,
        summary=f"Consent to early help {verb} by {who} ({relationship}).",
    )
    audit_create(by=by, episode=episode, obj=consent, kind=kind)
    if kind == ConsentKind.WITHDRAWN:
        # Early help is voluntary: without the family's consent it ends, the same day.
        close_locked(episode=episode, closed_on=on, reason=ClosureReason.CONSENT_WITHDRAWN, note=consent.note, by=by)
    return consent


@transaction.atomic
@refreshes_clocks
def episode_close(
    *, episode: EarlyHelpEpisode, closed_on: date | None, reason: str, note: str, by: User
) -> EarlyHelpClosure:
    """Close the episode (needs met, moved away, other). Consent withdrawn and step up have their own steps."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    not_future(errors, "closed_on", closed_on, "early help ended")
    if "closed_on" not in errors:
        assert closed_on is not None
        if closed_on < episode.started_on:
            errors["closed_on"] = f"The date must be on or after early help started ({long_date(episode.started_on)})"
    if reason == ClosureReason.CONSENT_WITHDRAWN:
        errors["reason"] = "Record the withdrawal of consent instead: it ends the episode"
    elif reason == ClosureReason.STEPPED_UP:
        errors["reason"] = "Use step up to children's social care instead: it makes a referral"
    elif reason not in CLOSE_REASONS:
        errors["reason"] = "Select why early help is ending"
    note = (note or "").strip()
    if reason == ClosureReason.OTHER and not note:
        errors["note"] = "Enter why early help is ending"
    if errors:
        raise ValidationError(errors)
    assert closed_on is not None
    return close_locked(episode=episode, closed_on=closed_on, reason=ClosureReason(reason), note=note, by=by)


@transaction.atomic
@refreshes_clocks
def step_up(
    *,
    episode: EarlyHelpEpisode,
    concern: str,
    action_taken: str,
    categories: list[str],
    immediate_danger: bool,
    family_aware: bool,
    consent: str,
    consent_reason: str,
    by: User,
) -> EarlyHelpClosure:
    """Step up to children's social care: a contact to the front door that links back to the
    episode (so the front door sees its history), and the episode ends as stepped up."""
    episode = locked_open(episode)
    contact = contact_record(
        child=episode.child,
        data=ContactInput(
            concern=concern,
            action_taken=action_taken,
            family_aware=family_aware,
            consent=consent,
            categories=list(categories),
            consent_reason=consent_reason,
            immediate_danger=immediate_danger,
            early_help_episode_id=episode.pk,
        ),
        by=by,
    )
    return close_locked(
        episode=episode,
        closed_on=today(),
        reason=ClosureReason.STEPPED_UP,
        note="",
        by=by,
        stepped_up_to=contact,
    )
