"""Every statutory and local timescale of the pathway, in one place.

Each `Timescale` says what starts the clock, how long it runs (working days, calendar days
or calendar months), whether it is national (set by Working Together 2023 or the CIN census,
not changeable here) or local (the safeguarding partnership's choice), where the figure comes
from, and what happens when it is missed. Facts and sources are those of
`../shared/DOMAIN.md`, "The pathway and its clocks"; conventions are in
docs/adr/0007-working-days-and-clocks.md.

Local timescales are overridden by the `LOCAL_TIMESCALES` setting, a dict of key to length in
the timescale's own unit, e.g. `{"strategy_discussion": 2}`, read at call time. Naming a
national timescale or an unknown key there is a configuration error, not a silent no-op.

Clocks are computed, never stored: `due_date(key, start)` and `clock_status(key, start,
completed_on, today)` take the dates recorded on the rows of the pathway.
"""

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safeguarding.core import calendar


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    # Working days in the local authority's school terms. Term dates are the authority's, held
    # by the encompass app, which registers the counter (`register_school_days`, ADR 10).
    SCHOOL_DAYS = "school_days"


class ClockState(enum.StrEnum):
    DUE = "due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


@dataclasses.dataclass(frozen=True)
class Timescale:
    key: str
    name: str
    start_event: str
    length: int
    unit: Unit
    national: bool
    source: str
    on_miss: str
    # False where DOMAIN.md marks the figure UNCONFIRMED (local practice, not checked).
    confirmed: bool = True

    @property
    def description(self) -> str:
        units = {
            Unit.WORKING_DAYS: "working day",
            Unit.CALENDAR_DAYS: "day",
            Unit.MONTHS: "month",
            Unit.SCHOOL_DAYS: "school day",
        }
        unit = units[self.unit] + ("" if self.length == 1 else "s")
        return f"within {self.length} {unit} of {self.start_event}"


WD, CD, MONTHS = Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.MONTHS

