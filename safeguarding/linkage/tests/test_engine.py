"""The batch engine: Splink and the one-record scorer agree level by level; the auto-link
guard and the constrained clustering keep twins apart; the linking command writes pairs and
clusters for two files."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safeguarding.linkage import engine, spec
from safeguarding.linkage.batch import feature_columns, feature_rows, run
from safeguarding.linkage.evaluation import pairwise_scores
from safeguarding.linkage.features import features, mark_common_first_names, person_from_row
from safeguarding.linkage.population import generate_population, write_csv
from safeguarding.linkage.scoring import CompiledModel
from safeguarding.linkage.training import reference_settings

IDENTITY = {f: f for f in ("record_id", "first_name", "last_name", "former_last_name", "date_of_birth", "sex")} | {
    f: f for f in ("postcode", "address", "school", "nhs_number", "upn", "middle_names")
}


@pytest.fixture(scope="module")
def population():  # type: ignore[no-untyped-def]
    return generate_population(4000, seed=7)


def test_splink_and_the_python_scorer_agree_on_every_level_and_weight(population) -> None:  # type: ignore[no-untyped-def]
    settings = reference_settings()
    rows = [features(r["record_id"], person_from_row(r)) for r in population.records]
    result = run(rows, settings=settings, auto_link_weight=20, review_weight=-40)
    pairs = result.prediction.pairs
    assert len(pairs) > 1000
    compiled = CompiledModel(settings)
    mark_common_first_names(rows)  # as the batch load did, in SQL
    by_id = {row["unique_id"]: row for row in rows}
    for record in pairs.itertuples():
        left, right = by_id[record.unique_id_l], by_id[record.unique_id_r]
        score = compiled.score(left, right)
        for comparison, level in zip(spec.COMPARISONS, score.levels, strict=True):
            gamma = getattr(record, f"gamma_{comparison.name}")
            assert comparison.levels[engine.level_index_of_gamma(comparison, int(gamma))].label == level.level, (
                comparison.name,
                left,
                right,
            )
        assert score.match_weight == pytest.approx(record.match_weight, abs=1e-6)


def test_the_batch_derivation_equals_the_one_record_derivation(population) -> None:  # type: ignore[no-untyped-def]
    mapping = {f: f for f in IDENTITY}
    batch_rows = feature_rows(population.records, mapping, prefix="p")
    one_by_one = [features(f"p:{r['record_id']}", person_from_row(r)) for r in population.records]
    assert batch_rows == one_by_one


def test_gamma_numbering_follows_splink() -> None:
    for comparison in spec.COMPARISONS:
        gammas = [engine._gamma_of(comparison, i) for i in range(len(comparison.levels))]
        assert gammas[0] == -1  # the null level
        assert gammas[1:] == list(range(len(comparison.levels) - 2, -1, -1))
        for index, gamma in enumerate(gammas):
            assert engine.level_index_of_gamma(comparison, gamma) == index


def test_clustering_refuses_to_join_two_nhs_numbers_through_a_weaker_record() -> None:
    # Twin A (NHS 1) and twin B (NHS 2) both link strongly to an initial-only record.
    edges = [("a", "initial"), ("b", "initial"), ("a", "a2")]
    clusters = engine.constrained_clusters(edges, {"a": ("9434765919", None), "b": ("9434765870", None)})
    assert clusters["a"] == clusters["initial"] == clusters["a2"]
    assert clusters["b"] != clusters["a"]


def test_clustering_joins_records_that_agree_or_lack_identifiers() -> None:
    clusters = engine.constrained_clusters([("a", "b"), ("b", "c")], {"a": ("9434765919", None)})
    assert clusters["a"] == clusters["b"] == clusters["c"]


def test_deduplicating_a_population_finds_its_children_and_never_merges_twins(population) -> None:  # type: ignore[no-untyped-def]
    columns = feature_columns(population.records, IDENTITY, prefix="p")
    result = run(columns, settings=reference_settings(), auto_link_weight=11, review_weight=6)
    clusters = {uid.split(":", 1)[1]: cluster for uid, cluster in result.prediction.clusters.items()}
    scores = pairwise_scores(clusters, population.truth)
    assert scores.precision >= 0.999
    assert scores.recall >= 0.9
    twin_clusters = [
        {clusters.get(r) for r, e in population.truth.items() if e in pair} for pair in population.twin_pairs
    ]
    assert population.twin_pairs, "the population has twins"
    assert all(len(c) > 1 or None in c for c in twin_clusters)


def test_the_linking_command_links_two_files_and_writes_pairs_and_clusters(tmp_path: Path, population) -> None:  # type: ignore[no-untyped-def]
    half = len(population.records) // 2
    write_csv(population.records[:half], tmp_path / "a.csv")
    write_csv(population.records[half:], tmp_path / "b.csv")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(IDENTITY))
    out = StringIO()
    with pytest.raises(CommandError, match="no column"):
        call_command(
            "linkage_run",
            str(tmp_path / "a.csv"),
            "--map",
            "first_name=Forename",
            "--map",
            "last_name=last_name",
            "--map",
            "date_of_birth=date_of_birth",
            "--out",
            str(tmp_path / "bad"),
            "--train",
        )
    call_command(
        "linkage_run",
        str(tmp_path / "a.csv"),
        str(tmp_path / "b.csv"),
        "--mapping",
        str(mapping),
        "--train",
        "--out",
        str(tmp_path / "run"),
        stdout=out,
    )
    assert "auto-links" in out.getvalue()
    with (tmp_path / "run" / "pairs.csv").open() as handle:
        pairs = list(csv.DictReader(handle))
    assert pairs and all(p["record_l"].startswith("left:") and p["record_r"].startswith("right:") for p in pairs)
    assert {"First name", "Date of birth", "auto_link"} <= set(pairs[0])
    with (tmp_path / "run" / "clusters.csv").open() as handle:
        clusters = list(csv.DictReader(handle))
    assert clusters and (tmp_path / "run" / "model.json").exists()
