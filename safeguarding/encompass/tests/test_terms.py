"""When a notification is due: before the start of the next school day, over weekends, bank
holidays and school holidays, on the local authority's terms and start time (ADR 10)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from safeguarding.core import clocks
from safeguarding.core.clocks import Unit
from safeguarding.encompass import terms
from safeguarding.encompass.models import SchoolTerm
from safeguarding.encompass.terms import SchoolCalendar, due_at

from .conftest import LONDON, at

pytestmark = pytest.mark.usefixtures("terms")


def due(notified: dt.datetime) -> dt.datetime:
    """Both ways the due moment is computed must agree: through the registry and with the
    calendar loaded once for a list."""
    via_registry = due_at(notified)
    assert due_at(notified, SchoolCalendar.load()) == via_registry
    return via_registry


def test_the_registry_holds_a_local_timescale_of_one_school_day():
    ts = clocks.timescale("operation_encompass")
    assert (ts.length, ts.unit, ts.national, ts.confirmed) == (1, Unit.SCHOOL_DAYS, False, False)
    assert ts.description.startswith("within 1 school day of the police notifying the school")


@pytest.mark.parametrize(
    ("notified", "expected", "why"),
    [
        (at(2026, 12, 8, 19), at(2026, 12, 9, 8, 30), "a Tuesday evening: Wednesday morning"),
        (at(2026, 12, 9, 10), at(2026, 12, 10, 8, 30), "during the school day: the next morning"),
        (at(2026, 12, 9, 7, 45), at(2026, 12, 9, 8, 30), "before school starts: that morning"),
        (at(2026, 12, 9, 8, 30), at(2026, 12, 10, 8, 30), "as school starts: the next morning"),
        (at(2026, 12, 11, 22, 40), at(2026, 12, 14, 8, 30), "a Friday night: Monday"),
        (at(2026, 12, 12, 3), at(2026, 12, 14, 8, 30), "a Saturday: Monday"),
        (at(2026, 12, 13, 7), at(2026, 12, 14, 8, 30), "early on a Sunday: Monday"),
    ],
)
def test_due_before_the_next_school_day_starts(notified, expected, why):
    assert due(notified) == expected, why


def test_a_bank_holiday_in_term_is_not_a_school_day():
    # Early May bank holiday, Monday 4 May 2026, falls in the summer term.
    assert due(at(2026, 5, 1, 20)) == at(2026, 5, 5, 8, 30)
    # Spring bank holiday Monday 31 May 2027 is in half term: the Friday before is the last day.
    assert due(at(2027, 5, 27, 18)) == at(2027, 5, 28, 8, 30)


def test_school_holidays_wait_for_the_first_day_of_term():
    # The last day of the autumn term, then Christmas (with its bank holidays) and New Year.
    assert due(at(2026, 12, 18, 17)) == at(2027, 1, 4, 8, 30)
    # An incident in the holidays themselves.
    assert due(at(2026, 12, 22, 3)) == at(2027, 1, 4, 8, 30)
    # October half term: school again on Monday 2 November.
    assert due(at(2026, 10, 23, 18)) == at(2026, 11, 2, 8, 30)
    # Easter 2027: the spring term ends on Thursday 25 March, before Good Friday.
    assert due(at(2027, 3, 25, 19)) == at(2027, 4, 12, 8, 30)
    # The summer holidays.
    assert due(at(2026, 7, 22, 16)) == at(2026, 9, 3, 8, 30)


def test_the_due_moment_is_in_england_across_the_clock_change():
    # British summer time ends on Sunday 25 October 2026, in half term.
    moment = due(at(2026, 10, 24, 23, 30))
    assert moment == at(2026, 11, 2, 8, 30)
    assert moment.astimezone(dt.UTC).hour == 8  # GMT
    assert due(at(2026, 6, 8, 20)).astimezone(dt.UTC) == dt.datetime(2026, 6, 9, 7, 30, tzinfo=dt.UTC)  # BST
    # 00:30 BST on a Wednesday is still Tuesday in UTC: the clock counts from England's day.
    assert due(dt.datetime(2026, 6, 9, 23, 30, tzinfo=dt.UTC)) == at(2026, 6, 10, 8, 30)


def test_the_start_of_the_school_day_is_the_local_authoritys():
    with override_settings(ENCOMPASS_SCHOOL_DAY_STARTS="09:15"):
        assert due(at(2026, 12, 9, 9)) == at(2026, 12, 9, 9, 15)
        assert due(at(2026, 12, 11, 22)) == at(2026, 12, 14, 9, 15)
    with override_settings(ENCOMPASS_SCHOOL_DAY_STARTS="half past eight"), pytest.raises(ImproperlyConfigured):
        due(at(2026, 12, 9, 9))


def test_the_partnerships_closure_days_and_local_length_count():
    with override_settings(EXTRA_NON_WORKING_DAYS=["2026-12-14"]):
        assert due(at(2026, 12, 11, 22)) == at(2026, 12, 15, 8, 30)
    with override_settings(LOCAL_TIMESCALES={"operation_encompass": 2}):
        assert due(at(2026, 12, 11, 22)) == at(2026, 12, 15, 8, 30)
        assert clocks.due_date("operation_encompass", dt.date(2026, 12, 17)) == dt.date(2027, 1, 4)


def test_outside_the_terms_entered_every_working_day_is_a_school_day():
    # After the last term entered (28 May 2027): the summer holiday is not known, so no wait.
    assert due(at(2027, 8, 6, 20)) == at(2027, 8, 9, 8, 30)
    SchoolTerm.objects.all().delete()
    assert due(at(2026, 12, 18, 17)) == at(2026, 12, 21, 8, 30)
    assert due(at(2026, 12, 24, 17)) == at(2026, 12, 29, 8, 30)  # still not on bank holidays


def test_overlapping_and_adjacent_terms_are_merged():
    calendar = SchoolCalendar.of(
        [(dt.date(2027, 1, 4), dt.date(2027, 1, 20)), (dt.date(2027, 1, 10), dt.date(2027, 2, 12))]
    )
    assert calendar.terms == ((dt.date(2027, 1, 4), dt.date(2027, 2, 12)),)
    assert calendar.is_school_day(dt.date(2027, 1, 21))
    assert not calendar.is_school_day(dt.date(2027, 1, 23))  # a Saturday


def test_counting_refuses_datetimes_and_going_backwards():
    calendar = SchoolCalendar.load()
    with pytest.raises(TypeError):
        calendar.add_school_days(dt.datetime(2026, 12, 9, tzinfo=LONDON), 1)
    with pytest.raises(ValueError):
        calendar.add_school_days(dt.date(2026, 12, 9), -1)
    assert calendar.add_school_days(dt.date(2026, 12, 19), 0) == dt.date(2026, 12, 19)
    assert terms.add_school_days(dt.date(2026, 12, 17), 2) == dt.date(2027, 1, 4)
