"""The work of an episode: assessment, team around the family, family plan, reviews and the
review clock, family group conferences."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import ChildTeamMembership
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp import selectors
from safeguarding.earlyhelp.models import ClosureReason, EarlyHelpClosure, ReviewOutcome
from safeguarding.earlyhelp.services import (
    TAF_CAPACITY,
    early_help_assessment_record,
    early_help_review_record,
    family_group_conference_record,
    plan_action_add,
    plan_action_done,
    taf_member_add,
)

from .conftest import start

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def test_the_assessment_records_needs_from_the_list(entitled, episode):
    assessment = early_help_assessment_record(
        episode=episode,
        completed_on=today(),
        needs=["young_carer", "adult_mental_health"],
        strengths="Close to her grandmother",
        childs_views="I worry about Mum",
        family_views="Mum wants help with mornings",
        summary="Young carer support and a referral to adult mental health services",
        by=entitled,
    )
    assert assessment.needs == ["adult_mental_health", "young_carer"]
    summary = ChronologyEntry.objects.get(kind="early_help_assessment").summary
    assert "Is a young carer" in summary and "Lives with adult mental ill-health" in summary


def test_the_assessment_refuses_unknown_needs_and_missing_views(entitled, episode):
    with pytest.raises(ValidationError) as exc:
        early_help_assessment_record(
            episode=episode,
            completed_on=today(),
            needs=["astrology"],
            strengths="x",
            childs_views="",
            family_views="y",
            summary="z",
            by=entitled,
        )
    assert set(exc.value.message_dict) == {"needs", "childs_views"}


def test_a_platform_practitioner_joins_the_childs_team(entitled, episode, other_agency, child):
    assert basis_for(other_agency, child.pk) is Basis.NONE
    member = taf_member_add(episode=episode, practitioner=other_agency, name="", agency=None, role="GP", by=entitled)
    assert member.name == other_agency.display_name and member.agency == other_agency.agency
    assert member.team_membership.capacity == TAF_CAPACITY
    assert basis_for(other_agency, child.pk) is Basis.CHILDS_TEAM
    with pytest.raises(DomainError, match="already in the team"):
        taf_member_add(episode=episode, practitioner=other_agency, name="", agency=None, role="GP", by=entitled)


def test_someone_off_the_platform_is_recorded_by_name(entitled, episode):
    member = taf_member_add(
        episode=episode, practitioner=None, name="Jo Bloggs", agency=None, role="Football coach", by=entitled
    )
    assert member.team_membership is None
    with pytest.raises(ValidationError) as exc:
        taf_member_add(episode=episode, practitioner=None, name="", agency=None, role="", by=entitled)
    assert set(exc.value.message_dict) == {"name", "role"}


def test_team_memberships_end_with_the_episode(entitled, episode, other_agency, child):
    from safeguarding.earlyhelp.services import episode_close

    taf_member_add(episode=episode, practitioner=other_agency, name="", agency=None, role="GP", by=entitled)
    episode_close(episode=episode, closed_on=today(), reason=ClosureReason.NEEDS_MET, note="", by=entitled)
    assert not ChildTeamMembership.objects.filter(child=child, ended_at__isnull=True).exists()
    assert basis_for(other_agency, child.pk) is Basis.NONE


def test_an_action_is_done_once(entitled, episode):
    action = plan_action_add(
        episode=episode,
        action="Take Amelia to the young carers group",
        owner_name="",
        owner=entitled,
        due_on=today(),
        by=entitled,
    )
    assert action.owner_name == entitled.display_name
    plan_action_done(action=action, done_on=today(), note="Went on Tuesday", by=entitled)
    with pytest.raises(DomainError, match="already been marked as done"):
        plan_action_done(action=action, done_on=today(), note="", by=entitled)


def test_an_action_needs_an_owner_and_a_date(entitled, episode):
    with pytest.raises(ValidationError) as exc:
        plan_action_add(episode=episode, action="Call", owner_name=" ", owner=None, due_on=None, by=entitled)
    assert set(exc.value.message_dict) == {"owner_name", "due_on"}


def test_overdue_actions_are_tagged(frozen, entitled, episode):
    late = plan_action_add(
        episode=episode,
        action="Book the GP",
        owner_name="Mum",
        owner=None,
        due_on=frozen - dt.timedelta(days=1),
        by=entitled,
    )
    due = plan_action_add(
        episode=episode, action="Call school", owner_name="Mum", owner=None, due_on=frozen, by=entitled
    )
    page = selectors.episode_page(episode)
    tags = {row["action"].pk: row["tag"].text for row in page.actions}
    assert tags == {late.pk: "Overdue", due.pk: "To do"}


def test_reviews_are_in_date_order(entitled, episode):
    early_help_review_record(
        episode=episode, held_on=today(), progress="Going well", outcome=ReviewOutcome.CONTINUE, by=entitled
    )
    with pytest.raises(ValidationError) as exc:
        early_help_review_record(
            episode=episode, held_on=today() - dt.timedelta(days=1), progress="x", outcome="continue", by=entitled
        )
    assert "held_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        early_help_review_record(
            episode=episode,
            held_on=episode.started_on - dt.timedelta(days=1),
            progress="x",
            outcome="continue",
            by=entitled,
        )
    assert "held_on" in exc.value.message_dict


def test_a_review_that_closes_ends_the_episode_with_needs_met(entitled, episode):
    early_help_review_record(episode=episode, held_on=today(), progress="All met", outcome="close", by=entitled)
    closure = EarlyHelpClosure.objects.get(episode=episode)
    assert closure.reason == ClosureReason.NEEDS_MET and closure.closed_on == today()


def test_a_review_that_steps_up_leaves_the_step_up_to_its_own_step(entitled, episode):
    early_help_review_record(episode=episode, held_on=today(), progress="Worse", outcome="step_up", by=entitled)
    assert not EarlyHelpClosure.objects.filter(episode=episode).exists()


def test_the_review_clock_runs_three_months_from_the_start_then_from_the_last_review(child, entitled, frozen):
    episode = start(child, entitled, entitled, started_on=dt.date(2024, 12, 1), consent_on=dt.date(2024, 12, 1))
    # Due 1 March 2025; today is 10 March 2025.
    tag = selectors.review_clock(episode, None)
    assert tag.text == "Overdue" and "1 March 2025" in tag.detail
    early_help_review_record(episode=episode, held_on=frozen, progress="Late but done", outcome="continue", by=entitled)
    page = selectors.episode_page(episode)
    assert [row["tag"].text for row in page.reviews] == ["Late"]
    assert page.next_review is not None and page.next_review.text == "Due"
    assert "10 June 2025" in page.next_review.detail


def test_the_review_clock_is_due_soon_near_its_date(child, entitled, frozen):
    episode = start(child, entitled, entitled, started_on=dt.date(2024, 12, 11), consent_on=dt.date(2024, 12, 11))
    assert selectors.review_clock(episode, None).text == "Due soon"  # due 11 March, tomorrow


def test_a_family_group_conference_is_recorded(entitled, episode):
    fgc = family_group_conference_record(
        episode=episode,
        held_on=today(),
        family_network="Mum, Gran, Uncle Dave",
        plan_agreed="Gran does mornings",
        by=entitled,
    )
    assert fgc.family_network == "Mum, Gran, Uncle Dave"
    assert ChronologyEntry.objects.filter(kind="family_group_conference", source_id=episode.pk).exists()
    with pytest.raises(ValidationError) as exc:
        family_group_conference_record(episode=episode, held_on=None, family_network="", plan_agreed="", by=entitled)
    assert set(exc.value.message_dict) == {"held_on", "family_network", "plan_agreed"}
