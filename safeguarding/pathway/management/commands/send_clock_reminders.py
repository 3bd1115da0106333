"""E-mail practitioners about their steps that became due soon or overdue. Run it daily (or
twice a day: it never sends the same reminder twice); docs/reminders.md says how."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.core import calendar
from safeguarding.pathway.services import clock_reminders_send


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date such as 2027-03-01, not {value!r}") from None


class Command(BaseCommand):
    help = "Send the reminders of clocks that became due soon or overdue (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send and record nothing")
        parser.add_argument("--today", type=str, help="Act as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["today"]) if options["today"] else calendar.today()
        dry_run = bool(options["dry_run"])
        report = clock_reminders_send(today=today, dry_run=dry_run)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{today.isoformat()}: {verb} {report.emails} e-mail{'' if report.emails == 1 else 's'} "
            f"({report.overdue} overdue, {report.due_soon} due soon); "
            f"{report.already_sent} already sent; "
            f"{report.not_sendable} for owners without an e-mail address; "
            f"{report.failed} failed."
        )
        if report.failed:
            raise CommandError(f"{report.failed} e-mail{'' if report.failed == 1 else 's'} could not be sent")