TIMESCALES: tuple[Timescale, ...] = (
    Timescale(
        key="referral_decision",
        name="Decision on a contact or referral",
        start_event="the contact or referral being received",
        length=1,
        unit=WD,
        national=True,
        source="Working Together 2023 (as quoted by school policies and KCSIE); "
        "safeguardingcambspeterborough.org.uk local procedures",
        on_miss="The contact shows as overdue on the front door queue and the team manager's timeliness "
        "view; the referrer has not been told what will happen and may chase or re-refer.",
    ),
    Timescale(
        key="child_and_family_assessment",
        name="Child and family assessment (section 17)",
        start_event="the referral",
        length=45,
        unit=WD,
        national=True,
        source="proceduresonline.com glossary 'assessment'; seed 003; CIN census assessment timeliness",
        on_miss="The assessment counts as late in the CIN census; completing it needs a recorded reason "
        "for the delay, and it shows as overdue to the social worker and their manager.",
    ),
    Timescale(
        key="strategy_discussion",
        name="Strategy discussion",
        start_event="the decision that there is reasonable cause to suspect significant harm",
        length=3,
        unit=WD,
        national=False,
        source="buckschildrensmapp.co.uk; devonscp.org.uk (local rules, e.g. 2 to 3 working days)",
        on_miss="Shows as overdue to the front door and the team manager; the partnership's local "
        "procedure decides on escalation. No national deadline is breached.",
    ),
    Timescale(
        key="section47_enquiry",
        name="Section 47 enquiry",
        start_event="the strategy discussion that started it",
        length=6,
        unit=WD,
        national=False,
        source="durhamcs.trixonline.co.uk (local, e.g. 6 working days)",
        on_miss="Shows as overdue to the social worker and their manager; local escalation applies. "
        "No national deadline is breached.",
    ),
    Timescale(
        key="initial_conference",
        name="Initial child protection conference",
        start_event="the strategy discussion that started the section 47 enquiry",
        length=15,
        unit=WD,
        national=True,
        source="devon.gov.uk child protection procedures; CIN census InitialCPCtarget",
        on_miss="The conference counts as late in the CIN census (InitialCPCtarget) and in the "
        "partnership's timeliness figures; the conference chair and manager are told.",
    ),
    Timescale(
        key="first_core_group",
        name="First core group meeting",
        start_event="the initial child protection conference",
        length=10,
        unit=WD,
        national=True,
        source="newcastlechildcare.proceduresonline.com",
        on_miss="The child protection plan has no core group to carry it out; shows as overdue to the "
        "lead social worker, their manager and the conference chair.",
    ),
    Timescale(
        key="first_review_conference",
        name="First child protection review conference",
        start_event="the initial child protection conference",
        length=3,
        unit=MONTHS,
        national=True,
        source="teescpp.org.uk; sussexchildprotection.procedures.org.uk",
        on_miss="The plan has gone unreviewed beyond the statutory interval; counts as a late review "
        "in the partnership's figures and shows as overdue to the conference chair and manager.",
    ),
    Timescale(
        key="review_conference",
        name="Child protection review conference",
        start_event="the previous review conference",
        length=6,
        unit=MONTHS,
        national=True,
        source="teescpp.org.uk; sussexchildprotection.procedures.org.uk (at most 6 months apart)",
        on_miss="The plan has gone unreviewed beyond the statutory interval; counts as a late review "
        "in the partnership's figures and shows as overdue to the conference chair and manager.",
    ),
    Timescale(
        key="cp_visit",
        name="Statutory visit to a child on a child protection plan",
        start_event="the plan starting, then the last visit at which the child was seen",
        length=10,
        unit=WD,
        national=False,
        source="Local procedures (commonly at least every 10 working days); not set nationally",
        on_miss="The child has not been seen within the partnership's visiting interval; shows as "
        "overdue to the lead social worker and their manager.",
        confirmed=False,
    ),
    Timescale(
        key="cin_plan_review",
        name="Child in need plan review",
        start_event="the plan starting, then the last review",
        length=3,
        unit=MONTHS,
        national=False,
        source="Local procedures (commonly within 3 months, then regularly); not set nationally",
        on_miss="The plan has gone unreviewed beyond the partnership's interval; shows as overdue to the "
        "lead practitioner and their manager.",
        confirmed=False,
    ),
    Timescale(
        key="early_help_review",
        name="Early help family plan review",
        start_event="the early help episode starting, then the last review",
        length=3,
        unit=MONTHS,
        national=False,
        source="Local early help procedures (commonly every 6 to 12 weeks); not set nationally",
        on_miss="The family plan has gone unreviewed beyond the partnership's interval; shows as overdue "
        "to the lead practitioner.",
        confirmed=False,
    ),
    Timescale(
        key="pre_birth_review",
        name="Review conference or core group after the birth of a baby on a pre-birth plan",
        start_event="the birth",
        length=10,
        unit=CD,
        national=False,
        source="bromleychildcare.proceduresonline.com (London Child Protection Procedures 4.1.22: "
        "within 10 days of the birth, 20 if the mother is not medically fit)",
        on_miss="Shows as overdue to the lead social worker and the conference chair; local escalation applies.",
        confirmed=False,
    ),
    Timescale(
        key="serious_incident_notification",
        name="Serious incident notification to the Child Safeguarding Practice Review Panel",
        start_event="the local authority becoming aware of the incident",
        length=5,
        unit=WD,
        national=True,
        source="nelincsscp.trixonline.co.uk; sloughchildcare.proceduresonline.com",
        on_miss="The local authority has breached its duty to notify the national panel (and, for a "
        "looked-after child's death, the Secretary of State and Ofsted); the partnership must "
        "notify at once and record why it was late.",
    ),
    Timescale(
        key="rapid_review",
        name="Rapid review",
        start_event="the serious incident notification",
        length=15,
        unit=WD,
        national=True,
        source="childsafeguarding.independent-panel.uk FAQs",
        on_miss="The national panel does not have the partnership's decision on a local child "
        "safeguarding practice review in time; the delegated safeguarding partners are told.",
    ),
    Timescale(
        key="practice_review",
        name="Local child safeguarding practice review published",
        start_event="the review starting",
        length=6,
        unit=MONTHS,
        national=False,
        source="traffordsafeguardingpartnership.org.uk (normally within 6 months)",
        on_miss="The partnership explains the delay to the national panel and in its yearly report; "
        "shows as overdue to the lead safeguarding partners.",
        confirmed=False,
    ),
    Timescale(
        key="operation_encompass",
        name="Operation Encompass notification acknowledged by the child's school",
        start_event="the police notifying the school of a domestic abuse incident the child was present at "
        "or normally lives at (due before the school day starts: ENCOMPASS_SCHOOL_DAY_STARTS)",
        length=1,
        unit=Unit.SCHOOL_DAYS,
        national=False,
        source="operationencompass.org (the school's key adult is told before the start of the next school "
        "day); term dates and the start of the school day are the local authority's",
        on_miss="The notification escalates once: the school's designated safeguarding leads are e-mailed "
        "again and the front door is told; it shows as overdue on the school's Operation Encompass queue.",
        confirmed=False,
    ),
)

_BY_KEY: dict[str, Timescale] = {t.key: t for t in TIMESCALES}


@lru_cache(maxsize=32)
def _validated_overrides(items: tuple[tuple[object, object], ...]) -> dict[str, int]:
    overrides: dict[str, int] = {}
    for key, length in items:
        timescale = _BY_KEY.get(str(key))
        if timescale is None:
            raise ImproperlyConfigured(f"LOCAL_TIMESCALES names an unknown timescale {key!r}.")
        if timescale.national:
            raise ImproperlyConfigured(
                f"LOCAL_TIMESCALES cannot change {key!r}: it is a national timescale set by statutory guidance."
            )
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ImproperlyConfigured(f"LOCAL_TIMESCALES[{key!r}] must be a whole number of 1 or more.")
        overrides[timescale.key] = length
    return overrides


