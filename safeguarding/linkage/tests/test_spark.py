"""Scale out: the same model on Spark (local mode) gives the same pairs and weights as on
DuckDB. An optional extra: runs only where `pyspark` (and Java) are installed, as on a data
platform (`pip install -r requirements-spark.txt`); the default install stays on DuckDB."""

import shutil

import pytest

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover - depends on the machine
    pytest.skip("Spark needs Java", allow_module_level=True)

from safeguarding.linkage import engine  # noqa: E402
from safeguarding.linkage.batch import feature_rows, run  # noqa: E402
from safeguarding.linkage.population import RECORD_FIELDS, generate_population  # noqa: E402
from safeguarding.linkage.training import reference_settings  # noqa: E402

MAPPING = {field: field for field in RECORD_FIELDS if field != "source"}


@pytest.fixture(scope="module")
def spark(tmp_path_factory):  # type: ignore[no-untyped-def]
    session = engine.spark_session(
        "local[2]",
        checkpoint_dir=str(tmp_path_factory.mktemp("spark-checkpoints")),
        **{"spark.sql.shuffle.partitions": "4"},
    )
    yield session
    session.stop()


def test_spark_and_duckdb_score_the_same_pairs_with_the_same_weights(spark) -> None:  # type: ignore[no-untyped-def]
    population = generate_population(3000, seed=11)
    rows = feature_rows(population.records, MAPPING, prefix="p")
    settings = reference_settings()
    on_duckdb = run(rows, settings=settings, auto_link_weight=11, review_weight=6).prediction
    on_spark = engine.predict(
        settings,
        review_weight=6,
        auto_link_weight=11,
        spark=spark,
        spark_frames=engine.spark_frame(spark, rows),
    )
    duck = {(r.unique_id_l, r.unique_id_r): r.match_weight for r in on_duckdb.pairs.itertuples()}
    sparked = {(r.unique_id_l, r.unique_id_r): r.match_weight for r in on_spark.pairs.itertuples()}
    assert len(duck) > 500
    assert duck.keys() == sparked.keys()
    assert all(abs(duck[k] - sparked[k]) < 1e-6 for k in duck)
    assert on_spark.pairs["auto"].sum() == on_duckdb.pairs["auto"].sum()
    assert set(on_spark.clusters.values()) and len(set(on_spark.clusters.values())) == len(
        set(on_duckdb.clusters.values())
    )


def test_the_model_trains_on_spark_and_is_stored_in_duckdb_sql(spark) -> None:  # type: ignore[no-untyped-def]
    population = generate_population(3000, seed=12)
    rows = feature_rows(population.records, MAPPING, prefix="p")
    trained = engine.train(spark=spark, spark_input=engine.spark_frame(spark, rows), u_pairs=2e5)
    assert trained.records == 3000
    assert trained.settings["sql_dialect"] == "duckdb"
    from safeguarding.linkage.scoring import CompiledModel

    compiled = CompiledModel(trained.settings)
    same_name = dict(compiled.level_weights())["First name"][1][1]
    assert same_name > 0  # "Same first name" counts for a match


def test_the_linking_command_runs_on_spark(spark, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv
    from io import StringIO

    from django.core.management import call_command

    from safeguarding.linkage.population import write_csv

    population = generate_population(1500, seed=13)
    write_csv(population.records, tmp_path / "people.csv")
    out = StringIO()
    call_command(
        "linkage_run",
        str(tmp_path / "people.csv"),
        *[arg for field in MAPPING for arg in ("--map", f"{field}={field}")],
        "--out",
        str(tmp_path / "run"),
        "--train",
        "--spark",
        "local[2]",
        stdout=out,
    )
    assert "auto-links" in out.getvalue()
    with (tmp_path / "run" / "pairs.csv").open() as handle:
        pairs = list(csv.DictReader(handle))
    assert len(pairs) > 100
    truth = population.truth
    auto = [p for p in pairs if p["auto_link"] == "yes"]
    right = sum(truth[p["record_l"].split(":", 1)[1]] == truth[p["record_r"].split(":", 1)[1]] for p in auto)
    assert right / len(auto) > 0.99
