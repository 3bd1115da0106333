"""School days and the Operation Encompass due moment (ADR 10).

A school day is a working day in England (core/calendar.py: weekdays that are not bank
holidays or the partnership's closure days) inside one of the local authority's terms
(`SchoolTerm`, in admin). Days before the first term entered or after the last count as
school days: an authority that has not yet entered next year's dates gets notifications due
too early, never too late.

The notification is due before the start of the next school day (`ENCOMPASS_SCHOOL_DAY_STARTS`,
default 08:30, in England). The clock's length and unit are the registry's
(`core/clocks.py`, "operation_encompass", 1 school day, local): a notification made before
the start time on a school day is due at the start of that day; otherwise at the start of the
next school day. Hence the start day counted from is the day before when the notification
came before the start time, and ADR 7's convention (the start day never counts) does the rest.
"""

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safeguarding.core import calendar, clocks

TIMESCALE = "operation_encompass"


@dataclass(frozen=True)
class SchoolCalendar:
    """The terms entered, merged and sorted, loaded once for as many due dates as needed."""

    terms: tuple[tuple[dt.date, dt.date], ...]

    @classmethod
    def load(cls) -> "SchoolCalendar":
        from safeguarding.encompass.models import SchoolTerm

        return cls.of(SchoolTerm.objects.order_by("first_day").values_list("first_day", "last_day"))

    @classmethod
    def of(cls, terms: Iterable[tuple[dt.date, dt.date]]) -> "SchoolCalendar":
        merged: list[tuple[dt.date, dt.date]] = []
        for first, last in sorted(terms):
            if merged and first <= merged[-1][1] + dt.timedelta(days=1):
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        return cls(tuple(merged))

    @property
    def last_day_entered(self) -> dt.date | None:
        return self.terms[-1][1] if self.terms else None

    def in_term(self, d: dt.date) -> bool:
        if not self.terms or d < self.terms[0][0] or d > self.terms[-1][1]:
            return True  # outside the dates entered: assume term time (too early, never too late)
        i = bisect_right(self.terms, (d, dt.date.max)) - 1
        return i >= 0 and self.terms[i][0] <= d <= self.terms[i][1]

    def is_school_day(self, d: dt.date) -> bool:
        return calendar.is_working_day(d) and self.in_term(d)

    def add_school_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th school day after `start` (the start day does not count; n == 0 is start)."""
        if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
            raise TypeError("add_school_days() takes a date; use calendar.local_date() for a datetime")
        if n < 0:
            raise ValueError("add_school_days() counts forwards; n must be 0 or more.")
        day = start
        while n:
            day = calendar.next_working_day(day)
            if self.in_term(day):
                n -= 1
        return day


def add_school_days(start: dt.date, n: int) -> dt.date:
    """The registry's counter for school days (registered with core/clocks.py at ready())."""
    return SchoolCalendar.load().add_school_days(start, n)


@lru_cache(maxsize=8)
def _parse_time(raw: str) -> dt.time:
    try:
        return dt.time.fromisoformat(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"ENCOMPASS_SCHOOL_DAY_STARTS must be a time such as '08:30', not {raw!r}") from None


def school_day_starts() -> dt.time:
    """When the school day starts (`ENCOMPASS_SCHOOL_DAY_STARTS`, default 08:30), read at call time."""
    raw = getattr(settings, "ENCOMPASS_SCHOOL_DAY_STARTS", "08:30") or "08:30"
    if isinstance(raw, dt.time):
        return raw
    return _parse_time(str(raw))


def clock_start_day(notified_at: dt.datetime) -> dt.date:
    """The day the clock counts from: the day of the notification in England, or the day
    before when it came before the school day starts (so that it is due that morning)."""
    local = notified_at.astimezone(calendar.ENGLAND)
    day = local.date()
    if local.time().replace(tzinfo=None) < school_day_starts():
        day -= dt.timedelta(days=1)
    return day


def due_at(notified_at: dt.datetime, school_calendar: SchoolCalendar | None = None) -> dt.datetime:
    """The moment by which the school should have acknowledged the notification.

    Without `school_calendar`, through the registry (`clocks.due_date`, one query for the
    terms); lists pass a calendar loaded once.
    """
    start = clock_start_day(notified_at)
    if school_calendar is None:
        day = clocks.due_date(TIMESCALE, start)
    else:
        day = school_calendar.add_school_days(start, clocks.timescale(TIMESCALE).length)
    return dt.datetime.combine(day, school_day_starts(), tzinfo=calendar.ENGLAND)
