"""Linking files: deduplicate one file, or link two, with the same comparisons, model and
guard as the index uses. A data team can run it on their own extracts to check the model
(`manage.py linkage_run`), and the benchmark runs it on the synthetic population.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from safeguarding.linkage import engine, spec
from safeguarding.linkage.features import (
    KNOWN_FIRST_NAMES,
    address_key,
    dob_fields,
    first_name_fields,
    last_name_fields,
    parse_date,
    postcode_parts,
    row_from_parts,
    school_key,
    valid_nhs_number,
    valid_upn,
)

# Our field names, which a mapping points at the file's own column headings.
FIELDS = (
    "record_id",
    "first_name",
    "middle_names",
    "last_name",
    "former_last_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "school",
    "nhs_number",
    "upn",
)
REQUIRED = ("first_name", "last_name", "date_of_birth")


class MappingError(ValueError):
    pass


def check_mapping(mapping: Mapping[str, str], headings: Iterable[str]) -> None:
    """Every mapped column must exist in the file, and the fields the model cannot do without
    must be mapped."""
    present = set(headings)
    unknown = sorted(f for f in mapping if f not in FIELDS)
    if unknown:
        raise MappingError(f"Not fields the model knows: {', '.join(unknown)}. Fields: {', '.join(FIELDS)}")
    missing_columns = sorted(c for c in mapping.values() if c not in present)
    if missing_columns:
        raise MappingError(f"The file has no column {', '.join(repr(c) for c in missing_columns)}")
    unmapped = [f for f in REQUIRED if f not in mapping]
    if unmapped:
        raise MappingError(f"Map a column to {', '.join(unmapped)}")


def feature_rows(rows: Iterable[Mapping[str, str]], mapping: Mapping[str, str], *, prefix: str) -> list[dict[str, Any]]:
    """File rows as feature rows. Unique ids are `prefix:record_id` (or `prefix:row number`),
    so two files' ids never collide.

    The same derivations as `features()` (each is cached per distinct value: names, dates and
    postcodes repeat), without building a PersonRecord per row: a million rows in seconds."""
    get = {field: mapping.get(field) for field in FIELDS}
    out = []
    for number, row in enumerate(rows, start=1):

        def value(field: str, row: Mapping[str, str] = row) -> str:
            column = get[field]
            return (row.get(column) or "") if column else ""

        record_id = value("record_id") or str(number)
        last = value("last_name")
        former = value("former_last_name")
        out.append(
            row_from_parts(
                f"{prefix}:{record_id}",
                first_name_fields((value("first_name"),)),
                last_name_fields((last, former) if former else (last,)),
                dob_fields(parse_date(value("date_of_birth"))),
                value("sex"),
                postcode_parts(value("postcode")),
                address_key(value("address")),
                school_key(value("school")),
                valid_nhs_number(value("nhs_number")),
                valid_upn(value("upn")),
                KNOWN_FIRST_NAMES,
            )
        )
    return out


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@dataclass
class RunResult:
    prediction: engine.Prediction
    records: int
    settings: dict[str, Any]


def run(
    left: list[dict[str, Any]],
    right: list[dict[str, Any]] | None = None,
    *,
    settings: dict[str, Any] | None,
    auto_link_weight: float,
    review_weight: float,
    spark: Any = None,
) -> RunResult:
    """Deduplicate `left`, or link `left` with `right`. With `settings` None, a model is
    trained on the records themselves first (EM, no labels)."""
    con = duckdb.connect()
    engine.load_duckdb(con, "linkage_left", left)
    tables: str | list[str] = "linkage_left"
    link_type = "dedupe_only"
    if right is not None:
        engine.load_duckdb(con, "linkage_right", right)
        tables = ["linkage_left", "linkage_right"]
        link_type = "link_only"
    if settings is None:
        if right is not None:
            engine.run_sql(
                con, "CREATE TABLE linkage_both AS SELECT * FROM linkage_left UNION ALL SELECT * FROM linkage_right"
            )
        settings = engine.train(table="linkage_both" if right is not None else "linkage_left", con=con).settings
    prediction = engine.predict(
        settings,
        review_weight=review_weight,
        auto_link_weight=auto_link_weight,
        table=tables,
        con=con,
        link_type=link_type,
    )
    return RunResult(prediction=prediction, records=len(left) + len(right or []), settings=settings)


def _level_label(comparison: spec.Comparison, gamma: int) -> str:
    return comparison.levels[engine.level_index_of_gamma(comparison, gamma)].label


def write_outputs(result: RunResult, out_dir: Path) -> dict[str, Path]:
    """pairs.csv (every pair at or above the review weight, with each comparison's level and
    whether it auto-links) and clusters.csv (each record's auto-link cluster)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pairs_path, clusters_path = out_dir / "pairs.csv", out_dir / "clusters.csv"
    pairs = result.prediction.pairs
    with pairs_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["record_l", "record_r", "match_weight", "match_probability", "auto_link"]
            + [c.description for c in spec.COMPARISONS]
        )
        gamma_columns = [pairs[f"gamma_{c.name}"].tolist() for c in spec.COMPARISONS]
        for index, (left, right, weight, prob, auto) in enumerate(
            zip(
                pairs["unique_id_l"],
                pairs["unique_id_r"],
                pairs["match_weight"],
                pairs["match_probability"],
                pairs["auto"],
                strict=True,
            )
        ):
            levels = [
                _level_label(c, int(gammas[index])) for c, gammas in zip(spec.COMPARISONS, gamma_columns, strict=True)
            ]
            writer.writerow([left, right, f"{weight:.3f}", f"{prob:.6f}", "yes" if auto else "no", *levels])
    with clusters_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record", "cluster"])
        for record, cluster in sorted(result.prediction.clusters.items()):
            writer.writerow([record, _short(cluster)])
    return {"pairs": pairs_path, "clusters": clusters_path}


def _short(cluster_id: Any) -> str:
    return hashlib.sha256(str(cluster_id).encode()).hexdigest()[:12]
