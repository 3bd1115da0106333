"""Linking files: deduplicate one file, or link two, with the same comparisons, model and
guard as the index uses. A data team can run it on their own extracts to check the model
(`manage.py linkage_run`), and the benchmark runs it on the synthetic population.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from safeguarding.linkage import engine, spec
from safeguarding.linkage.features import (
    COLUMNS,
    KNOWN_FIRST_NAMES,
    address_key,
    dob_fields,
    first_name_fields,
    last_name_fields,
    normalise_sex,
    parse_date,
    postcode_parts,
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


Columns = dict[str, list[Any]]


def feature_columns(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], *, prefix: str) -> Columns:
    """File rows as Splink's input columns. Unique ids are `prefix:record_id` (or
    `prefix:row number`), so two files' ids never collide.

    The same derivations as `features()`, each computed once per distinct value (names,
    dates, postcodes and schools repeat) and column by column: a million rows in seconds."""

    def column(field: str) -> list[str]:
        heading = mapping.get(field)
        return [(row.get(heading) or "") for row in rows] if heading else [""] * len(rows)

    def derive(values: list[Any], function: Any) -> list[Any]:
        known = {value: function(value) for value in set(values)}
        return [known[value] for value in values]

    ids = column("record_id")
    firsts = derive(column("first_name"), lambda v: first_name_fields((v,)))
    lasts = derive(
        list(zip(column("last_name"), column("former_last_name"), strict=True)),
        lambda pair: last_name_fields(pair if pair[1] else pair[:1]),
    )
    dobs = derive(column("date_of_birth"), lambda v: dob_fields(parse_date(v)))
    postcodes = derive(column("postcode"), postcode_parts)
    first_key = [f[0] for f in firsts]
    return {
        "unique_id": [f"{prefix}:{rid or number}" for number, rid in enumerate(ids, start=1)],
        "first_key": first_key,
        "first_keys": [f[1] for f in firsts],
        "first_variants": [f[2] for f in firsts],
        "first_wide": [f[3] for f in firsts],
        "first_initial": [k[0] if k else None for k in first_key],
        "first_common": [("y" if k in KNOWN_FIRST_NAMES else "n") if k else None for k in first_key],
        "last_key": [f[0] for f in lasts],
        "last_keys": [f[1] for f in lasts],
        "last_sound": [f[2] for f in lasts],
        "dob": [d[0] for d in dobs],
        "dob_swapped": [d[1] for d in dobs],
        "sex": derive(column("sex"), lambda v: normalise_sex(v) or None),
        "postcode": [p[0] for p in postcodes],
        "postcode_sector": [p[1] for p in postcodes],
        "postcode_district": [p[2] for p in postcodes],
        "address_key": derive(column("address"), address_key),
        "school_key": derive(column("school"), school_key),
        "nhs_number": derive(column("nhs_number"), valid_nhs_number),
        "upn": derive(column("upn"), valid_upn),
    }


def feature_rows(rows: Sequence[Mapping[str, str]], mapping: Mapping[str, str], *, prefix: str) -> list[dict[str, Any]]:
    """The same as rows (for scoring pairs in Python)."""
    columns = feature_columns(rows, mapping, prefix=prefix)
    return [dict(zip(COLUMNS, values, strict=True)) for values in zip(*(columns[c] for c in COLUMNS), strict=True)]


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
    left: list[dict[str, Any]] | Columns,
    right: list[dict[str, Any]] | Columns | None = None,
    *,
    settings: dict[str, Any] | None,
    auto_link_weight: float,
    review_weight: float,
    spark: Any = None,
) -> RunResult:
    """Deduplicate `left`, or link `left` with `right`, on DuckDB, or on Spark when a
    session is given. With `settings` None, a model is trained on the records themselves
    first (EM, no labels)."""
    if spark is not None:
        return _run_on_spark(
            left, right, settings=settings, auto_link_weight=auto_link_weight, review_weight=review_weight, spark=spark
        )
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
    return RunResult(prediction=prediction, records=_count(left) + (_count(right) if right else 0), settings=settings)


def _as_rows(records: list[dict[str, Any]] | Columns) -> list[dict[str, Any]]:
    if isinstance(records, list):
        return records
    return [dict(zip(COLUMNS, values, strict=True)) for values in zip(*(records[c] for c in COLUMNS), strict=True)]


def _run_on_spark(
    left: list[dict[str, Any]] | Columns,
    right: list[dict[str, Any]] | Columns | None,
    *,
    settings: dict[str, Any] | None,
    auto_link_weight: float,
    review_weight: float,
    spark: Any,
) -> RunResult:
    left_frame = engine.spark_frame(spark, _as_rows(left))
    frames: Any = left_frame
    link_type = "dedupe_only"
    if right is not None:
        frames = [left_frame, engine.spark_frame(spark, _as_rows(right))]
        link_type = "link_only"
    if settings is None:
        both = left_frame if right is None else frames[0].unionByName(frames[1])
        settings = engine.train(spark=spark, spark_input=both).settings
    prediction = engine.predict(
        settings,
        review_weight=review_weight,
        auto_link_weight=auto_link_weight,
        spark=spark,
        spark_frames=frames,
        link_type=link_type,
    )
    return RunResult(prediction=prediction, records=_count(left) + (_count(right) if right else 0), settings=settings)


def _count(records: list[dict[str, Any]] | Columns) -> int:
    return len(records["unique_id"]) if isinstance(records, dict) else len(records)


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
