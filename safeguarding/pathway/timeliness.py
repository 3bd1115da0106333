"""A team's timeliness, counted by the database.

Open clocks: for each rule one GROUP BY owner query, with "overdue" and "due soon" as start-date
filters found once per clock (`rules.thresholds`), so no due date is computed per row.

Completed in the last 12 months: the database groups the steps by (start date, completion
date) and counts them; each distinct pair is judged in time or late once in Python. A year
has a few hundred distinct dates, so the pairs are far fewer than the steps.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import CharField, Count, DateField, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate

from safeguarding.access.models import Team, User
from safeguarding.assessments.models import AssessmentCompletion
from safeguarding.core import calendar, clocks
from safeguarding.frontdoor.models import ContactDecision
from safeguarding.pathway.rules import RULES, thresholds
from safeguarding.protection.models import Conference, ConferenceKind, CoreGroupMeeting, ProtectionPlan


@dataclasses.dataclass
class ClockCounts:
    key: str
    name: str
    description: str
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Completed:
    label: str
    in_time: int
    late: int

    @property
    def total(self) -> int:
        return self.in_time + self.late

    @property
    def percent(self) -> int | None:
        return round(100 * self.in_time / self.total) if self.total else None

    @property
    def words(self) -> str:
        if not self.total:
            return "None completed in the last 12 months"
        return f"{self.in_time} of {self.total} in time ({self.percent}%), {self.late} late"


@dataclasses.dataclass
class PractitionerCounts:
    user_id: int
    name: str
    open: int = 0
    due_soon: int = 0
    overdue: int = 0


@dataclasses.dataclass(frozen=True)
class Timeliness:
    team: Team | None
    today: dt.date
    since: dt.date
    # Clocks owned by the team's practitioners, one line per clock.
    clocks: list[ClockCounts]
    # Clocks owned by nobody yet (the front door's undecided contacts, referrals waiting for
    # an assessment to be allocated), across the local authority.
    waiting: list[ClockCounts]
    completed: list[Completed]
    practitioners: list[PractitionerCounts]


def _ts(key: str) -> clocks.Timescale:
    return clocks.timescale(key)


def _open_counts(team: Team | None, today: dt.date) -> tuple[list[ClockCounts], list[ClockCounts], dict[int, Any]]:
    owned: dict[str, ClockCounts] = {}
    waiting: list[ClockCounts] = []
    by_owner: dict[int, PractitionerCounts] = {}
    for rule in RULES:
        t = thresholds(rule.key, today)
        aggregates = {
            "n_open": Count("pk"),
            "n_soon": Count("pk", filter=rule.started_before(rule.bound(t.due_soon_before))),
            "n_over": Count("pk", filter=rule.started_before(rule.bound(t.overdue_before))),
        }
        ts = _ts(rule.key)
        if rule.owner is None:
            row = rule.rows().aggregate(**aggregates)
            waiting.append(
                ClockCounts(
                    key=rule.key,
                    name=ts.name,
                    description=ts.description,
                    open=row["n_open"],
                    due_soon=row["n_soon"] - row["n_over"],
                    overdue=row["n_over"],
                    note=rule.note,
                )
            )
            continue
        qs = rule.rows()
        if team is not None:
            qs = qs.filter(**{f"{rule.owner}__team": team.pk})
        line = owned.setdefault(rule.key, ClockCounts(key=rule.key, name=ts.name, description=ts.description))
        for row in qs.values(rule.owner).annotate(**aggregates).order_by():
            soon = row["n_soon"] - row["n_over"]
            line.open += row["n_open"]
            line.due_soon += soon
            line.overdue += row["n_over"]
            who = by_owner.setdefault(row[rule.owner], PractitionerCounts(user_id=row[rule.owner], name=""))
            who.open += row["n_open"]
            who.due_soon += soon
            who.overdue += row["n_over"]
    return list(owned.values()), waiting, by_owner


def _judge(key_pairs: Iterable[tuple[str, dt.date, dt.date, int]]) -> tuple[int, int]:
    """(in time, late) from (clock, start, completed, how many) rows."""
    in_time = late = 0
    due: dict[tuple[str, dt.date], dt.date] = {}
    for key, start, done, n in key_pairs:
        if start is None or done is None:
            continue
        d = due.get((key, start))
        if d is None:
            d = due[(key, start)] = clocks.due_date(key, start)
        if done <= d:
            in_time += n
        else:
            late += n
    return in_time, late


def _local_days(field: str) -> dict[str, Any]:
    """Annotations giving a stored moment's date in England, for grouping.

    PostgreSQL converts natively (AT TIME ZONE). SQLite would call a Python function per row
    (Django's TruncDate there), too slow over a year of decisions; its own date() is native but
    UTC. So on SQLite group by the UTC date and the UTC date an hour later: they differ only at
    23:00-23:59 UTC, which is the next day in England exactly when summer time is on.
    """
    if connection.vendor == "sqlite":
        return {
            f"{field}_a": Func(F(field), function="date", output_field=CharField()),
            f"{field}_b": Func(F(field), Value("+1 hours"), function="date", output_field=CharField()),
        }
    return {
        f"{field}_a": TruncDate(field, tzinfo=calendar.ENGLAND),
        f"{field}_b": Value(None, output_field=CharField()),
    }


def _local_day(a: Any, b: Any) -> dt.date:
    if isinstance(a, dt.date):
        return a
    day, hour_later = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    if day == hour_later:
        return day
    return calendar.local_date(dt.datetime.combine(day, dt.time(23, 30), tzinfo=dt.UTC))


def _decision_days(qs: QuerySet[Any]) -> list[tuple[dt.date, dt.date, int]]:
    """(received date, decided date, how many) for the decisions in `qs`, grouped in the database."""
    received = _local_days("contact__received_at")
    decided = _local_days("decided_at")
    rows = qs.annotate(**received, **decided).values_list(*received, *decided).annotate(n=Count("pk")).order_by()
    out: dict[tuple[dt.date, dt.date], int] = defaultdict(int)
    for ra, rb, da, db, n in rows:
        out[(_local_day(ra, rb), _local_day(da, db))] += n
    return [(r, d, n) for (r, d), n in out.items()]


def _in_team(field: str, team: Team | None) -> Q:
    return Q(**{f"{field}__team": team.pk}) if team is not None else Q()


def _completed(team: Team | None, since: dt.date, today: dt.date) -> list[Completed]:
    window = {"gt": since, "lte": today}

    def between(field: str) -> Q:
        return Q(**{f"{field}__{op}": value for op, value in window.items()})

    # Decisions: start and end are moments, taken to their dates in England.
    start_of = dt.datetime.combine(since + dt.timedelta(days=1), dt.time.min, tzinfo=calendar.ENGLAND)
    end_of = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=calendar.ENGLAND)
    decisions = _decision_days(
        ContactDecision.objects.filter(_in_team("decided_by", team), decided_at__gte=start_of, decided_at__lt=end_of)
    )
    assessments = (
        AssessmentCompletion.objects.filter(_in_team("assessment__lead_practitioner", team), between("completed_on"))
        .values_list("assessment__referral__referral_date", "completed_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    conferences = (
        Conference.objects.filter(
            _in_team("section47__lead_social_worker", team), between("held_on"), kind=ConferenceKind.INITIAL
        )
        .values_list("section47__strategy_discussion__held_on", "held_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    first_meeting = CoreGroupMeeting.objects.filter(plan_id=OuterRef("pk")).order_by("held_on").values("held_on")[:1]
    core_groups = (
        ProtectionPlan.objects.filter(_in_team("lead_social_worker", team))
        .annotate(first=Subquery(first_meeting, output_field=DateField()))
        .filter(between("first"))
        .values_list("started_on", "first")
        .annotate(n=Count("pk"))
        .order_by()
    )
    previous = (
        Conference.objects.filter(
            plan_id=OuterRef("plan_id"), kind=ConferenceKind.REVIEW, held_on__lt=OuterRef("held_on")
        )
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    reviews = (
        Conference.objects.filter(
            _in_team("plan__lead_social_worker", team), between("held_on"), kind=ConferenceKind.REVIEW
        )
        .annotate(prev=Subquery(previous, output_field=DateField()))
        .annotate(start=Coalesce(F("prev"), F("plan__started_on")))
        .values_list("prev", "start", "held_on")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def keyed(key: str, rows: Iterable[tuple[Any, ...]]) -> list[tuple[str, dt.date, dt.date, int]]:
        return [(key, s, e, n) for s, e, n in rows]

    review_rows = [
        ("first_review_conference" if prev is None else "review_conference", start, held, n)
        for prev, start, held, n in reviews
    ]
    return [
        Completed("Decisions on contacts within 1 working day", *_judge(keyed("referral_decision", decisions))),
        Completed(
            "Child and family assessments within 45 working days",
            *_judge(keyed("child_and_family_assessment", assessments)),
        ),
        Completed(
            "Initial child protection conferences within 15 working days of the strategy discussion",
            *_judge(keyed("initial_conference", conferences)),
        ),
        Completed("First core group meetings within 10 working days", *_judge(keyed("first_core_group", core_groups))),
        Completed("Review conferences in time", *_judge(review_rows)),
    ]


def team_timeliness(team: Team | None, today: dt.date | None = None) -> Timeliness:
    """Open, due soon and overdue clocks of a team's practitioners (the whole local authority
    when `team` is None), steps completed in time over the last 12 months, and each
    practitioner's open and overdue clocks. A constant number of queries."""
    today = today or calendar.today()
    since = today - relativedelta(months=12)
    owned, waiting, by_owner = _open_counts(team, today)
    members = User.objects.filter(is_active=True, team=team) if team is not None else User.objects.none()
    ids = set(by_owner)
    people = User.objects.filter(Q(pk__in=members.values("pk")) | Q(pk__in=ids)).order_by(
        "last_name", "first_name", "username"
    )
    practitioners = []
    for user in people.only("pk", "first_name", "last_name", "username"):
        counts = by_owner.get(user.pk) or PractitionerCounts(user_id=user.pk, name="")
        counts.name = user.display_name
        practitioners.append(counts)
    return Timeliness(
        team=team,
        today=today,
        since=since,
        clocks=owned,
        waiting=waiting,
        completed=_completed(team, since, today),
        practitioners=practitioners,
    )
