"""Train the reference model shipped with the code (`linkage/reference_model.json`) on a
synthetic population, so that a new installation matches from its first day. Rerun after
changing `linkage/spec.py`; `manage.py linkage_train` later trains on the real index."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from safeguarding.linkage import engine
from safeguarding.linkage.batch import feature_columns
from safeguarding.linkage.population import RECORD_FIELDS, generate_population
from safeguarding.linkage.training import REFERENCE_MODEL


class Command(BaseCommand):
    help = "Train the reference linkage model on a synthetic population and write reference_model.json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--records", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        population = generate_population(options["records"], seed=options["seed"])
        mapping = {field: field for field in RECORD_FIELDS if field != "source"}
        rows = feature_columns(population.records, mapping, prefix="s")
        result = engine.train(rows)
        settings = result.settings
        settings.pop("source_dataset_column_name", None)
        REFERENCE_MODEL.write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n")
        self.stdout.write(
            f"Trained on {len(rows):,} synthetic records (seed {options['seed']}) in "
            f"{time.perf_counter() - started:.0f} s: {REFERENCE_MODEL}"
        )
