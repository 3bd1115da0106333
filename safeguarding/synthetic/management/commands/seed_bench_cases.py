"""Open cases at scale for the benchmarks: `manage.py seed_bench_cases --open-cases 50000`."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from safeguarding.synthetic.bench import load_open_cases, open_cases


class Command(BaseCommand):
    help = (
        "Add open cases (CIN episodes, plans, early help, a front door queue) to a database seed_demo has "
        "loaded, until it holds --open-cases of them. For benchmarks only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--open-cases", type=int, default=50_000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["open_cases"]
        before = open_cases()
        bar = tqdm(total=max(0, target - before), desc="Open cases", unit="case", disable=options["no_progress"])
        started = time.perf_counter()
        try:
            given = load_open_cases(target, on_progress=bar.update)
        except ValueError as error:
            raise CommandError(str(error)) from error
        bar.close()
        self.stdout.write(
            f"{open_cases():,} open cases (was {before:,}); {given:,} children given a case "
            f"in {time.perf_counter() - started:.0f} s."
        )
