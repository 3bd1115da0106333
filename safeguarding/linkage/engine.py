"""The batch linkage engine: Splink over DuckDB on one machine, or over Spark.

Training (expectation maximisation, no labelled data), prediction and clustering all run
here, and the result of training is Splink's own settings dictionary with the m and u
probabilities, which `LinkageModel.splink_settings` stores and `scoring.py` reads to score
one record at a time with the same weights.

The guard: a pair whose levels include one that does not allow auto-linking (first names
that differ, an initial only, two different NHS numbers) is never clustered automatically,
whatever its total weight: twins share everything but their first names.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from safeguarding.linkage import spec
from safeguarding.linkage.features import COLUMNS, common_name_threshold

logger = logging.getLogger(__name__)

LIST_COLUMNS = ("first_keys", "first_variants", "first_wide", "last_keys")
LIST_SEPARATOR = "|"

# Defaults for a new model; a reviewer may change a model version's thresholds.
DEFAULT_AUTO_LINK_WEIGHT = 11.0
DEFAULT_REVIEW_WEIGHT = 6.0


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _table(name: str) -> str:
    """Table names are ours, never a user's, but SQL is built from them: check the shape."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"Not a table name: {name!r}")
    return name


def probability(match_weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-match_weight))


def weight_of(probability_: float) -> float:
    return math.log2(probability_ / (1.0 - probability_))


@dataclass
class Timings:
    seconds: dict[str, float] = field(default_factory=dict)

    def lap(self, name: str, started: float) -> float:
        self.seconds[name] = round(time.perf_counter() - started, 3)
        return time.perf_counter()


def _frame(rows: Iterable[dict[str, Any]] | dict[str, list[Any]]) -> pd.DataFrame:
    """Feature rows (or columns) as strings only (lists joined), which DuckDB reads from
    pandas quickly."""
    if isinstance(rows, dict):
        columns = rows
    else:
        records = rows if isinstance(rows, list) else list(rows)
        columns = {column: [row[column] for row in records] for column in COLUMNS}
    join = LIST_SEPARATOR.join
    data: dict[str, list[Any]] = {}
    for column in COLUMNS:
        values = columns[column]
        data[column] = [join(v) if v else None for v in values] if column in LIST_COLUMNS else values
    return pd.DataFrame(data, columns=list(COLUMNS), dtype=object)


def load_duckdb(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Iterable[dict[str, Any]] | dict[str, list[Any]],
    *,
    source: str | None = None,
) -> int:
    """Create `table` in DuckDB from feature rows; lists become VARCHAR[]."""
    frame = _frame(rows)
    con.register("_incoming", frame)
    selects = []
    for column in COLUMNS:
        if column in LIST_COLUMNS:
            selects.append(
                f"CASE WHEN {column} IS NULL THEN NULL ELSE string_split({column}, '{LIST_SEPARATOR}') END AS {column}"
            )
        else:
            selects.append(f"CAST({column} AS VARCHAR) AS {column}")
    if source is not None:
        selects.append(f"'{source}' AS source_dataset")
    # Built from our column names and a checked table name only.
    run_sql(con, f"CREATE OR REPLACE TABLE {_table(table)} AS SELECT {', '.join(selects)} FROM _incoming")  # noqa: S608
    con.unregister("_incoming")
    threshold = common_name_threshold(len(frame))
    run_sql(
        con,
        f"UPDATE {_table(table)} SET first_common = 'y' WHERE first_key IN "  # noqa: S608
        f"(SELECT first_key FROM {_table(table)} GROUP BY first_key HAVING count(*) >= {threshold})",
    )
    return len(frame)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """A statement whose result nobody reads: DuckDB 2 keeps the connection busy until it is
    fetched."""
    con.execute(sql).fetchall()


def _db_api(con: duckdb.DuckDBPyConnection | None = None, spark: Any = None) -> Any:
    if spark is not None:
        from splink import SparkAPI

        return SparkAPI(spark_session=spark)
    from splink import DuckDBAPI

    return DuckDBAPI(connection=con or duckdb.connect())


