"""Reads for Operation Encompass: the child's school, the school's queue, where each
notification's clock stands. Scoped by encompass/permissions.py."""

import datetime as dt
import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone

from safeguarding.access.models import Agency, User
from safeguarding.core import calendar
from safeguarding.encompass import permissions, terms
from safeguarding.encompass.models import EncompassNotification, IncidentChild
from safeguarding.people.models import Child, SchoolEnrolment


def current_school(child: Child, *, on: dt.date | None = None) -> Agency | None:
    """The school the child is enrolled at now (the latest enrolment still open), if any."""
    day = on or calendar.today()
    enrolment = (
        SchoolEnrolment.objects.filter(child=child, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("school")
        .order_by("-started_on", "-id")
        .first()
    )
    return enrolment.school if enrolment else None


class State(enum.StrEnum):
    TO_ACKNOWLEDGE = "to_acknowledge"
    OVERDUE = "overdue"
    ACKNOWLEDGED = "acknowledged"
    ACKNOWLEDGED_LATE = "acknowledged_late"


_TAGS = {
    State.TO_ACKNOWLEDGE: ("To acknowledge", "govuk-tag--blue"),
    State.OVERDUE: ("Overdue", "govuk-tag--red"),
    State.ACKNOWLEDGED: ("Acknowledged", "govuk-tag--green"),
    State.ACKNOWLEDGED_LATE: ("Acknowledged late", "govuk-tag--orange"),
}


def moment_words(moment: dt.datetime) -> str:
    """08:30 on Monday 7 December 2026 (in England)."""
    local = moment.astimezone(calendar.ENGLAND)
    return f"{local:%H:%M} on {dateformat.format(local, 'l j F Y')}"


@dataclass(frozen=True)
class NotificationClock:
    due_at: dt.datetime
    state: State
    acknowledged_at: dt.datetime | None = None

    @property
    def text(self) -> str:
        return _TAGS[self.state][0]

    @property
    def css(self) -> str:
        return _TAGS[self.state][1]

    @property
    def detail(self) -> str:
        due = moment_words(self.due_at)
        if self.state is State.TO_ACKNOWLEDGE:
            return f"acknowledge before {due}"
        if self.state is State.OVERDUE:
            return f"was due before {due}"
        assert self.acknowledged_at is not None
        return f"acknowledged at {moment_words(self.acknowledged_at)}; due before {due}"

    @property
    def is_overdue(self) -> bool:
        return self.state is State.OVERDUE


def notification_clock(
    notification: EncompassNotification,
    *,
    now: dt.datetime | None = None,
    school_calendar: terms.SchoolCalendar | None = None,
) -> NotificationClock:
    """Where the notification's clock stands. Met when acknowledged before the due moment."""
    due = terms.due_at(notification.notified_at, school_calendar)
    ack = getattr(notification, "acknowledgement", None)
    if ack is not None:
        state = State.ACKNOWLEDGED if ack.acknowledged_at < due else State.ACKNOWLEDGED_LATE
        return NotificationClock(due_at=due, state=state, acknowledged_at=ack.acknowledged_at)
    state = State.OVERDUE if (now or timezone.now()) >= due else State.TO_ACKNOWLEDGE
    return NotificationClock(due_at=due, state=state)


def queue(user: User) -> QuerySet[EncompassNotification]:
    """The user's school's notifications, newest due first. A due moment never decreases as
    `notified_at` increases, so newest notified is newest due: the database orders them."""
    return (
        permissions.notifications_visible_to(user)
        .select_related("incident_child__child", "incident_child__incident", "acknowledgement", "escalation")
        .order_by("-notified_at", "-id")
    )


@dataclass(frozen=True)
class QueueRow:
    notification: EncompassNotification
    clock: NotificationClock

    @property
    def child(self) -> Child:
        return self.notification.incident_child.child

    @property
    def incident_child(self) -> IncidentChild:
        return self.notification.incident_child


def queue_rows(notifications: list[EncompassNotification], *, now: dt.datetime | None = None) -> list[QueueRow]:
    """Rows of a page of the queue: one query for the terms, whatever the number of rows."""
    if not notifications:
        return []
    school_calendar = terms.SchoolCalendar.load()
    moment = now or timezone.now()
    return [
        QueueRow(notification=n, clock=notification_clock(n, now=moment, school_calendar=school_calendar))
        for n in notifications
    ]


def notification_for(user: User, pk: int) -> EncompassNotification | None:
    """One of the user's school's notifications, with what its page shows; None otherwise."""
    return (
        permissions.notifications_visible_to(user)
        .select_related(
            "school",
            "incident_child__child",
            "incident_child__incident__police",
            "incident_child__incident__recorded_by",
            "acknowledgement__acknowledged_by",
            "escalation",
        )
        .filter(pk=pk)
        .first()
    )


def escalation_candidates(now: dt.datetime) -> list[EncompassNotification]:
    """Notifications due by `now` that nobody acknowledged and that have not escalated.

    The database narrows to the unacknowledged and unescalated notified before `now` (a short
    list: most are acknowledged within hours); the due moment is then computed for each."""
    pending = (
        EncompassNotification.objects.filter(
            acknowledgement__isnull=True, escalation__isnull=True, notified_at__lte=now
        )
        .select_related("school", "incident_child__child", "incident_child__incident")
        .order_by("notified_at", "pk")
    )
    rows = list(pending)
    if not rows:
        return []
    school_calendar = terms.SchoolCalendar.load()
    return [n for n in rows if terms.due_at(n.notified_at, school_calendar) <= now]
