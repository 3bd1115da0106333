"""Load the synthetic local authority: `manage.py seed_demo --size 2000 --seed 2023`."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from safeguarding.concerns import signal_rules
from safeguarding.people.models import Child
from safeguarding.synthetic.linkage import seed_linkage
from safeguarding.synthetic.loader import load_authority
from safeguarding.synthetic.plan import Config, World
from safeguarding.synthetic.sharing import seed_sharing

MIN_SIZE = 20
SIGNAL_BATCH = 500


class Command(BaseCommand):
    help = (
        "Load a deterministic synthetic local authority (agencies, practitioners, demo users, children, "
        "families, histories and the scripted stories) into an empty database. The same --seed and --size "
        "give the same people, names, families and records; dates are relative to today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=2000, help="Number of children (default 2000)")
        parser.add_argument("--seed", type=int, default=2023, help="Random seed (default 2023)")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the child index already holds children"
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars")
        parser.add_argument(
            "--skip-signals", action="store_true", help="Do not evaluate signals after loading (benchmarks)"
        )
        parser.add_argument(
            "--skip-linkage",
            action="store_true",
            help="Do not add the identity linkage demo (agency records, two feed imports, review pairs, merges)",
        )
        parser.add_argument(
            "--skip-sharing",
            action="store_true",
            help="Do not add the information sharing demo (status lookups, records of sharing, Operation Encompass)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size, seed = options["size"], options["seed"]
        existing = Child.objects.count()
        if existing:
            if options["if_empty"]:
                self.stdout.write(f"The child index already holds {existing:,} children: nothing loaded.")
                return
            raise CommandError(
                f"The child index already holds {existing:,} children. seed_demo loads only into an empty "
                "database, and never into one with real records."
            )
        if size < MIN_SIZE:
            raise CommandError(f"--size must be at least {MIN_SIZE} (the scripted stories need room)")
        quiet = options["no_progress"]
        cfg = Config.for_run(size=size, seed=seed, now=timezone.now(), tz=settings.TIME_ZONE)

        world_bar = tqdm(total=1, desc="Agencies and practitioners", unit="step", disable=quiet)
        bars: list[tqdm] = []

        def world_loaded(world: World) -> None:
            world_bar.update(1)
            world_bar.close()
            bars.append(tqdm(total=size, desc="Children, families, histories", unit="child", disable=quiet))

        result = load_authority(cfg, on_world=world_loaded, on_progress=lambda n: bars[0].update(n))
        bars[0].close()

        if not options["skip_signals"]:
            ids = result.children_with_entries
            signals_bar = tqdm(total=len(ids), desc="Signals", unit="child", disable=quiet)
            for start in range(0, len(ids), SIGNAL_BATCH):
                with transaction.atomic():
                    for child in Child.objects.filter(pk__in=ids[start : start + SIGNAL_BATCH]).order_by("pk"):
                        signal_rules.signals_evaluate(child=child)
                signals_bar.update(min(SIGNAL_BATCH, len(ids) - start))
            signals_bar.close()

        linkage = None
        if not options["skip_linkage"]:
            linkage_bar = tqdm(total=1, desc="Identity linkage", unit="step", disable=quiet)
            linkage = seed_linkage(seed=seed)
            linkage_bar.update(1)
            linkage_bar.close()

        sharing = None
        if not options["skip_sharing"]:
            sharing_bar = tqdm(total=1, desc="Information sharing", unit="step", disable=quiet)
            sharing = seed_sharing()
            sharing_bar.update(1)
            sharing_bar.close()

        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.children:,} children, {result.concerns:,} concerns and "
                f"{result.agency_events:,} agency events from {result.agencies:,} agencies "
                f"({result.practitioners:,} practitioners); seed {seed}, dates relative to {cfg.today}."
            )
        )
        if linkage is not None:
            self.stdout.write(linkage.summary())
        if sharing is not None:
            self.stdout.write(sharing.summary())
        self.stdout.write("Demo sign-ins: manage.py demo_signins")
