"""A team's timeliness, counted by the database.

Everything is read from the projection of the pathway's clocks (`ClockRow`, kept by
`pathway.projection` in each service's transaction), in three queries whatever the number of
cases. Open clocks: "overdue" and "due soon" are start-date filters found once per clock
(`rules.thresholds`), so no due date is computed per row. Completed in the last 12 months: the
database groups the steps by (clock, start date, completion date) and counts them; each
distinct pair is judged in time or late once in Python. A year has a few hundred distinct
dates, so the pairs are far fewer than the steps.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q

from safeguarding.access.models import Team, User
from safeguarding.core import calendar, clocks
from safeguarding.pathway.models import ClockRow
from safeguarding.pathway.rules import RULES, thresholds


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


def _owned_by(team: Team | None) -> Q:
    return Q(owner__team=team.pk) if team is not None else Q()


def _open_counts(team: Team | None, today: dt.date) -> tuple[list[ClockCounts], list[ClockCounts], dict[int, Any]]:
    """Two queries over the projection: clocks nobody owns yet, across the local authority,
    and the team's own clocks by practitioner. "Due soon" and "overdue" are start-date filters
    (the thresholds of `rules.thresholds`), so no due date is computed per row."""
    soon = Q()
    over = Q()
    for rule in RULES:
        t = thresholds(rule.key, today)
        soon |= Q(key=rule.key, start_on__lt=t.due_soon_before)
        over |= Q(key=rule.key, start_on__lt=t.overdue_before)
    running = ClockRow.objects.filter(completed_on__isnull=True)
    ownerless = [rule for rule in RULES if rule.owner is None]
    owned_rules = [rule for rule in RULES if rule.owner is not None]

    counted = {
        key: (n_open, n_soon, n_over)
        for key, n_open, n_soon, n_over in running.filter(key__in=[r.key for r in ownerless])
        .values("key")
        .annotate(n_open=Count("pk"), n_soon=Count("pk", filter=soon), n_over=Count("pk", filter=over))
        .values_list("key", "n_open", "n_soon", "n_over")
        .order_by()
    }
    waiting = []
    for rule in ownerless:
        ts = _ts(rule.key)
        n_open, n_soon, n_over = counted.get(rule.key, (0, 0, 0))
        waiting.append(
            ClockCounts(
                key=rule.key,
                name=ts.name,
                description=ts.description,
                open=n_open,
                due_soon=n_soon - n_over,
                overdue=n_over,
                note=rule.note,
            )
        )

    owned = {
        r.key: ClockCounts(key=r.key, name=_ts(r.key).name, description=_ts(r.key).description) for r in owned_rules
    }
    by_owner: dict[int, PractitionerCounts] = {}
    rows = (
        running.filter(_owned_by(team), key__in=list(owned), owner__isnull=False)
        .values("key", "owner")
        .annotate(n_open=Count("pk"), n_soon=Count("pk", filter=soon), n_over=Count("pk", filter=over))
        .values_list("key", "owner", "n_open", "n_soon", "n_over")
        .order_by()
    )
    for key, owner, n_open, n_soon, n_over in rows:
        line = owned[key]
        line.open += n_open
        line.due_soon += n_soon - n_over
        line.overdue += n_over
        who = by_owner.setdefault(owner, PractitionerCounts(user_id=owner, name=""))
        who.open += n_open
        who.due_soon += n_soon - n_over
        who.overdue += n_over
    return list(owned.values()), waiting, by_owner


def _judge(key_pairs: Iterable[tuple[str, dt.date, dt.date, int]]) -> tuple[int, int]:
    """(in time, late) from (clock, start, completed, how many) rows."""
    in_time = late = 0
    due: dict[tuple[str, dt.date], dt.date] = {}
    for key, start, done, n in key_pairs:
        d = due.get((key, start))
        if d is None:
            d = due[(key, start)] = clocks.due_date(key, start)
        if done <= d:
            in_time += n
        else:
            late += n
    return in_time, late


COMPLETED = (
    ("Decisions on contacts within 1 working day", ("referral_decision",)),
    ("Child and family assessments within 45 working days", ("child_and_family_assessment",)),
    (
        "Initial child protection conferences within 15 working days of the strategy discussion",
        ("initial_conference",),
    ),
    ("First core group meetings within 10 working days", ("first_core_group",)),
    ("Review conferences in time", ("first_review_conference", "review_conference")),
)


def _completed(team: Team | None, since: dt.date, today: dt.date) -> list[Completed]:
    """Steps completed in the window, grouped by (clock, start, end) in the database; each
    distinct pair is judged once. One query."""
    rows = (
        ClockRow.objects.filter(_owned_by(team), completed_on__gt=since, completed_on__lte=today)
        .values_list("key", "start_on", "completed_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_key: dict[str, list[tuple[str, dt.date, dt.date, int]]] = defaultdict(list)
    for key, start, done, n in rows:
        by_key[key].append((key, start, done, n))
    return [
        Completed(label, *_judge(pair for key in keys for pair in by_key.get(key, []))) for label, keys in COMPLETED
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
