"""What is due: the open clocks of one child, of one practitioner, of the whole local authority.

The rules (which rows are running clocks, when each started, whose it is) are in
`pathway/rules.py`; the due dates and states come from `core/clocks.py`. Each function here runs
one query per rule whatever the number of rows (asserted in tests), fetches plain values and
computes the due dates in Python, once per distinct (clock, start date).

The manager's view counts rather than lists: `pathway/timeliness.py`.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from safeguarding.access.models import User
from safeguarding.assessments.models import Assessment, CINPlan
from safeguarding.core import calendar, clocks
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.frontdoor.models import Referral
from safeguarding.pathway.rules import RULES, Rule, thresholds
from safeguarding.pathway.timeliness import team_timeliness
from safeguarding.people.models import Child
from safeguarding.protection.models import ProtectionPlan

__all__ = [
    "EpisodeSummary",
    "FrontDoorWaiting",
    "OpenClock",
    "all_open_clocks",
    "child_clocks",
    "child_open_episodes",
    "clocks_for_practitioner",
    "front_door_waiting",
    "team_timeliness",
]

TAGS = {
    clocks.ClockState.OVERDUE: ("govuk-tag--red", "Overdue"),
    clocks.ClockState.DUE_SOON: ("govuk-tag--yellow", "Due soon"),
    clocks.ClockState.DUE: ("govuk-tag--grey", "Due"),
    clocks.ClockState.MET: ("govuk-tag--green", "Met"),
    clocks.ClockState.MET_LATE: ("govuk-tag--orange", "Met late"),
}


def link(url_name: str, child_id: int, pk: int | None) -> str:
    """The page of a step, or "" while the app that provides it is not there yet."""
    if pk is None:
        return ""
    try:
        return reverse(url_name, args=[child_id, pk])
    except NoReverseMatch:
        return ""


@dataclasses.dataclass(frozen=True, slots=True)
class OpenClock:
    key: str
    name: str
    child_id: int
    child_name: str
    la_child_id: str
    # The row the clock hangs on ("assessments.assessment", id): what a reminder is about.
    source_type: str
    source_id: int
    # The page to open for it: url_name takes (child_id, url_pk).
    url_name: str
    url_pk: int | None
    owner_id: int | None
    start: dt.date
    status: clocks.ClockStatus
    also_owner_id: int | None = None
    note: str = ""

    @property
    def due(self) -> dt.date:
        return self.status.due

    @property
    def state(self) -> clocks.ClockState:
        return self.status.state

    @property
    def tag_class(self) -> str:
        return TAGS[self.status.state][0]

    @property
    def tag_label(self) -> str:
        return TAGS[self.status.state][1]

    @property
    def url(self) -> str:
        return link(self.url_name, self.child_id, self.url_pk)

    @property
    def remaining_words(self) -> str:
        """How long is left, in the clock's own unit: "3 working days left", "1 day late"."""
        return remaining_words(self.status)


def remaining_words(status: clocks.ClockStatus) -> str:
    unit = "working day" if status.days_unit is clocks.Unit.WORKING_DAYS else "day"
    if status.state is clocks.ClockState.OVERDUE:
        late = status.days_late
        # Overdue on the weekend after a Friday due date is 0 working days late.
        return f"{late} {unit}{'' if late == 1 else 's'} late" if late else "Overdue"
    left = status.days_remaining
    if left == 0:
        return "Due today"
    return f"{left} {unit}{'' if left == 1 else 's'} left"


Narrow = Callable[[Rule, QuerySet[Any]], QuerySet[Any] | None]


def _collect(narrow: Narrow, today: dt.date | None) -> list[OpenClock]:
    """One query per rule; `narrow` filters a rule's rows, or returns None to skip the rule."""
    today = today or calendar.today()
    memo: dict[tuple[str, dt.date], clocks.ClockStatus] = {}
    out: list[OpenClock] = []
    for rule in RULES:
        qs = narrow(rule, rule.rows())
        if qs is None:
            continue
        cols = ["pk", rule.child, f"{rule.child}__display_name", f"{rule.child}__la_child_id", "c_start"]
        cols += [rule.link if rule.link != "pk" else "pk"]
        cols += [rule.owner or "pk", rule.also_owner or "pk"]
        name = clocks.timescale(rule.key).name
        key = rule.key
        for pk, child_id, child_name, la_id, start, link_pk, owner, also in qs.values_list(*cols).order_by():
            if rule.moment:
                start = calendar.local_date(start)
            status = memo.get((key, start))
            if status is None:
                status = memo[(key, start)] = clocks.clock_status(key, start, today=today)
            out.append(
                OpenClock(
                    key=key,
                    name=name,
                    child_id=child_id,
                    child_name=child_name or la_id,
                    la_child_id=la_id,
                    source_type=rule.source_type,
                    source_id=pk,
                    url_name=rule.url_name,
                    url_pk=link_pk,
                    owner_id=owner if rule.owner else None,
                    also_owner_id=also if rule.also_owner else None,
                    start=start,
                    status=status,
                    note=rule.note,
                )
            )
    return out


