"""Rebuild the clocks' projection (pathway.ClockRow) from the pathway's rows.

The services keep it in step as they write; this is for after a bulk load or a restore, and
as a check: `--check` reports whether the projection differs from a rebuild, without writing.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.pathway.models import ClockRow
from safeguarding.pathway.projection import clock_rows_for, clock_rows_rebuild


def _row(r: ClockRow) -> tuple[object, ...]:
    return (r.key, r.child_id, r.owner_id, r.source_type, r.source_id, r.start_on, r.completed_on)


class Command(BaseCommand):
    help = "Rebuild the projection of the pathway's clocks that the timeliness view counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Report differences; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            have = {_row(r) for r in ClockRow.objects.all().iterator(chunk_size=5000)}
            want = {_row(r) for r in clock_rows_for(None)}
            if have != want:
                raise CommandError(f"The projection differs: {len(want - have)} missing, {len(have - want)} stale.")
            self.stdout.write(f"The projection matches the pathway: {len(have):,} clock rows.")
            return
        self.stdout.write(f"Rebuilt {clock_rows_rebuild():,} clock rows.")