def untrained_settings(link_type: str = "dedupe_only", dialect: str = "duckdb") -> dict[str, Any]:
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "sql_dialect": dialect,
        "probability_two_random_records_match": 1e-5,
        "comparisons": spec.splink_comparisons(dialect=dialect),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": spec.sql_for(rule, dialect), "sql_dialect": dialect} for rule in spec.BLOCKING_RULES
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }


def settings_for_dialect(settings: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A trained model (saved from DuckDB) with its SQL in another dialect; the m and u
    probabilities are the same."""
    converted = json.loads(json.dumps(settings))
    converted["sql_dialect"] = dialect
    for comparison, ours in zip(converted["comparisons"], spec.splink_comparisons(dialect=dialect), strict=True):
        for level, our_level in zip(comparison["comparison_levels"], ours["comparison_levels"], strict=True):
            level["sql_condition"] = our_level["sql_condition"]
    converted["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": spec.sql_for(rule, dialect), "sql_dialect": dialect} for rule in spec.BLOCKING_RULES
    ]
    return converted


def spark_session(master: str = "local[*]", *, checkpoint_dir: str = "var/spark-checkpoints", **config: str) -> Any:
    """A Spark session Splink can run on: its Scala similarity functions on the classpath
    (Jaro-Winkler), a checkpoint directory for clustering. On a cluster, pass its master."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = SparkSession.builder.master(master).appName("safeguarding-linkage")
    builder = builder.config("spark.jars", similarity_jar_location()).config("spark.ui.enabled", "false")
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setCheckpointDir(checkpoint_dir)
    return session


def spark_frame(spark: Any, rows: Iterable[dict[str, Any]]) -> Any:
    """Feature rows as a Spark DataFrame (lists as arrays), with the dataset's common first
    names marked as `load_duckdb` marks them."""
    from pyspark.sql import functions as f
    from pyspark.sql.types import ArrayType, StringType, StructField, StructType

    schema = StructType(
        [StructField(c, ArrayType(StringType()) if c in LIST_COLUMNS else StringType(), True) for c in COLUMNS]
    )
    records = [tuple(list(r[c]) if c in LIST_COLUMNS and r[c] is not None else r[c] for c in COLUMNS) for r in rows]
    frame = spark.createDataFrame(records, schema=schema)
    threshold = common_name_threshold(len(records))
    common = frame.groupBy("first_key").count().where(f.col("count") >= threshold).select("first_key")
    common = common.withColumn("_common", f.lit("y"))
    frame = frame.join(common, on="first_key", how="left")
    frame = frame.withColumn("first_common", f.coalesce(f.col("_common"), f.col("first_common"))).drop("_common")
    return frame.select(*COLUMNS)


def _linker(tables: Any, settings: dict[str, Any], db_api: Any) -> Any:
    from splink import Linker

    # One table (a name, or a Spark DataFrame), or a list of tables to link.
    return Linker(list(tables) if isinstance(tables, list | tuple) else tables, settings, db_api=db_api)


@dataclass
class TrainingResult:
    settings: dict[str, Any]
    records: int
    timings: Timings


def train(
    rows: Iterable[dict[str, Any]] | dict[str, list[Any]] | None = None,
    *,
    table: str = "linkage_input",
    con: duckdb.DuckDBPyConnection | None = None,
    spark: Any = None,
    spark_input: Any = None,
    u_pairs: float = 2e6,
    seed: int = 2023,
) -> TrainingResult:
    """Train on unlabelled records: the prior from near-certain rules, u by random sampling,
    m by expectation maximisation on each of `spec.TRAINING_BLOCKS`."""
    from splink import block_on  # noqa: F401  (imported so a missing splink fails here, clearly)

    timings = Timings()
    started = time.perf_counter()
    if spark is not None:
        db_api = _db_api(spark=spark)
        input_table: Any = spark_input
        count = int(spark_input.count())
    else:
        con = con or duckdb.connect()
        if rows is not None:
            count = load_duckdb(con, table, rows)
        else:
            count = int(con.execute(f"SELECT count(*) FROM {_table(table)}").fetchall()[0][0])  # noqa: S608
        db_api = _db_api(con)
        input_table = table
    linker = _linker(input_table, untrained_settings(dialect="spark" if spark is not None else "duckdb"), db_api)
    started = timings.lap("load", started)
    linker.training.estimate_probability_two_random_records_match(
        list(spec.DETERMINISTIC_RULES), recall=spec.DETERMINISTIC_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    started = timings.lap("u", started)
    for rule in spec.TRAINING_BLOCKS:
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    timings.lap("em", started)
    trained = neutral_untrained_levels(linker.misc.save_model_to_json())
    if spark is not None:
        trained = settings_for_dialect(trained, "duckdb")  # stored, and scored, in one dialect
    return TrainingResult(settings=trained, records=count, timings=timings)


def neutral_untrained_levels(settings: dict[str, Any]) -> dict[str, Any]:
    """A level never seen in training gets weight 0 (m = u), stated in the settings, rather
    than Splink's arbitrary defaults: no evidence either way. The auto-link guard, not a
    guessed weight, keeps pairs with conflicting identifiers or first names out of auto-links."""
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if not m and not u:
                level["m_probability"] = level["u_probability"] = 0.5
            elif not m:
                level["m_probability"] = u
            elif not u:
                level["u_probability"] = m
    return settings


@dataclass
class Prediction:
    """Scored pairs at or above the review weight, and the auto-link clusters."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, gamma_*, auto
    clusters: dict[str, str]  # unique_id -> cluster id, auto-links only
    timings: Timings
    comparisons: int = 0


# What a run keeps of each pair: who, how strongly, and each comparison's level.
_PAIR_COLUMNS = ", ".join(
    ["unique_id_l", "unique_id_r", "match_weight", "match_probability"] + [f"gamma_{c.name}" for c in spec.COMPARISONS]
)


def auto_link_allowed_sql() -> str:
    """SQL over the gamma columns: true when no level of the pair forbids an auto-link."""
    conditions = []
    for comparison in spec.COMPARISONS:
        forbidden = [str(i) for i, level in enumerate(comparison.levels) if not level.allows_auto_link]
        if forbidden:
            # Splink numbers levels from the top: the null level is -1, then n-1 .. 0.
            gammas = [str(_gamma_of(comparison, int(i))) for i in forbidden]
            conditions.append(f"gamma_{comparison.name} NOT IN ({', '.join(gammas)})")
    return " AND ".join(conditions) or "TRUE"


def _gamma_of(comparison: spec.Comparison, index: int) -> int:
    """Splink's gamma value of the level at `index` (levels in order, null level first)."""
    has_null = comparison.levels[0].is_null
    if has_null and index == 0:
        return -1
    non_null = len(comparison.levels) - (1 if has_null else 0)
    position = index - (1 if has_null else 0)
    return non_null - 1 - position


def level_index_of_gamma(comparison: spec.Comparison, gamma: int) -> int:
    for index in range(len(comparison.levels)):
        if _gamma_of(comparison, index) == gamma:
            return index
    raise ValueError(f"{comparison.name} has no level with gamma {gamma}")


def predict(
    settings: dict[str, Any],
    *,
    review_weight: float,
    auto_link_weight: float,
    rows: Iterable[dict[str, Any]] | dict[str, list[Any]] | None = None,
    table: str | Sequence[str] = "linkage_input",
    con: duckdb.DuckDBPyConnection | None = None,
    spark: Any = None,
    spark_frames: Any = None,
    link_type: str = "dedupe_only",
) -> Prediction:
    """Score every blocked pair; keep those at or above the review weight; cluster the pairs
    that may auto-link. `table` may be two tables to link (link_type "link_only")."""
    timings = Timings()
    started = time.perf_counter()
    model = settings_for_dialect(settings, "spark") if spark is not None else dict(settings)
    model["link_type"] = link_type
    model["retain_matching_columns"] = True
    # The gamma (level) columns are needed for the auto-link guard and the reasons shown.
    model["retain_intermediate_calculation_columns"] = True
    if spark is not None:
        db_api = _db_api(spark=spark)
        inputs: Any = spark_frames
    else:
        con = con or duckdb.connect()
        if rows is not None:
            load_duckdb(con, str(table), rows)
        db_api = _db_api(con)
        inputs = table
    linker = _linker(inputs, model, db_api)
    predictions = linker.inference.predict(threshold_match_weight=review_weight)
    started = timings.lap("predict", started)
    guard = auto_link_allowed_sql()
    # The guard is spec's SQL; the threshold a float; the table Splink's own.
    auto = f"({guard}) AND match_weight >= {float(auto_link_weight)}"
    if spark is None:
        assert con is not None
        pairs = con.execute(f"SELECT {_PAIR_COLUMNS}, {auto} AS auto FROM {_table(predictions.physical_name)}").df()  # noqa: S608
        identifiers = _identifiers_duckdb(con, inputs)
    else:
        frame = spark.sql(f"SELECT {_PAIR_COLUMNS}, {auto} AS auto FROM {_table(predictions.physical_name)}")  # noqa: S608
        pairs = frame.toPandas()
        identifiers = _identifiers_spark(spark_frames)
    auto_pairs = pairs[pairs["auto"]].sort_values("match_weight", ascending=False, kind="stable")
    clusters = constrained_clusters(zip(auto_pairs["unique_id_l"], auto_pairs["unique_id_r"], strict=True), identifiers)
    timings.lap("cluster", started)
    return Prediction(pairs=pairs, clusters=clusters, timings=timings)


Identifiers = dict[str, tuple[str | None, str | None]]


def _identifiers_duckdb(con: duckdb.DuckDBPyConnection, inputs: str | Sequence[str]) -> Identifiers:
    tables = [inputs] if isinstance(inputs, str) else list(inputs)
    out: Identifiers = {}
    for table in tables:
        rows = con.execute(
            f"SELECT unique_id, nhs_number, upn FROM {_table(table)} "  # noqa: S608
            "WHERE nhs_number IS NOT NULL OR upn IS NOT NULL"
        ).fetchall()
        out.update((uid, (nhs, upn)) for uid, nhs, upn in rows)
    return out


def _identifiers_spark(frames: Any) -> Identifiers:
    out: Identifiers = {}
    for frame in frames if isinstance(frames, list | tuple) else [frames]:
        rows = frame.where("nhs_number IS NOT NULL OR upn IS NOT NULL").select("unique_id", "nhs_number", "upn")
        out.update((r["unique_id"], (r["nhs_number"], r["upn"])) for r in rows.collect())
    return out


def constrained_clusters(edges: Iterable[tuple[str, str]], identifiers: Identifiers) -> dict[str, str]:
    """Connected components of the auto-link edges, strongest first, refusing any join that
    would put two different NHS numbers or two different UPNs in one cluster.

    Plain connected components (what Splink's clustering does) chains: twin A's record links
    to a record with only an initial, which links to twin B's. A cluster holding two NHS
    numbers is two children, so that join is refused, and the weaker evidence loses. Splink
    has no cannot-link constraint, so this union-find is ours (ADR 9)."""
    parent: dict[str, str] = {}
    nhs: dict[str, str | None] = {}
    upn: dict[str, str | None] = {}

    def find(node: str) -> str:
        if node not in parent:
            parent[node] = node
            ids = identifiers.get(node, (None, None))
            nhs[node], upn[node] = ids
            return node
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for left, right in edges:
        a, b = find(left), find(right)
        if a == b:
            continue
        if nhs[a] and nhs[b] and nhs[a] != nhs[b]:
            continue
        if upn[a] and upn[b] and upn[a] != upn[b]:
            continue
        parent[b] = a
        nhs[a] = nhs[a] or nhs[b]
        upn[a] = upn[a] or upn[b]
    return {node: find(node) for node in list(parent)}
