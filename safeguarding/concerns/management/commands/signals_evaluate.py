"""Re-evaluate signals: daily (rules about "now" and "the last D days" notice the passing of
time only when evaluated) and after a rule's thresholds change in admin."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.concerns.signal_rules import signals_evaluate, signals_evaluate_all
from safeguarding.people.models import Child


class Command(BaseCommand):
    help = "Re-evaluate the signals of every child (or of one child with --child)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, help="Internal id of one child")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["child"]:
            child = Child.objects.filter(pk=options["child"]).first()
            if child is None:
                raise CommandError("There is no child with that id")
            result = signals_evaluate(child=child)
            self.stdout.write(f"1 child: {len(result.raised)} raised, {len(result.cleared)} cleared")
            return
        children, raised, cleared = signals_evaluate_all()
        self.stdout.write(f"{children} children: {raised} raised, {cleared} cleared")
