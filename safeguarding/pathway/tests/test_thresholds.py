"""The threshold trick: "overdue today" is "started before a date found once by binary search".

Checked against brute force: every start date in a window, its due date computed one by one.
"""

import datetime as dt

from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safeguarding.core import calendar, clocks
from safeguarding.pathway.rules import RULES, start_threshold, thresholds

KEYS = sorted({r.key for r in RULES})
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2028, 12, 31))


@hypothesis_settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(KEYS), target=dates)
def test_threshold_is_the_first_start_due_on_or_after_the_target(key, target):
    threshold = start_threshold(key, target)
    # Brute force over every start in the 400 days before the target (longer than any clock).
    for offset in range(400):
        start = target - dt.timedelta(days=offset)
        assert (clocks.due_date(key, start) >= target) == (start >= threshold), (key, target, start)


@hypothesis_settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(KEYS), today=dates, back=st.integers(min_value=0, max_value=300))
def test_thresholds_give_the_same_state_as_clock_status(key, today, back):
    start = today - dt.timedelta(days=back)
    t = thresholds(key, today)
    if start < t.overdue_before:
        expected = clocks.ClockState.OVERDUE
    elif start < t.due_soon_before:
        expected = clocks.ClockState.DUE_SOON
    else:
        expected = clocks.ClockState.DUE
    assert clocks.clock_status(key, start, today=today).state is expected


def test_overdue_threshold_across_christmas_2026():
    # Overdue on Tuesday 29 December for a 1-working-day clock: due before the 29th, so
    # received before Thursday 24 December (received on the 24th, due the 29th).
    assert start_threshold("referral_decision", dt.date(2026, 12, 29)) == dt.date(2026, 12, 24)
    assert calendar.add_working_days(dt.date(2026, 12, 24), 1) == dt.date(2026, 12, 29)


def test_local_timescales_and_closure_days_change_the_threshold_at_once():
    today = dt.date(2026, 3, 12)
    before = start_threshold("strategy_discussion", today)
    with override_settings(LOCAL_TIMESCALES={"strategy_discussion": 2}):
        assert start_threshold("strategy_discussion", today) > before
    with override_settings(EXTRA_NON_WORKING_DAYS=["2026-03-10"]):
        assert start_threshold("strategy_discussion", today) < before
    assert start_threshold("strategy_discussion", today) == before
