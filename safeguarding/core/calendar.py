"""England's working-day calendar: the one place that says which days count.

Statutory timescales in Working Together 2023 are counted in working days: weekdays that are
not bank holidays in England (see docs/adr/0007-working-days-and-clocks.md). Bank holidays
come from the `holidays` package (country "GB", subdivision "ENG"), which carries the
substitute days (a holiday on a weekend moves to the next weekday) and the one-off days
proclaimed for a single year (2020-05-08 VE day instead of the early May holiday, the
2022 platinum jubilee, 2022-09-19 state funeral of Queen Elizabeth II, 2023-05-08
coronation of King Charles III). A partnership whose offices close on other days lists
them in the `EXTRA_NON_WORKING_DAYS` setting (ISO dates), read at call time.

Convention for counting: the start day never counts. "Within 1 working day" of a contact
received on a Friday means by the end of the next working day, Monday; so
`add_working_days(friday, 1)` is that Monday, and `working_days_between(a, b)` counts the
working days in (a, b], which makes the two functions inverses of each other.

Everything here works on `datetime.date`. A timezone-aware datetime becomes a date with
`local_date`, which takes it to Europe/London: a referral made at 00:30 BST on a Tuesday
was made on Tuesday, although it is still Monday in UTC.
"""

import datetime as dt
from bisect import bisect_right
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

ENGLAND = ZoneInfo("Europe/London")

_SATURDAY = 5


def local_date(value: dt.datetime) -> dt.date:
    """The date in England of a timezone-aware moment. Naive datetimes are refused."""
    if not isinstance(value, dt.datetime):
        raise TypeError("local_date() takes a datetime; a date is already a local date.")
    if timezone.is_naive(value):
        raise ValueError("local_date() needs a timezone-aware datetime.")
    return value.astimezone(ENGLAND).date()


def long_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: 3 March 2025."""
    return f"{day.day} {day:%B %Y}"


def day_moment(day: dt.date, hour: int = 9) -> dt.datetime:
    """A day recorded on a pathway row (a conference held, a visit made) as the moment the
    chronology orders it by: 9am in England that day."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ENGLAND)


def today() -> dt.date:
    """Today's date in England (follows frozen time in tests)."""
    return local_date(timezone.now())


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in a year, with substitute days and one-off holidays."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@lru_cache(maxsize=32)
def _parse_extra_days(raw: tuple[object, ...]) -> frozenset[dt.date]:
    days = set()
    for item in raw:
        if isinstance(item, dt.datetime):
            raise ImproperlyConfigured(f"EXTRA_NON_WORKING_DAYS holds dates, not datetimes: {item!r}")
        if isinstance(item, dt.date):
            days.add(item)
            continue
        try:
            days.add(dt.date.fromisoformat(str(item)))
        except ValueError:
            raise ImproperlyConfigured(
                f"EXTRA_NON_WORKING_DAYS must hold ISO dates such as '2026-12-24', not {item!r}"
            ) from None
    return frozenset(days)


def extra_non_working_days() -> frozenset[dt.date]:
    """The partnership's own closure days (setting `EXTRA_NON_WORKING_DAYS`, default none)."""
    raw = getattr(settings, "EXTRA_NON_WORKING_DAYS", ()) or ()
    if isinstance(raw, str | dt.date):
        raise ImproperlyConfigured("EXTRA_NON_WORKING_DAYS must be a list of dates, not a single value.")
    return _parse_extra_days(tuple(raw))


@lru_cache(maxsize=1024)
def _closed_weekdays(year: int, extra: frozenset[dt.date]) -> tuple[dt.date, ...]:
    """Sorted weekdays of a year that are not working days (weekends are handled by arithmetic)."""
    closed = bank_holidays(year) | {d for d in extra if d.year == year}
    return tuple(sorted(d for d in closed if d.weekday() < _SATURDAY))


def _check_date(d: object) -> None:
    # A datetime is a date to Python; counting from its UTC date would be a day out late at night.
    if isinstance(d, dt.datetime) or not isinstance(d, dt.date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}; use local_date() for datetimes")


def is_working_day(d: dt.date) -> bool:
    """A weekday that is neither an England bank holiday nor a local closure day."""
    _check_date(d)
    if d.weekday() >= _SATURDAY:
        return False
    return d not in bank_holidays(d.year) and d not in extra_non_working_days()


def _weekdays_to(d: dt.date) -> int:
    """Weekdays from 0001-01-01 (a Monday) up to and including d."""
    days = d.toordinal() - 1
    return (days // 7) * 5 + min(days % 7 + 1, 5)


def _closed_in(start: dt.date, end: dt.date, extra: frozenset[dt.date]) -> int:
    """Closed weekdays in (start, end]."""
    count = 0
    for year in range(start.year, end.year + 1):
        closed = _closed_weekdays(year, extra)
        count += bisect_right(closed, end) - bisect_right(closed, start)
    return count


def _count(start: dt.date, end: dt.date, extra: frozenset[dt.date]) -> int:
    if end <= start:
        return 0
    return _weekdays_to(end) - _weekdays_to(start) - _closed_in(start, end, extra)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: 0 on the same day, negative when end is before start.

    The inverse of `add_working_days`: working_days_between(d, add_working_days(d, n)) == n.
    """
    _check_date(start)
    _check_date(end)
    extra = extra_non_working_days()
    if end < start:
        return -_count(end, start, extra)
    return _count(start, end, extra)


def _add_weekdays(start: dt.date, n: int) -> dt.date:
    """The n-th weekday after start (n >= 1), ignoring holidays."""
    weekday = start.weekday()
    if weekday >= _SATURDAY:
        # The weekdays after a Saturday or Sunday are the weekdays after the Friday before.
        start -= dt.timedelta(days=weekday - 4)
        weekday = 4
    weeks, rest = divmod(n, 5)
    if weekday + rest >= _SATURDAY:
        rest += 2
    return start + dt.timedelta(weeks=weeks, days=rest)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day n working days after start. The start day does not count; n == 0 gives start.

    `add_working_days(friday, 1)` is the following Monday (or Tuesday after a bank holiday).
    """
    _check_date(start)
    if n < 0:
        raise ValueError("add_working_days() counts forwards; n must be 0 or more.")
    extra = extra_non_working_days()
    day = start
    while n:
        # Jump over weekdays, then go on by as many days as there were closures on the way.
        candidate = _add_weekdays(day, n)
        n = _closed_in(day, candidate, extra)
        day = candidate
    return day


def next_working_day(d: dt.date) -> dt.date:
    """The first working day after d (never d itself)."""
    return add_working_days(d, 1)
