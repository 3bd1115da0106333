"""My work, a team's timeliness and the front door's count: whose clocks, what counts, and a
number of queries that does not grow with the rows."""

import datetime as dt

import pytest

from safeguarding.access.models import AgencyKind, Team
from safeguarding.core.clocks import ClockState
from safeguarding.pathway.projection import clock_rows_rebuild
from safeguarding.pathway.rules import RULES
from safeguarding.pathway.selectors import (
    all_open_clocks,
    child_clocks,
    child_open_episodes,
    clocks_for_practitioner,
    front_door_waiting,
    team_timeliness,
)
from safeguarding.pathway.tests.factories import (
    AssessmentCompletionFactory,
    AssessmentFactory,
    CINPlanFactory,
    CoreGroupMeetingFactory,
    EpisodeFactory,
    InitialConferenceFactory,
    PlanFactory,
    ReviewConferenceFactory,
    Section47Factory,
)
from tests.factories import AgencyFactory, ContactDecisionFactory, ContactFactory, ReferralFactory, UserFactory, aware

D = dt.date
TODAY = D(2026, 6, 10)  # a Wednesday
pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team.objects.create(
        agency=AgencyFactory(name="Brackenford CSC", kind=AgencyKind.LA_SOCIAL_CARE), name="North"
    )


@pytest.fixture
def worker(team):
    return UserFactory(username="sw1", first_name="Sam", last_name="Worker", agency=team.agency, team=team)


@pytest.fixture
def colleague(team):
    return UserFactory(username="sw2", first_name="Cal", last_name="League", agency=team.agency, team=team)


def _cases(worker, n=1):
    """For each of n children: an overdue assessment, an early help episode due soon, a CIN plan due later."""
    for _ in range(n):
        AssessmentFactory(lead_practitioner=worker, referral__contact__received_at=aware(2026, 3, 2, 10))
        EpisodeFactory(lead_practitioner=worker, started_on=D(2026, 3, 11))  # due 11 June: due soon
        CINPlanFactory(lead_practitioner=worker, referral__contact__received_at=aware(2026, 5, 1, 10))


def test_my_work_is_my_clocks_earliest_due_first(worker, colleague):
    _cases(worker)
    _cases(colleague)
    mine = clocks_for_practitioner(worker, TODAY)
    assert [c.key for c in mine] == ["child_and_family_assessment", "early_help_review", "cin_plan_review"]
    assert [c.state for c in mine] == [ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.DUE]
    assert {c.owner_id for c in mine} == {worker.pk}


def test_a_supervisor_sees_the_assessments_they_supervise(worker, colleague):
    AssessmentFactory(lead_practitioner=colleague, supervisor=worker)
    assert [c.key for c in clocks_for_practitioner(worker, TODAY)] == ["child_and_family_assessment"]


def test_unowned_clocks_are_in_nobodys_work(worker):
    ContactFactory()
    ReferralFactory(decision="assessment")
    assert clocks_for_practitioner(worker, TODAY) == []


def test_query_counts_do_not_grow_with_the_rows(worker, django_assert_num_queries):
    _cases(worker, 1)
    PlanFactory(lead_social_worker=worker, initial_conference__section47__lead_social_worker=worker)
    child = worker.assessments_led.first().child
    owned_rules = sum(1 for r in RULES if r.owner)
    with django_assert_num_queries(owned_rules):
        few = clocks_for_practitioner(worker, TODAY)
    with django_assert_num_queries(len(RULES)):
        all_few = all_open_clocks(TODAY)
    with django_assert_num_queries(len(RULES)):
        child_clocks(child, TODAY)
    _cases(worker, 4)
    PlanFactory(lead_social_worker=worker, initial_conference__section47__lead_social_worker=worker)
    with django_assert_num_queries(owned_rules):
        assert len(clocks_for_practitioner(worker, TODAY)) > len(few)
    with django_assert_num_queries(len(RULES)):
        assert len(all_open_clocks(TODAY)) > len(all_few)
    with django_assert_num_queries(4):
        child_open_episodes(child)


def test_front_door_waiting_counts_overdue_and_due_soon():
    ContactFactory(received_at=aware(2026, 6, 5, 10))  # Friday: due Monday 8th, overdue
    ContactFactory(received_at=aware(2026, 6, 10, 9))  # today: due tomorrow, due soon
    ContactDecisionFactory(contact=ContactFactory(received_at=aware(2026, 6, 1, 10)))  # decided
    assert front_door_waiting(TODAY).__dict__ == {"waiting": 2, "due_soon": 1, "overdue": 1}


