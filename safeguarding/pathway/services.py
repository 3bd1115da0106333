"""Reminders before a clock runs out, and when it has: the pathway's one write.

Run daily by `manage.py send_clock_reminders` (docs/reminders.md). Each owner of an open clock
is e-mailed once when it becomes due soon (within `CLOCK_WARNING_WORKING_DAYS` working days of
its due date) and once when it is overdue; a `ReminderSent` row per clock, stage and due date
makes a second run the same day, or the next day, send nothing new. A clock whose due date
moves (a review held, a visit made) is a new clock for reminders.

The e-mail names no child, as for break-glass notifications (access/services.py): only the LA
child ID, the step, the due date and where to look. E-mail leaves the platform's access control.
"""

import dataclasses
import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat

from safeguarding.access.models import User
from safeguarding.core import clocks
from safeguarding.pathway.models import ReminderSent
from safeguarding.pathway.selectors import OpenClock, all_open_clocks

logger = logging.getLogger(__name__)

STAGES = {clocks.ClockState.DUE_SOON: "due_soon", clocks.ClockState.OVERDUE: "overdue"}


@dataclasses.dataclass
class ReminderReport:
    due_soon: int = 0
    overdue: int = 0
    already_sent: int = 0
    # Owners with no e-mail address or no longer active: their clocks still show in My work.
    not_sendable: int = 0
    emails: int = 0
    failed: int = 0


def _key(clock: OpenClock, recipient_id: int) -> tuple[str, str, int, int, dt.date, str]:
    return (clock.key, clock.source_type, clock.source_id, recipient_id, clock.due, STAGES[clock.state])


def _path(clock: OpenClock) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + (clock.url or reverse("people:record", args=[clock.child_id]))


def _line(clock: OpenClock) -> str:
    due = dateformat.format(clock.due, "j F Y")
    when = f"was due {due}" if clock.state is clocks.ClockState.OVERDUE else f"due {due}"
    return f"- {clock.name} for child {clock.la_child_id}: {when} ({clock.remaining_words.lower()}).\n  {_path(clock)}"


def reminder_body(recipient: User, items: list[OpenClock]) -> str:
    """The e-mail: steps and LA child IDs, no names."""
    overdue = [c for c in items if c.state is clocks.ClockState.OVERDUE]
    soon = [c for c in items if c.state is clocks.ClockState.DUE_SOON]
    parts = [
        f"Hello {recipient.first_name or recipient.username},",
        "These steps for children you lead on are overdue or due soon. Children are shown by their "
        "LA child ID: sign in and open the link to see the child's record.",
    ]
    if overdue:
        parts.append("Overdue:\n" + "\n".join(_line(c) for c in overdue))
    if soon:
        parts.append("Due soon:\n" + "\n".join(_line(c) for c in soon))
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    parts.append(f"Everything due for you: {base}{reverse('pathway:my-work')}")
    parts.append("You are sent this once when a step becomes due soon and once when it is overdue.")
    return "\n\n".join(parts)


def reminder_subject(items: list[OpenClock]) -> str:
    n_over = sum(1 for c in items if c.state is clocks.ClockState.OVERDUE)
    n_soon = len(items) - n_over
    bits = [f"{n_over} overdue"] if n_over else []
    bits += [f"{n_soon} due soon"] if n_soon else []
    return f"Safeguarding steps: {' and '.join(bits)}"


@transaction.atomic
def _record_and_send(*, recipient: User, items: list[OpenClock]) -> None:
    """Record the reminders and send the e-mail in one transaction: a failed send leaves no
    record (tomorrow's run tries again); a concurrent run's record makes this one stop."""
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(
                timescale=c.key,
                source_type=c.source_type,
                source_id=c.source_id,
                recipient=recipient,
                due_on=c.due,
                stage=STAGES[c.state],
            )
            for c in items
        ]
    )
    send_mail(
        subject=reminder_subject(items),
        message=reminder_body(recipient, items),
        from_email=None,
        recipient_list=[recipient.email],
        fail_silently=False,
    )


def clock_reminders_send(*, today: dt.date, dry_run: bool = False) -> ReminderReport:
    """E-mail each owner about their clocks that became due soon or overdue and were not
    yet reminded at that stage for that due date. With `dry_run`, count and write nothing."""
    report = ReminderReport()
    candidates = [c for c in all_open_clocks(today) if c.owner_id is not None and c.state in STAGES]
    if not candidates:
        return report
    sent = set(
        ReminderSent.objects.filter(
            due_on__gte=min(c.due for c in candidates), stage__in=list(STAGES.values())
        ).values_list("timescale", "source_type", "source_id", "recipient_id", "due_on", "stage")
    )
    pending: dict[int, list[OpenClock]] = defaultdict(list)
    for clock in candidates:
        assert clock.owner_id is not None
        if _key(clock, clock.owner_id) in sent:
            report.already_sent += 1
            continue
        pending[clock.owner_id].append(clock)
    recipients = {u.pk: u for u in User.objects.filter(pk__in=list(pending), is_active=True).exclude(email="")}
    for owner_id, items in pending.items():
        recipient = recipients.get(owner_id)
        if recipient is None:
            report.not_sendable += len(items)
            continue
        n_over = sum(1 for c in items if c.state is clocks.ClockState.OVERDUE)
        if not dry_run:
            try:
                _record_and_send(recipient=recipient, items=items)
            except IntegrityError:
                # Another run recorded them first; it sends the e-mail.
                report.already_sent += len(items)
                continue
            except Exception:  # a mail server error: nothing recorded, tried again tomorrow
                logger.exception("clock reminder e-mail failed for user %s", owner_id)
                report.failed += 1
                continue
        report.overdue += n_over
        report.due_soon += len(items) - n_over
        report.emails += 1
    return report