def _local_overrides() -> dict[str, int]:
    raw = getattr(settings, "LOCAL_TIMESCALES", None) or {}
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured("LOCAL_TIMESCALES must be a dict of timescale key to length.")
    return _validated_overrides(tuple(sorted(raw.items(), key=lambda item: str(item[0]))))


def timescale(key: str) -> Timescale:
    """The timescale in force: the registry's, with the partnership's local length if it set one."""
    try:
        base = _BY_KEY[key]
    except KeyError:
        raise KeyError(f"no timescale {key!r}; known: {', '.join(_BY_KEY)}") from None
    length = _local_overrides().get(key)
    if length is None or length == base.length:
        return base
    return dataclasses.replace(base, length=length)


def timescales() -> list[Timescale]:
    """Every timescale in force, in pathway order (for the help pages and the manager's view)."""
    return [timescale(t.key) for t in TIMESCALES]


# The school-day counter: (start, n) -> the n-th school day after start. Registered by the
# app that holds the local authority's term dates (safeguarding.encompass, at ready()).
_school_days: list[Callable[[dt.date, int], dt.date]] = []


def register_school_days(add_school_days: Callable[[dt.date, int], dt.date]) -> None:
    _school_days[:] = [add_school_days]


def _due(ts: Timescale, start: dt.date) -> dt.date:
    if ts.unit is Unit.WORKING_DAYS:
        return calendar.add_working_days(start, ts.length)
    if ts.unit is Unit.SCHOOL_DAYS:
        if not _school_days:
            raise ImproperlyConfigured(f"{ts.key!r} counts school days: install safeguarding.encompass")
        return _school_days[0](start, ts.length)
    if ts.unit is Unit.CALENDAR_DAYS:
        return start + dt.timedelta(days=ts.length)
    # Calendar months, clamped to the month's end: 3 months from 30 November is 28/29 February.
    # The due day is not moved off a weekend: "within 3 months" is a calendar limit.
    return start + relativedelta(months=ts.length)


def due_date(key: str, start: dt.date) -> dt.date:
    """The last day on which the step is in time, for a clock started on `start`."""
    if isinstance(start, dt.datetime):
        raise TypeError("due_date() takes a date; use calendar.local_date() for a datetime")
    return _due(timescale(key), start)


@dataclasses.dataclass(frozen=True)
class ClockStatus:
    timescale: Timescale
    start: dt.date
    due: dt.date
    state: ClockState
    # Days left on `as_of` (today, or the completion day once met), counted in `days_unit`:
    # working days for working-day timescales, calendar days otherwise. 0 on the due day,
    # negative once past it (so -2 means two days late). An open clock is overdue from the day
    # after its due date, so on the weekend after a Friday due date it is overdue by 0 working days.
    days_remaining: int
    days_unit: Unit
    as_of: dt.date
    completed_on: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.completed_on is None

    @property
    def days_late(self) -> int:
        return max(0, -self.days_remaining)


def warning_working_days() -> int:
    """Working days before the due date at which a clock shows as due soon (`CLOCK_WARNING_WORKING_DAYS`)."""
    value = getattr(settings, "CLOCK_WARNING_WORKING_DAYS", 2)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured("CLOCK_WARNING_WORKING_DAYS must be a whole number of 0 or more.")
    return value


def clock_status(
    key: str,
    start: dt.date,
    completed_on: dt.date | None = None,
    today: dt.date | None = None,
) -> ClockStatus:
    """Where a clock stands: due, due soon, overdue, met, or met late.

    A step completed on its due date is met. An open clock is due soon when its due date is
    within `CLOCK_WARNING_WORKING_DAYS` working days (default 2), including the due day itself.
    """
    for value in (start, completed_on, today):
        if isinstance(value, dt.datetime):
            raise TypeError("clock_status() takes dates; use calendar.local_date() for datetimes")
    if completed_on is not None and completed_on < start:
        raise ValueError("A step cannot be completed before its clock started.")
    ts = timescale(key)
    due = _due(ts, start)
    as_of = completed_on if completed_on is not None else (today or calendar.today())
    if ts.unit is Unit.WORKING_DAYS:
        remaining, days_unit = calendar.working_days_between(as_of, due), Unit.WORKING_DAYS
    else:
        remaining, days_unit = (due - as_of).days, Unit.CALENDAR_DAYS

    if completed_on is not None:
        state = ClockState.MET if completed_on <= due else ClockState.MET_LATE
    elif as_of > due:
        state = ClockState.OVERDUE
    elif calendar.working_days_between(as_of, due) <= warning_working_days():
        state = ClockState.DUE_SOON
    else:
        state = ClockState.DUE
    return ClockStatus(
        timescale=ts,
        start=start,
        due=due,
        state=state,
        days_remaining=remaining,
        days_unit=days_unit,
        as_of=as_of,
        completed_on=completed_on,
    )