def test_team_timeliness_counts_the_teams_clocks_only(team, worker, colleague, django_assert_num_queries):
    _cases(worker, 2)
    _cases(colleague, 1)
    outsider = UserFactory(username="elsewhere")
    _cases(outsider, 3)
    ContactFactory(received_at=aware(2026, 6, 5, 10))
    clock_rows_rebuild()  # the rows were made by factories, not by the services that keep it
    with django_assert_num_queries(4):
        data = team_timeliness(team, TODAY)
    by_key = {c.key: c for c in data.clocks}
    assert (by_key["child_and_family_assessment"].open, by_key["child_and_family_assessment"].overdue) == (3, 3)
    assert (by_key["early_help_review"].open, by_key["early_help_review"].due_soon) == (3, 3)
    assert (by_key["cin_plan_review"].open, by_key["cin_plan_review"].overdue, by_key["cin_plan_review"].due_soon) == (
        3,
        0,
        0,
    )
    people = {p.name: (p.open, p.due_soon, p.overdue) for p in data.practitioners}
    assert people == {"Sam Worker": (6, 2, 2), "Cal League": (3, 1, 1)}
    waiting = {c.key: c for c in data.waiting}
    assert waiting["referral_decision"].overdue == 1
    # The whole local authority: everyone's clocks, in the same number of queries.
    _cases(outsider, 2)
    clock_rows_rebuild()
    with django_assert_num_queries(4):
        everyone = team_timeliness(None, TODAY)
    assert {c.key: c.open for c in everyone.clocks}["child_and_family_assessment"] == 8


def test_team_timeliness_matches_the_clocks_one_by_one(worker):
    """The database's counts (thresholds) agree with clock_status on each open clock."""
    for received in (aware(2026, 4, 1, 10), aware(2026, 4, 14, 10), aware(2026, 6, 8, 10)):
        AssessmentFactory(lead_practitioner=worker, referral__contact__received_at=received)
    plan = PlanFactory(started_on=D(2026, 5, 26), initial_conference__held_on=D(2026, 5, 26), lead_social_worker=worker)
    CoreGroupMeetingFactory(plan=plan, held_on=D(2026, 6, 1))
    ReviewConferenceFactory(
        plan=PlanFactory(lead_social_worker=worker, started_on=D(2025, 9, 1)), held_on=D(2025, 12, 9)
    )
    EpisodeFactory(lead_practitioner=worker, started_on=D(2026, 3, 9))
    clock_rows_rebuild()
    counts = {c.key: (c.open, c.due_soon, c.overdue) for c in team_timeliness(worker.team, TODAY).clocks}
    one_by_one: dict[str, list[int]] = {}
    for clock in clocks_for_practitioner(worker, TODAY):
        row = one_by_one.setdefault(clock.key, [0, 0, 0])
        row[0] += 1
        row[1] += clock.state is ClockState.DUE_SOON
        row[2] += clock.state is ClockState.OVERDUE
    assert one_by_one  # the test has clocks to compare
    for key, (n, soon, over) in one_by_one.items():
        assert counts[key] == (n, soon, over), key


def test_completed_in_the_last_12_months_in_time_and_late(worker):
    # Assessments: one within 45 working days of the referral, one late, one before the window.
    on_time = AssessmentFactory(lead_practitioner=worker, referral__contact__received_at=aware(2026, 1, 5, 10))
    AssessmentCompletionFactory(assessment=on_time, completed_on=D(2026, 3, 9))
    late = AssessmentFactory(lead_practitioner=worker, referral__contact__received_at=aware(2026, 1, 5, 10))
    AssessmentCompletionFactory(assessment=late, completed_on=D(2026, 3, 10), late_reason="Family away")
    old = AssessmentFactory(lead_practitioner=worker, referral__contact__received_at=aware(2025, 1, 6, 10))
    AssessmentCompletionFactory(assessment=old, completed_on=D(2025, 3, 1))
    # Decisions by the worker: received at 23:30 UTC on Wednesday 1 April, which is 00:30 BST
    # on Thursday 2 April in England, decided on Tuesday 7 April (after Easter): in time.
    # One decided a day later: late.
    for decided in (aware(2026, 4, 7, 17), aware(2026, 4, 8, 9)):
        contact = ContactFactory(received_at=dt.datetime(2026, 4, 1, 23, 30, tzinfo=dt.UTC))
        ContactDecisionFactory(contact=contact, decided_by=worker, decided_at=decided)
    # ICPC 15 working days from the strategy discussion; first core group 10 from the ICPC.
    s47 = Section47Factory(lead_social_worker=worker, strategy_discussion__held_on=D(2026, 2, 2))
    icpc = InitialConferenceFactory(section47=s47, held_on=D(2026, 2, 24))  # 16 working days: late
    plan = PlanFactory(initial_conference=icpc, started_on=icpc.held_on, lead_social_worker=worker)
    CoreGroupMeetingFactory(plan=plan, held_on=D(2026, 3, 10))  # 10 working days: in time
    CoreGroupMeetingFactory(plan=plan, held_on=D(2026, 4, 10))  # not the first: not counted
    ReviewConferenceFactory(plan=plan, held_on=D(2026, 5, 20))  # within 3 months
    clock_rows_rebuild()
    completed = {c.label.split(" ")[0]: c for c in team_timeliness(worker.team, TODAY).completed}
    assert (completed["Child"].in_time, completed["Child"].late) == (1, 1)
    assert completed["Child"].words == "1 of 2 in time (50%), 1 late"
    assert (completed["Decisions"].in_time, completed["Decisions"].late) == (1, 1)
    assert (completed["Initial"].in_time, completed["Initial"].late) == (0, 1)
    assert (completed["First"].in_time, completed["First"].late) == (1, 0)
    assert (completed["Review"].in_time, completed["Review"].late) == (1, 0)


def test_nothing_completed_is_said_in_words(worker):
    completed = team_timeliness(worker.team, TODAY).completed
    assert all(c.percent is None and c.words == "None completed in the last 12 months" for c in completed)
