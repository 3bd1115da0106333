"""Deduplicate one CSV file, or link two, with the linkage model; write scored pairs and
clusters. For a data team checking the model on their own extracts.

    manage.py linkage_run roll.csv --map first_name=Forename --map last_name=Surname \
        --map date_of_birth=DOB --map postcode=Postcode --out var/linkage-run
    manage.py linkage_run a.csv b.csv --mapping mapping.json --train --out var/run
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safeguarding.linkage import batch
from safeguarding.linkage.models import LinkageModel


class Command(BaseCommand):
    help = "Deduplicate a CSV file, or link two, writing pairs.csv and clusters.csv"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("left", type=Path)
        parser.add_argument("right", type=Path, nargs="?")
        parser.add_argument("--mapping", type=Path, help="JSON file: our field -> the file's column heading")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--train", action="store_true", help="Train on these files instead of the active model")
        parser.add_argument("--model-version", type=int, help="Use this saved model version (default: the active one)")
        parser.add_argument("--auto-link-weight", type=float)
        parser.add_argument("--review-weight", type=float)
        parser.add_argument(
            "--spark",
            metavar="MASTER",
            help="Run on Spark (e.g. local[*], or a cluster's master URL); needs requirements-spark.txt and Java",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = self._mapping(options)
        left_headings, left_rows = batch.read_csv(options["left"])
        right_rows = None
        try:
            batch.check_mapping(mapping, left_headings)
            if options["right"]:
                right_headings, right_rows = batch.read_csv(options["right"])
                batch.check_mapping(mapping, right_headings)
        except batch.MappingError as exc:
            raise CommandError(str(exc)) from exc
        model = None
        if not options["train"]:
            query = LinkageModel.objects.all()
            model = (
                query.filter(version=options["model_version"]).first()
                if options["model_version"]
                else query.filter(is_active=True).first()
            )
            if model is None:
                raise CommandError("No such linkage model: use --train, or run manage.py linkage_train")
        auto = options["auto_link_weight"] or (model.auto_link_weight if model else 20.0)
        review = options["review_weight"] or (model.review_weight if model else 6.0)
        started = time.perf_counter()
        left = batch.feature_columns(left_rows, mapping, prefix="left")
        right = batch.feature_columns(right_rows, mapping, prefix="right") if right_rows is not None else None
        spark = None
        if options["spark"]:
            from safeguarding.linkage.engine import spark_session

            spark = spark_session(options["spark"], checkpoint_dir=str(options["out"] / "spark-checkpoints"))
        result = batch.run(
            left,
            right,
            settings=model.splink_settings if model else None,
            auto_link_weight=auto,
            review_weight=review,
            spark=spark,
        )
        paths = batch.write_outputs(result, options["out"])
        pairs = result.prediction.pairs
        clusters = len(set(result.prediction.clusters.values()))
        self.stdout.write(
            f"{result.records:,} records, {len(pairs):,} pairs at or above weight {review:g}, "
            f"{int(pairs['auto'].sum()):,} auto-links, {clusters:,} clusters, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        if options["train"]:
            (options["out"] / "model.json").write_text(json.dumps(result.settings, indent=1))
            self.stdout.write(f"Model trained on these records: {options['out'] / 'model.json'}")
        for name, path in paths.items():
            self.stdout.write(f"{name}: {path}")

    def _mapping(self, options: dict[str, Any]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        if options["mapping"]:
            mapping.update(json.loads(options["mapping"].read_text()))
        for item in options["map"]:
            field, _, column = item.partition("=")
            if not column:
                raise CommandError(f"--map takes FIELD=COLUMN, not {item!r}")
            mapping[field.strip()] = column.strip()
        if not mapping:
            raise CommandError("Give a column mapping with --mapping or --map")
        return mapping