def _by_due(items: list[OpenClock]) -> list[OpenClock]:
    # The earliest due first, so overdue clocks lead; then by child for a stable order.
    return sorted(items, key=lambda c: (c.status.due, c.child_name, c.key, c.source_id))


def child_clocks(child: Child, today: dt.date | None = None) -> list[OpenClock]:
    """Every clock running for one child, earliest due first."""
    return _by_due(_collect(lambda rule, qs: qs.filter(**{rule.child: child.pk}), today))


def clocks_for_practitioner(user: User, today: dt.date | None = None) -> list[OpenClock]:
    """The clocks a practitioner owns (as lead, or as the supervisor of an assessment)."""

    def mine(rule: Rule, qs: QuerySet[Any]) -> QuerySet[Any] | None:
        if rule.owner is None:
            return None
        q = Q(**{rule.owner: user.pk})
        if rule.also_owner:
            q |= Q(**{rule.also_owner: user.pk})
        return qs.filter(q)

    return _by_due(_collect(mine, today))


def all_open_clocks(today: dt.date | None = None) -> list[OpenClock]:
    """Every running clock in the local authority with its due date (for reminders, returns)."""
    return _collect(lambda rule, qs: qs, today)


@dataclasses.dataclass(frozen=True)
class FrontDoorWaiting:
    waiting: int
    due_soon: int
    overdue: int


def front_door_waiting(today: dt.date | None = None) -> FrontDoorWaiting:
    """Contacts waiting for a decision: counted by the database, one query."""
    today = today or calendar.today()
    rule = next(r for r in RULES if r.key == "referral_decision")
    t = thresholds(rule.key, today)
    counts = rule.rows().aggregate(
        n=Count("pk"),
        soon=Count("pk", filter=rule.started_before(rule.bound(t.due_soon_before))),
        over=Count("pk", filter=rule.started_before(rule.bound(t.overdue_before))),
    )
    return FrontDoorWaiting(waiting=counts["n"], due_soon=counts["soon"] - counts["over"], overdue=counts["over"])


@dataclasses.dataclass(frozen=True)
class EpisodeSummary:
    label: str
    started_on: dt.date
    url: str


def child_open_episodes(child: Child) -> list[EpisodeSummary]:
    """The child's open episodes, oldest first: referrals to children's social care not yet
    closed, child protection plans and child in need plans not ended, early help episodes
    not closed. One query each."""
    sources: list[tuple[str, str, QuerySet[Any], str]] = [
        (
            "Referral to children's social care",
            "frontdoor:referral",
            Referral.objects.filter(child=child, closure__isnull=True),
            "referral_date",
        ),
        (
            "Child protection plan",
            "protection:plan",
            ProtectionPlan.objects.filter(child=child, end__isnull=True),
            "started_on",
        ),
        (
            "Child in need plan",
            "assessments:cin-plan",
            CINPlan.objects.filter(child=child, end__isnull=True),
            "started_on",
        ),
        (
            "Early help",
            "earlyhelp:episode",
            EarlyHelpEpisode.objects.filter(child=child, closure__isnull=True),
            "started_on",
        ),
    ]
    episodes = [
        EpisodeSummary(label=label, started_on=started, url=link(url_name, child.pk, pk))
        for label, url_name, qs, field in sources
        for pk, started in qs.order_by(field, "pk").values_list("pk", field)
    ]
    return sorted(episodes, key=lambda e: e.started_on)


def awaiting_authorisation(user: User, *, limit: int = 100) -> list[Assessment]:
    """Completed assessments waiting for `user` to authorise them: those they supervise and,
    for a social work manager, unsupervised ones led from their team. Never their own (the
    rule of assessments.permissions.may_authorise). The assessment's clock has stopped, so
    this is a list of its own on "My work". One query."""
    q = Q(supervisor_id=user.pk)
    role = user.role
    if role is not None and role.is_manager and role.is_social_worker and user.team_id is not None:
        q |= Q(supervisor__isnull=True, lead_practitioner__team_id=user.team_id)
    return list(
        Assessment.objects.filter(q, completion__isnull=False, authorisation__isnull=True)
        .exclude(lead_practitioner_id=user.pk)
        .select_related("child", "completion", "lead_practitioner")
        .order_by("completion__completed_on", "pk")[:limit]
    )
