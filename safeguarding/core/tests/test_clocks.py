"""Every timescale of the pathway, and where a clock stands on a given day (frozen time)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from safeguarding.core.clocks import (
    TIMESCALES,
    ClockState,
    Unit,
    clock_status,
    due_date,
    timescale,
    timescales,
)

D = dt.date
LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=10):
    return time_machine.travel(dt.datetime(year, month, day, hour, tzinfo=LONDON), tick=False)


def test_every_timescale_in_the_domain_is_registered_with_its_length_and_unit():
    expected = {
        "referral_decision": (1, Unit.WORKING_DAYS, True),
        "child_and_family_assessment": (45, Unit.WORKING_DAYS, True),
        "strategy_discussion": (3, Unit.WORKING_DAYS, False),
        "section47_enquiry": (6, Unit.WORKING_DAYS, False),
        "initial_conference": (15, Unit.WORKING_DAYS, True),
        "first_core_group": (10, Unit.WORKING_DAYS, True),
        "first_review_conference": (3, Unit.MONTHS, True),
        "review_conference": (6, Unit.MONTHS, True),
        "cp_visit": (10, Unit.WORKING_DAYS, False),
        "cin_plan_review": (3, Unit.MONTHS, False),
        "early_help_review": (3, Unit.MONTHS, False),
        "pre_birth_review": (10, Unit.CALENDAR_DAYS, False),
        "serious_incident_notification": (5, Unit.WORKING_DAYS, True),
        "rapid_review": (15, Unit.WORKING_DAYS, True),
        "practice_review": (6, Unit.MONTHS, False),
        "operation_encompass": (1, Unit.SCHOOL_DAYS, False),
    }
    assert {t.key: (t.length, t.unit, t.national) for t in TIMESCALES} == expected
    for t in TIMESCALES:
        assert t.name and t.start_event and t.source and t.on_miss, t.key
    # What DOMAIN.md marks UNCONFIRMED is local, and so configurable.
    assert {t.key for t in TIMESCALES if not t.confirmed} == {
        "cp_visit",
        "cin_plan_review",
        "early_help_review",
        "pre_birth_review",
        "practice_review",
        "operation_encompass",
    }
    assert all(not t.national for t in TIMESCALES if not t.confirmed)


def test_description_reads_as_plain_words():
    assert timescale("initial_conference").description == (
        "within 15 working days of the strategy discussion that started the section 47 enquiry"
    )
    assert (
        timescale("referral_decision").description == "within 1 working day of the contact or referral being received"
    )


@at(2023, 12, 22)
def test_a_contact_on_the_friday_before_christmas_is_due_the_wednesday_after():
    status = clock_status("referral_decision", D(2023, 12, 22))
    assert status.due == D(2023, 12, 27)  # Christmas Day and Boxing Day are Monday and Tuesday
    assert status.state is ClockState.DUE_SOON
    assert status.days_remaining == 1
    assert status.days_unit is Unit.WORKING_DAYS
    assert status.is_open


@at(2023, 12, 28)
def test_the_same_contact_undecided_on_the_thursday_is_overdue():
    status = clock_status("referral_decision", D(2023, 12, 22))
    assert status.state is ClockState.OVERDUE
    assert status.days_remaining == -1
    assert status.days_late == 1


def test_assessment_is_due_45_working_days_after_the_referral():
    # 2 January 2024: 21 working days left in January, 21 in February, then 1, 4 and 5 March.
    assert due_date("child_and_family_assessment", D(2024, 1, 2)) == D(2024, 3, 5)
    with at(2024, 1, 2):
        status = clock_status("child_and_family_assessment", D(2024, 1, 2))
    assert status.state is ClockState.DUE
    assert status.days_remaining == 45


def test_assessment_due_soon_then_due_today_then_overdue():
    with at(2024, 3, 1):
        assert clock_status("child_and_family_assessment", D(2024, 1, 2)).state is ClockState.DUE_SOON
    with at(2024, 2, 28):
        assert clock_status("child_and_family_assessment", D(2024, 1, 2)).state is ClockState.DUE
    with at(2024, 3, 5, hour=23):
        status = clock_status("child_and_family_assessment", D(2024, 1, 2))
        assert (status.state, status.days_remaining) == (ClockState.DUE_SOON, 0)
    with at(2024, 3, 6, hour=0):
        assert clock_status("child_and_family_assessment", D(2024, 1, 2)).state is ClockState.OVERDUE


def test_icpc_is_due_15_working_days_after_the_strategy_discussion():
    # Strategy discussion Monday 15 April 2024; the early May bank holiday (6 May) is skipped.
    assert due_date("initial_conference", D(2024, 4, 15)) == D(2024, 5, 7)
    status = clock_status("initial_conference", D(2024, 4, 15), completed_on=D(2024, 5, 7), today=D(2024, 6, 1))
    assert status.state is ClockState.MET
    assert status.days_remaining == 0


def test_completed_after_the_due_date_is_met_late():
    status = clock_status("initial_conference", D(2024, 4, 15), completed_on=D(2024, 5, 9))
    assert status.state is ClockState.MET_LATE
    assert status.days_remaining == -2
    assert status.days_late == 2
    assert not status.is_open


def test_completed_early_is_met_whatever_today_is():
    with at(2030, 1, 1):
        status = clock_status("first_core_group", D(2024, 4, 15), completed_on=D(2024, 4, 22))
    assert status.state is ClockState.MET
    assert status.due == D(2024, 4, 29)
    assert status.days_remaining == 5


def test_completed_before_the_clock_started_is_refused():
    with pytest.raises(ValueError):
        clock_status("first_core_group", D(2024, 4, 15), completed_on=D(2024, 4, 12))


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (D(2023, 11, 30), D(2024, 2, 29)),  # leap year
        (D(2024, 11, 30), D(2025, 2, 28)),
        (D(2024, 1, 15), D(2024, 4, 15)),
        (D(2024, 10, 5), D(2025, 1, 5)),  # a Sunday: a calendar limit is not moved
    ],
)
def test_first_review_conference_is_due_three_calendar_months_after_the_icpc(start, due):
    assert due_date("first_review_conference", start) == due


def test_later_reviews_at_most_six_months_apart():
    assert due_date("review_conference", D(2024, 8, 31)) == D(2025, 2, 28)


@at(2024, 2, 20)
def test_month_clocks_count_remaining_days_in_calendar_days():
    status = clock_status("first_review_conference", D(2023, 11, 30))
    assert status.days_unit is Unit.CALENDAR_DAYS
    assert status.days_remaining == 9
    assert status.state is ClockState.DUE


def test_pre_birth_review_counts_calendar_days_from_the_birth():
    assert due_date("pre_birth_review", D(2024, 12, 20)) == D(2024, 12, 30)


def test_serious_incident_notification_and_rapid_review():
    aware = D(2022, 9, 14)  # the state funeral (19 September) is not a working day
    notified = due_date("serious_incident_notification", aware)
    assert notified == D(2022, 9, 22)
    assert due_date("rapid_review", notified) == D(2022, 10, 13)


def test_local_timescales_follow_the_partnerships_setting():
    assert due_date("strategy_discussion", D(2024, 6, 7)) == D(2024, 6, 12)
    with override_settings(LOCAL_TIMESCALES={"strategy_discussion": 2, "practice_review": 9}):
        assert timescale("strategy_discussion").length == 2
        assert due_date("strategy_discussion", D(2024, 6, 7)) == D(2024, 6, 11)
        assert due_date("practice_review", D(2024, 1, 31)) == D(2024, 10, 31)
        assert {t.key: t.length for t in timescales()}["strategy_discussion"] == 2
    assert timescale("strategy_discussion").length == 3


@pytest.mark.parametrize(
    "local",
    [
        {"initial_conference": 20},  # national: set by statutory guidance
        {"child_and_family_assessment": 60},
        {"no_such_clock": 3},
        {"strategy_discussion": 0},
        {"strategy_discussion": "2"},
        ["strategy_discussion"],
    ],
)
def test_a_bad_local_timescale_is_a_configuration_error(local):
    with override_settings(LOCAL_TIMESCALES=local), pytest.raises(ImproperlyConfigured):
        due_date("strategy_discussion", D(2024, 6, 7))


def test_extra_non_working_days_move_clocks():
    with override_settings(EXTRA_NON_WORKING_DAYS=["2026-12-24"]):
        assert due_date("referral_decision", D(2026, 12, 23)) == D(2026, 12, 29)
    assert due_date("referral_decision", D(2026, 12, 23)) == D(2026, 12, 24)


def test_warning_period_is_configurable():
    start, today = D(2024, 1, 2), D(2024, 2, 27)  # 5 working days before the due date
    assert clock_status("child_and_family_assessment", start, today=today).state is ClockState.DUE
    with override_settings(CLOCK_WARNING_WORKING_DAYS=5):
        assert clock_status("child_and_family_assessment", start, today=today).state is ClockState.DUE_SOON
    with override_settings(CLOCK_WARNING_WORKING_DAYS=-1), pytest.raises(ImproperlyConfigured):
        clock_status("child_and_family_assessment", start, today=today)


def test_unknown_key_and_datetimes_are_refused():
    with pytest.raises(KeyError):
        due_date("no_such_clock", D(2024, 1, 2))
    with pytest.raises(TypeError):
        due_date("referral_decision", dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    with pytest.raises(TypeError):
        clock_status("referral_decision", D(2024, 1, 2), today=dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
