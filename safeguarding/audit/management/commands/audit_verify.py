"""`manage.py audit_verify`: walk the audit hash chain; exit 1 at the first broken link.

Run it on a schedule (and before a subject access or disclosure export) so tampering is
found within a day, not when the log is next needed in court or at a review.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safeguarding.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check that no audit event has been changed or deleted (exit status 1 if one has)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=5000, help="Events read per query (default 5000)")

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken, why = audit_verify(batch_size=options["batch_size"])
        if broken is not None:
            when = timezone.localtime(broken.occurred_at).isoformat(timespec="seconds")
            raise CommandError(f"Audit chain BROKEN at event #{broken.pk} ({when}): {why}", returncode=1)
        if why:
            raise CommandError(f"Audit chain BROKEN after {checked} events: {why}", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events checked"))
