"""Starting early help, consent, step down, step up and closure: the rules in plain words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import ChildInvolvement, ChildTeamMembership, InvolvementBasis
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.audit.models import AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp.models import ClosureReason, ConsentKind, EarlyHelpClosure, EarlyHelpConsent
from safeguarding.earlyhelp.services import (
    LEAD_CAPACITY,
    consent_record,
    episode_close,
    plan_action_add,
    step_up,
)
from safeguarding.frontdoor.models import Contact
from safeguarding.people.models import ChildStatus, StatusPeriod
from safeguarding.sharing.models import Letter, LetterKind
from tests.factories import ChildFactory, ContactDecisionFactory, ContactFactory, ReferralFactory, UserFactory

from .conftest import start

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


# Starting ------------------------------------------------------------------------------------


def test_no_consent_no_episode(child, entitled):
    with pytest.raises(ValidationError) as exc:
        start(child, entitled, entitled, consent_given_by="  ")
    assert "consent_given_by" in exc.value.message_dict
    assert not child.early_help_episodes.exists()


def test_starting_writes_consent_status_team_involvement_chronology_audit_and_letter(child, entitled, gp):
    lead = UserFactory(username="hv", agency=gp)  # from any agency: here a GP practice
    episode = start(child, lead, entitled)

    consent = EarlyHelpConsent.objects.get(episode=episode)
    assert (consent.kind, consent.given_by, consent.relationship_to_child) == (
        ConsentKind.GIVEN,
        "Sarah Jones",
        "Mother",
    )
    period = StatusPeriod.objects.get(child=child, status=ChildStatus.EARLY_HELP)
    assert period.started_on == episode.started_on and period.ended_on is None
    membership = ChildTeamMembership.objects.get(child=child, practitioner=lead)
    assert membership.capacity == LEAD_CAPACITY and membership.ended_at is None
    assert basis_for(lead, child.pk) is Basis.CHILDS_TEAM
    assert ChildInvolvement.objects.filter(child=child, agency=gp, basis=InvolvementBasis.CASELOAD).exists()
    entry = ChronologyEntry.objects.get(child=child, kind="early_help_started")
    assert entry.source_id == episode.pk and "Sarah Jones (Mother)" in entry.summary
    assert "chosen with the family" in entry.summary
    assert AuditEvent.objects.filter(object_type="earlyhelp.earlyhelpepisode", object_id=str(episode.pk)).exists()
    letter = Letter.objects.get(child=child, kind=LetterKind.EARLY_HELP_NOTICE)
    assert letter.recipient_name == "Sarah Jones" and "withdraw your consent at any time" in letter.body


def test_consent_must_be_given_on_or_before_the_start(child, entitled):
    with pytest.raises(ValidationError) as exc:
        start(
            child,
            entitled,
            entitled,
            consent_on=today() - dt.timedelta(days=1),
            started_on=today() - dt.timedelta(days=2),
        )
    assert "consent_on" in exc.value.message_dict


def test_dates_cannot_be_in_the_future(child, entitled):
    with pytest.raises(ValidationError) as exc:
        start(child, entitled, entitled, started_on=today() + dt.timedelta(days=1))
    assert "started_on" in exc.value.message_dict


def test_lead_practitioner_must_belong_to_an_agency(child, entitled, outsider):
    with pytest.raises(ValidationError) as exc:
        start(child, outsider, entitled)
    assert "lead_practitioner" in exc.value.message_dict


def test_a_lead_not_chosen_with_the_family_needs_a_reason(child, entitled):
    with pytest.raises(ValidationError) as exc:
        start(child, entitled, entitled, lead_chosen_with_family=False, lead_choice_note="")
    assert "lead_choice_note" in exc.value.message_dict
    assert start(child, entitled, entitled, lead_chosen_with_family=False, lead_choice_note="Family did not mind")


def test_a_child_has_one_open_episode_at_a_time(child, entitled, episode):
    with pytest.raises(DomainError, match="already has an open early help episode"):
        start(child, entitled, entitled)
    episode_close(episode=episode, closed_on=today(), reason=ClosureReason.NEEDS_MET, note="", by=entitled)
    assert start(child, entitled, entitled).pk != episode.pk


# Step down -----------------------------------------------------------------------------------


def test_step_down_from_a_contact_the_front_door_decided_was_early_help(child, entitled, front_door):
    decision = ContactDecisionFactory(contact=ContactFactory(child=child), decision="early_help", decided_by=front_door)
    episode = start(child, entitled, front_door, from_contact=decision.contact)
    assert episode.from_contact == decision.contact
    summary = ChronologyEntry.objects.get(kind="early_help_started").summary
    assert "stepped down from the front door" in summary


def test_a_contact_decided_otherwise_cannot_be_stepped_down(child, entitled):
    contact = ContactDecisionFactory(contact=ContactFactory(child=child), decision="nfa").contact
    with pytest.raises(DomainError, match="decided on as early help"):
        start(child, entitled, entitled, from_contact=contact)
    undecided = ContactFactory(child=child)
    with pytest.raises(DomainError):
        start(child, entitled, entitled, from_contact=undecided)


def test_a_contact_is_picked_up_once(child, entitled):
    contact = ContactDecisionFactory(contact=ContactFactory(child=child), decision="early_help").contact
    first = start(child, entitled, entitled, from_contact=contact)
    episode_close(episode=first, closed_on=today(), reason=ClosureReason.NEEDS_MET, note="", by=entitled)
    with pytest.raises(DomainError, match="already been started from this contact"):
        start(child, entitled, entitled, from_contact=contact)


def test_another_childs_contact_or_referral_is_refused(child, entitled):
    other = ChildFactory(display_name="Ben Smith")
    contact = ContactDecisionFactory(contact=ContactFactory(child=other), decision="early_help").contact
    with pytest.raises(DomainError, match="another child"):
        start(child, entitled, entitled, from_contact=contact)
    with pytest.raises(DomainError, match="another child"):
        start(child, entitled, entitled, from_referral=ReferralFactory(contact=ContactFactory(child=other)))


def test_step_down_from_social_care_links_the_referral(child, entitled, front_door):
    referral = ReferralFactory(contact=ContactFactory(child=child))
    episode = start(child, entitled, front_door, from_referral=referral)
    assert episode.from_referral == referral
    assert "from children's social care" in ChronologyEntry.objects.get(kind="early_help_started").summary


# Consent -------------------------------------------------------------------------------------


def test_withdrawing_consent_ends_the_episode(child, entitled, episode):
    consent_record(
        episode=episode,
        kind=ConsentKind.WITHDRAWN,
        given_by="Sarah Jones",
        relationship_to_child="Mother",
        on=today(),
        note="Does not want further involvement",
        by=entitled,
    )
    closure = EarlyHelpClosure.objects.get(episode=episode)
    assert closure.reason == ClosureReason.CONSENT_WITHDRAWN and closure.closed_on == today()
    assert StatusPeriod.objects.get(child=child, status=ChildStatus.EARLY_HELP).ended_on == today()
    assert ChildTeamMembership.objects.get(child=child, practitioner=entitled).ended_at is not None
    assert ChronologyEntry.objects.filter(child=child, kind="early_help_closed").exists()


def test_consent_given_again_keeps_the_episode_open(entitled, episode):
    consent_record(
        episode=episode,
        kind=ConsentKind.GIVEN,
        given_by="Tom Jones",
        relationship_to_child="Father",
        on=today(),
        note="",
        by=entitled,
    )
    assert episode.consents.count() == 2
    assert not EarlyHelpClosure.objects.filter(episode=episode).exists()


def test_consent_cannot_predate_the_episode(entitled, episode):
    with pytest.raises(ValidationError) as exc:
        consent_record(
            episode=episode,
            kind=ConsentKind.WITHDRAWN,
            given_by="Sarah",
            relationship_to_child="Mother",
            on=episode.started_on - dt.timedelta(days=1),
            note="",
            by=entitled,
        )
    assert "on" in exc.value.message_dict


def test_a_closed_episode_refuses_further_steps(entitled, episode):
    episode_close(episode=episode, closed_on=today(), reason=ClosureReason.NEEDS_MET, note="", by=entitled)
    with pytest.raises(DomainError, match="has ended"):
        plan_action_add(episode=episode, action="Call", owner_name="Mum", owner=None, due_on=today(), by=entitled)
    with pytest.raises(DomainError, match="has ended"):
        consent_record(
            episode=episode,
            kind=ConsentKind.GIVEN,
            given_by="Sarah",
            relationship_to_child="Mother",
            on=today(),
            note="",
            by=entitled,
        )
    with pytest.raises(DomainError, match="has ended"):
        episode_close(episode=episode, closed_on=today(), reason=ClosureReason.NEEDS_MET, note="", by=entitled)


# Closure -------------------------------------------------------------------------------------


def test_closing_ends_the_status_and_the_teams_access_and_tells_the_family(child, entitled, episode):
    closure = episode_close(
        episode=episode, closed_on=today(), reason=ClosureReason.MOVED_AWAY, note="Moved to Leeds", by=entitled
    )
    assert closure.reason == ClosureReason.MOVED_AWAY
    assert StatusPeriod.objects.get(child=child, status=ChildStatus.EARLY_HELP).ended_on == today()
    assert not ChildTeamMembership.objects.filter(child=child, ended_at__isnull=True).exists()
    letters = Letter.objects.filter(child=child, kind=LetterKind.EARLY_HELP_NOTICE)
    assert letters.count() == 2 and "has ended" in letters.first().subject


@pytest.mark.parametrize("reason", [ClosureReason.CONSENT_WITHDRAWN, ClosureReason.STEPPED_UP])
def test_withdrawal_and_step_up_are_their_own_steps(entitled, episode, reason):
    with pytest.raises(ValidationError) as exc:
        episode_close(episode=episode, closed_on=today(), reason=reason, note="", by=entitled)
    assert "reason" in exc.value.message_dict


def test_other_needs_a_note_and_dates_are_in_order(entitled, episode):
    with pytest.raises(ValidationError) as exc:
        episode_close(
            episode=episode,
            closed_on=episode.started_on - dt.timedelta(days=1),
            reason=ClosureReason.OTHER,
            note="",
            by=entitled,
        )
    assert set(exc.value.message_dict) == {"closed_on", "note"}


# Step up -------------------------------------------------------------------------------------


def step_up_args(**overrides):
    args = {
        "concern": "Dad has moved back in; the child has a bruise on her cheek.",
        "action_taken": "Spoke to the child and to Mum.",
        "categories": ["physical_abuse"],
        "immediate_danger": False,
        "family_aware": True,
        "consent": "given",
        "consent_reason": "",
    }
    args.update(overrides)
    return args


def test_step_up_creates_a_contact_linked_back_to_the_episode(child, entitled, episode):
    closure = step_up(episode=episode, by=entitled, **step_up_args())
    contact = Contact.objects.get(child=child)
    assert contact.early_help_episode == episode
    assert contact.referrer == entitled and contact.source == "2A"  # a school's referral
    assert closure.reason == ClosureReason.STEPPED_UP and closure.stepped_up_to == contact
    assert ChronologyEntry.objects.filter(child=child, kind="contact", source_id=contact.pk).exists()
    assert ChronologyEntry.objects.filter(child=child, kind="early_help_stepped_up").exists()
    assert StatusPeriod.objects.get(child=child, status=ChildStatus.EARLY_HELP).ended_on == today()
    # The family is not written to about a referral: telling them is the front door's decision.
    assert Letter.objects.filter(child=child).count() == 1


def test_a_step_up_the_front_door_would_refuse_changes_nothing(child, entitled, episode):
    with pytest.raises(ValidationError) as exc:
        step_up(episode=episode, by=entitled, **step_up_args(concern="", consent="not_sought"))
    assert {"concern", "consent_reason"} <= set(exc.value.message_dict)
    assert not Contact.objects.exists()
    assert not EarlyHelpClosure.objects.filter(episode=episode).exists()
