"""England's working-day calendar, checked against a plain day-by-day reference.

The reference below knows nothing of the `holidays` package: it walks one day at a time,
skipping weekends and the England and Wales bank holidays that gov.uk publishes
(https://www.gov.uk/bank-holidays), written out by hand for 2020 to 2027. Only the days off
work are listed, so a holiday on a weekend appears as its substitute weekday.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safeguarding.core.calendar import (
    add_working_days,
    is_working_day,
    local_date,
    next_working_day,
    today,
    working_days_between,
)

D = dt.date
GOV_UK_BANK_HOLIDAYS = frozenset(
    {
        # 2020: the early May bank holiday moved to Friday 8 May for the 75th anniversary of VE day.
        D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8), D(2020, 5, 25), D(2020, 8, 31),
        D(2020, 12, 25), D(2020, 12, 28),
        D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3), D(2021, 5, 31), D(2021, 8, 30),
        D(2021, 12, 27), D(2021, 12, 28),
        # 2022: spring bank holiday moved to 2 June, platinum jubilee 3 June, state funeral 19 September.
        D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2), D(2022, 6, 3),
        D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27),
        # 2023: coronation of King Charles III on 8 May.
        D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8), D(2023, 5, 29),
        D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26),
        D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6), D(2024, 5, 27), D(2024, 8, 26),
        D(2024, 12, 25), D(2024, 12, 26),
        D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5), D(2025, 5, 26), D(2025, 8, 25),
        D(2025, 12, 25), D(2025, 12, 26),
        D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
        D(2026, 12, 25), D(2026, 12, 28),
        D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
        D(2027, 12, 27), D(2027, 12, 28),
    }
)  # fmt: skip
FIRST, LAST = D(2020, 1, 1), D(2027, 12, 31)


def reference_is_working_day(day, extra=frozenset()):
    assert FIRST <= day <= LAST, "the reference only knows 2020 to 2027"
    return day.weekday() < 5 and day not in GOV_UK_BANK_HOLIDAYS and day not in extra


def reference_add(start, n, extra=frozenset()):
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if reference_is_working_day(day, extra):
            n -= 1
    return day


def reference_between(start, end, extra=frozenset()):
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += reference_is_working_day(day, extra)
    return sign * count


# Starts late enough in 2027 that 60 working days on would leave the reference's years.
starts = st.dates(min_value=FIRST, max_value=D(2027, 9, 30))
any_day = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=0, max_value=60)


@hypothesis_settings(max_examples=1000)
@given(start=starts, n=counts)
def test_add_working_days_agrees_with_the_reference(start, n):
    assert add_working_days(start, n) == reference_add(start, n)


@given(start=starts, n=counts)
def test_working_days_between_is_the_inverse_of_add(start, n):
    assert working_days_between(start, add_working_days(start, n)) == n


@given(a=any_day, b=any_day)
def test_working_days_between_agrees_with_the_reference(a, b):
    assert working_days_between(a, b) == reference_between(a, b)
    assert working_days_between(b, a) == -working_days_between(a, b)


@given(day=any_day)
def test_is_working_day_agrees_with_the_reference(day):
    assert is_working_day(day) is reference_is_working_day(day)


@given(day=st.dates(min_value=FIRST, max_value=D(2027, 12, 1)))
def test_next_working_day_is_the_first_working_day_after(day):
    following = next_working_day(day)
    assert following > day
    assert is_working_day(following)
    assert all(not reference_is_working_day(day + dt.timedelta(days=i)) for i in range(1, (following - day).days))


EXTRA = ["2026-12-24", "2026-12-31", "2025-06-16"]


@given(start=st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 9, 30)), n=counts)
def test_extra_non_working_days_are_skipped_like_bank_holidays(start, n):
    extra = frozenset(D.fromisoformat(x) for x in EXTRA)
    with override_settings(EXTRA_NON_WORKING_DAYS=EXTRA):
        due = add_working_days(start, n)
        assert due == reference_add(start, n, extra)
        assert working_days_between(start, due) == n


def test_every_gov_uk_bank_holiday_and_weekend_is_not_a_working_day():
    for day in GOV_UK_BANK_HOLIDAYS:
        assert not is_working_day(day), day
    assert not is_working_day(D(2024, 6, 1))  # Saturday
    assert not is_working_day(D(2024, 6, 2))  # Sunday
    assert is_working_day(D(2024, 6, 3))


def test_the_package_closes_exactly_the_gov_uk_days_2020_to_2027():
    # If a new release of `holidays` added, dropped or moved a day, this names it.
    day, closed = FIRST, set()
    while day <= LAST:
        if day.weekday() < 5 and not is_working_day(day):
            closed.add(day)
        day += dt.timedelta(days=1)
    assert closed == GOV_UK_BANK_HOLIDAYS


def test_one_off_holidays_come_from_the_package_by_name():
    england = holidays.country_holidays("GB", subdiv="ENG", years=[2020, 2022, 2023])
    assert D(2022, 9, 19) in england  # state funeral of Queen Elizabeth II
    assert D(2023, 5, 8) in england  # coronation of King Charles III
    assert D(2022, 6, 3) in england  # platinum jubilee
    assert D(2020, 5, 8) in england and D(2020, 5, 4) not in england  # VE day moved the May holiday


def test_start_day_does_not_count():
    friday = D(2024, 6, 7)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == D(2024, 6, 10)  # "within 1 working day" of Friday: Monday
    assert add_working_days(D(2024, 6, 8), 1) == D(2024, 6, 10)  # from a Saturday, too
    assert working_days_between(friday, friday) == 0
    assert working_days_between(friday, D(2024, 6, 9)) == 0  # the weekend adds nothing


def test_christmas_and_substitute_days():
    # Christmas 2026 is a Friday, Boxing Day a Saturday: the substitute is Monday 28 December.
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    assert next_working_day(D(2027, 12, 24)) == D(2027, 12, 29)


def test_extra_non_working_day_setting_is_read_at_call_time():
    wednesday = D(2026, 12, 23)
    assert add_working_days(wednesday, 1) == D(2026, 12, 24)
    with override_settings(EXTRA_NON_WORKING_DAYS=["2026-12-24"]):
        assert not is_working_day(D(2026, 12, 24))
        assert add_working_days(wednesday, 1) == D(2026, 12, 29)
    assert is_working_day(D(2026, 12, 24))


@pytest.mark.parametrize("bad", [["24/12/2026"], "2026-12-24", [dt.datetime(2026, 12, 24, tzinfo=dt.UTC)]])
def test_a_malformed_extra_non_working_day_is_a_configuration_error(bad):
    with override_settings(EXTRA_NON_WORKING_DAYS=bad), pytest.raises(ImproperlyConfigured):
        is_working_day(D(2026, 12, 23))


def test_datetimes_are_refused_where_a_date_is_expected():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2024, 6, 7, 23, 30, tzinfo=dt.UTC))
    with pytest.raises(TypeError):
        add_working_days(dt.datetime(2024, 6, 7, tzinfo=dt.UTC), 1)
    with pytest.raises(ValueError, match="counts forwards"):
        add_working_days(D(2024, 6, 7), -1)


def test_local_date_is_the_date_in_england():
    late_bst = dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 July in London
    assert local_date(late_bst) == D(2024, 7, 1)
    late_gmt = dt.datetime(2024, 12, 31, 23, 30, tzinfo=dt.UTC)  # GMT: still 31 December
    assert local_date(late_gmt) == D(2024, 12, 31)
    assert local_date(dt.datetime(2024, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London"))) == D(2024, 7, 1)
    with pytest.raises(ValueError):
        local_date(dt.datetime(2024, 7, 1, 0, 30))
    with pytest.raises(TypeError):
        local_date(D(2024, 7, 1))


@time_machine.travel(dt.datetime(2024, 3, 31, 23, 30, tzinfo=dt.UTC), tick=False)
def test_today_is_the_date_in_england():
    assert today() == D(2024, 4, 1)  # clocks went forward that morning: 00:30 BST on 1 April
