"""Each open clock, from the rows of the pathway: what starts it, what stops it, whose it is.

Dates are in 2026 and 2027 and cross England's bank holidays: Good Friday 3 April and Easter
Monday 6 April 2026; Christmas Day (Friday) 2026, Boxing Day on a Saturday so Monday 28
December is the substitute day; New Year's Day (Friday) 2027.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeguarding.core.clocks import ClockState
from safeguarding.pathway.selectors import OpenClock, all_open_clocks, child_clocks
from safeguarding.pathway.tests.factories import (
    AssessmentCompletionFactory,
    AssessmentFactory,
    CINPlanFactory,
    CINPlanReviewFactory,
    CoreGroupMeetingFactory,
    EarlyHelpClosureFactory,
    EarlyHelpReviewFactory,
    EpisodeFactory,
    InitialConferenceFactory,
    PlanEndFactory,
    PlanFactory,
    ReferralClosureFactory,
    ReviewConferenceFactory,
    Section47CompletionFactory,
    Section47Factory,
    StrategyDiscussionFactory,
    VisitFactory,
)
from tests.factories import ContactDecisionFactory, ContactFactory, ReferralFactory, aware

LONDON = ZoneInfo("Europe/London")
D = dt.date


def on(year: int, month: int, day: int):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime(year, month, day, 12, tzinfo=LONDON), tick=False)


def keys(clocks: list[OpenClock]) -> list[str]:
    return sorted(c.key for c in clocks)


def only(clocks: list[OpenClock], key: str) -> OpenClock:
    found = [c for c in clocks if c.key == key]
    assert len(found) == 1, f"expected one {key} clock, got {keys(clocks)}"
    return found[0]


pytestmark = pytest.mark.django_db


# --- Front door ------------------------------------------------------------------------------


def test_an_undecided_contact_is_due_the_next_working_day_after_easter():
    # Received on the Thursday before Good Friday: the next working day is Tuesday after Easter.
    contact = ContactFactory(received_at=aware(2026, 4, 2, 16, 0))
    with on(2026, 4, 7):
        clock = only(child_clocks(contact.child), "referral_decision")
        assert clock.due == D(2026, 4, 7)
        assert clock.state is ClockState.DUE_SOON
        assert clock.owner_id is None  # the front door as a whole
        assert (clock.source_type, clock.source_id) == ("frontdoor.contact", contact.pk)
    with on(2026, 4, 8):
        assert only(child_clocks(contact.child), "referral_decision").state is ClockState.OVERDUE


def test_a_contact_received_after_midnight_in_summer_starts_that_day_in_england():
    # 23:30 UTC on Wednesday 1 April is 00:30 BST on Thursday 2 April.
    contact = ContactFactory(received_at=dt.datetime(2026, 4, 1, 23, 30, tzinfo=dt.UTC))
    with on(2026, 4, 2):
        assert only(child_clocks(contact.child), "referral_decision").start == D(2026, 4, 2)


def test_a_decision_stops_the_front_door_clock():
    decision = ContactDecisionFactory(decision="nfa")
    assert child_clocks(decision.contact.child) == []


# --- Strategy discussion ---------------------------------------------------------------------


def test_a_decision_for_a_strategy_discussion_starts_its_clock_until_one_is_held():
    referral = ReferralFactory(decision="strategy_discussion", contact__received_at=aware(2026, 12, 23, 10))
    decision = referral.contact.decision
    with on(2026, 12, 24):
        clock = only(child_clocks(referral.child), "strategy_discussion")
        # 3 working days from Wednesday 23 December: 24, 29, 30 (25 and 28 are bank holidays).
        assert clock.start == D(2026, 12, 23)
        assert clock.due == D(2026, 12, 30)
        assert clock.owner_id == decision.decided_by_id
        assert clock.url_pk == referral.pk
    StrategyDiscussionFactory(referral=referral, held_on=D(2026, 12, 24))
    assert "strategy_discussion" not in keys(child_clocks(referral.child))


def test_immediate_protection_also_needs_a_strategy_discussion():
    referral = ReferralFactory(decision="immediate_protection")
    assert "strategy_discussion" in keys(child_clocks(referral.child))


def test_a_decision_for_an_assessment_needs_no_strategy_discussion():
    referral = ReferralFactory(decision="assessment")
    assert "strategy_discussion" not in keys(child_clocks(referral.child))


def test_a_closed_referral_runs_no_strategy_discussion_clock():
    referral = ReferralFactory(decision="strategy_discussion")
    ReferralClosureFactory(referral=referral)
    assert child_clocks(referral.child) == []


def test_an_assessment_ending_in_a_strategy_discussion_needs_one_held_after_it():
    # An earlier strategy discussion on the referral (which decided on an assessment) does not count.
    earlier = StrategyDiscussionFactory(held_on=D(2026, 3, 2), outcome="assessment")
    assessment = AssessmentFactory(referral=earlier.referral)
    completion = AssessmentCompletionFactory(
        assessment=assessment, completed_on=D(2026, 4, 2), outcome="strategy_discussion"
    )
    with on(2026, 4, 3):
        clock = only(child_clocks(assessment.child), "strategy_discussion")
        assert clock.start == D(2026, 4, 2)
        assert clock.due == D(2026, 4, 9)  # 7, 8, 9 April after the Easter weekend
        assert clock.owner_id == assessment.lead_practitioner_id
        assert (clock.source_type, clock.source_id) == ("assessments.assessmentcompletion", completion.pk)
    StrategyDiscussionFactory(referral=earlier.referral, held_on=D(2026, 4, 7))
    assert "strategy_discussion" not in keys(child_clocks(assessment.child))


# --- Child and family assessment ---------------------------------------------------------------


def test_an_open_assessment_runs_45_working_days_from_the_referral_for_lead_and_supervisor():
    referral = ReferralFactory(contact__received_at=aware(2026, 3, 2, 9))
    supervisor = ReferralFactory().created_by
    assessment = AssessmentFactory(referral=referral, started_on=D(2026, 3, 9), supervisor=supervisor)
    with on(2026, 4, 1):
        clock = only(child_clocks(referral.child), "child_and_family_assessment")
        # From the referral date, not the start: 45 working days with Easter's two bank
        # holidays and the early May bank holiday (4 May) is Thursday 7 May 2026.
        assert clock.start == D(2026, 3, 2)
        assert clock.due == D(2026, 5, 7)
        assert clock.owner_id == assessment.lead_practitioner_id
        assert clock.also_owner_id == supervisor.pk
        assert clock.state is ClockState.DUE
    AssessmentCompletionFactory(assessment=assessment)
    assert child_clocks(referral.child) == []


def test_a_referral_for_assessment_with_nobody_allocated_shows_as_not_yet_allocated():
    referral = ReferralFactory(decision="assessment")
    clock = only(child_clocks(referral.child), "child_and_family_assessment")
    assert clock.owner_id is None
    assert clock.note == "Not yet allocated"
    assert clock.source_type == "frontdoor.referral"
    AssessmentFactory(referral=referral)
    assert only(child_clocks(referral.child), "child_and_family_assessment").source_type == "assessments.assessment"


def test_a_strategy_discussion_deciding_on_an_assessment_needs_one_allocated():
    discussion = StrategyDiscussionFactory(outcome="assessment")
    assert only(child_clocks(discussion.child), "child_and_family_assessment").note == "Not yet allocated"


# --- Section 47 and the initial conference ------------------------------------------------------


def test_an_open_section47_runs_its_own_clock_and_the_conference_clock_across_christmas():
    s47 = Section47Factory(strategy_discussion__held_on=D(2026, 12, 14), started_on=D(2026, 12, 14))
    with on(2026, 12, 21):
        clocks = child_clocks(s47.child)
        assert keys(clocks) == ["initial_conference", "section47_enquiry"]
        assert only(clocks, "section47_enquiry").due == D(2026, 12, 22)
        # 15 working days from 14 December skip 25 and 28 December and 1 January.
        assert only(clocks, "initial_conference").due == D(2027, 1, 7)
        assert all(c.owner_id == s47.lead_social_worker_id for c in clocks)


def test_a_section47_ending_in_no_further_action_needs_no_conference():
    completion = Section47CompletionFactory(outcome="nfa")
    assert child_clocks(completion.enquiry.child) == []


def test_a_section47_ending_in_a_conference_keeps_the_conference_clock_until_it_is_held():
    completion = Section47CompletionFactory(outcome="initial_conference")
    child = completion.enquiry.child
    assert keys(child_clocks(child)) == ["initial_conference"]
    InitialConferenceFactory(section47=completion.enquiry, decision="nfa", category="")
    assert child_clocks(child) == []


# --- The child protection plan --------------------------------------------------------------------


def test_a_new_plan_needs_a_core_group_a_first_review_and_visits():
    plan = PlanFactory(started_on=D(2026, 3, 30), initial_conference__held_on=D(2026, 3, 30))
    with on(2026, 3, 31):
        clocks = child_clocks(plan.child)
        assert keys(clocks) == ["cp_visit", "first_core_group", "first_review_conference"]
        # 10 working days from Monday 30 March skip Good Friday and Easter Monday.
        assert only(clocks, "first_core_group").due == D(2026, 4, 15)
        assert only(clocks, "first_review_conference").due == D(2026, 6, 30)
        assert only(clocks, "cp_visit").due == D(2026, 4, 15)
        assert {c.owner_id for c in clocks} == {plan.lead_social_worker_id}
        assert {c.url_name for c in clocks} == {"protection:plan"}


def test_the_first_core_group_and_review_stop_their_clocks_and_start_the_next_review():
    plan = PlanFactory(started_on=D(2026, 1, 12), initial_conference__held_on=D(2026, 1, 12))
    CoreGroupMeetingFactory(plan=plan, held_on=D(2026, 1, 20))
    ReviewConferenceFactory(plan=plan, held_on=D(2026, 4, 8))
    ReviewConferenceFactory(plan=plan, held_on=D(2026, 10, 5))
    clocks = child_clocks(plan.child, today=D(2026, 10, 6))
    assert keys(clocks) == ["cp_visit", "review_conference"]
    review = only(clocks, "review_conference")
    assert review.start == D(2026, 10, 5)  # the last review, not the first
    assert review.due == D(2027, 4, 5)


def test_visits_restart_the_clock_only_when_the_child_was_seen():
    plan = PlanFactory(started_on=D(2026, 2, 2), initial_conference__held_on=D(2026, 2, 2))
    VisitFactory(plan=plan, visited_on=D(2026, 2, 9), child_seen=True)
    VisitFactory(plan=plan, visited_on=D(2026, 2, 16), child_seen=False)
    assert only(child_clocks(plan.child, today=D(2026, 2, 17)), "cp_visit").start == D(2026, 2, 9)


def test_an_ended_plan_runs_no_clocks():
    end = PlanEndFactory()
    assert child_clocks(end.plan.child) == []


# --- Child in need plans and early help ------------------------------------------------------------


def test_a_cin_plan_is_reviewed_within_3_months_of_its_start_then_of_its_last_review():
    plan = CINPlanFactory(started_on=D(2026, 11, 30))
    clock = only(child_clocks(plan.child, today=D(2026, 12, 1)), "cin_plan_review")
    assert clock.due == D(2027, 2, 28)  # 3 months from 30 November, clamped to February's end
    CINPlanReviewFactory(plan=plan, held_on=D(2027, 2, 1))
    assert only(child_clocks(plan.child, today=D(2027, 2, 2)), "cin_plan_review").due == D(2027, 5, 1)


def test_an_ended_cin_plan_runs_no_clock():
    from safeguarding.assessments.models import CINPlanEnd

    plan = CINPlanFactory()
    CINPlanEnd.objects.create(plan=plan, ended_on=plan.started_on, reason="Needs met", ended_by=plan.lead_practitioner)
    assert "cin_plan_review" not in keys(child_clocks(plan.child))


def test_an_early_help_episode_is_reviewed_from_its_start_then_its_last_review_until_closed():
    episode = EpisodeFactory(started_on=D(2026, 1, 5))
    clock = only(child_clocks(episode.child, today=D(2026, 4, 6)), "early_help_review")
    assert clock.due == D(2026, 4, 5)
    assert clock.state is ClockState.OVERDUE
    assert clock.owner_id == episode.lead_practitioner_id
    EarlyHelpReviewFactory(episode=episode, held_on=D(2026, 3, 30))
    assert only(child_clocks(episode.child, today=D(2026, 4, 6)), "early_help_review").due == D(2026, 6, 30)
    EarlyHelpClosureFactory(episode=episode)
    assert child_clocks(episode.child) == []


def test_all_open_clocks_has_every_child_and_nothing_closed():
    open_plan = PlanFactory()
    PlanEndFactory()
    episode = EpisodeFactory()
    found = {(c.child_id, c.key) for c in all_open_clocks()}
    assert (open_plan.child_id, "cp_visit") in found
    assert (episode.child_id, "early_help_review") in found
    assert len([k for _, k in found if k == "cp_visit"]) == 1
