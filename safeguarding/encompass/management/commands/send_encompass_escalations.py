"""Escalate Operation Encompass notifications nobody acknowledged before the school day
started: e-mail the school's designated safeguarding leads again and tell the front door,
once each. Run it every few minutes on school mornings (or every 15 minutes all day: it never
escalates a notification twice); docs/adr/0010-operation-encompass.md."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from safeguarding.core import calendar
from safeguarding.encompass.services import encompass_escalations_send


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now must be a date and time such as 2027-03-01T08:45, not {value!r}") from None
    return moment.replace(tzinfo=calendar.ENGLAND) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Escalate Operation Encompass notifications still unacknowledged at their due time (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would escalate; send and record nothing")
        parser.add_argument("--now", type=str, help="Act as if it were this moment in England (YYYY-MM-DDTHH:MM)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = _moment(options["now"]) if options["now"] else timezone.now()
        dry_run = bool(options["dry_run"])
        report = encompass_escalations_send(now=now, dry_run=dry_run)
        verb = "Would escalate" if dry_run else "Escalated"
        self.stdout.write(
            f"{timezone.localtime(now):%Y-%m-%d %H:%M}: {verb} {report.escalated} "
            f"notification{'' if report.escalated == 1 else 's'}; {report.already} already acknowledged or "
            f"escalated; {report.failed} failed."
        )
        if report.failed:
            raise CommandError(f"{report.failed} escalation{'' if report.failed == 1 else 's'} could not be sent")
