"""`make bench`, identity linkage (issue 4): quality and speed of deduplication on the
synthetic population, with the Python Record Linkage Toolkit as the baseline.

Each size runs in its own process (so that peak memory is that run's): generate the
population (not timed), train the model on it by expectation maximisation (timed apart),
then deduplicate: derive the features, load DuckDB, score every blocked pair with Splink,
apply the auto-link guard and cluster (timed: "dedupe wall time"). Quality is pairwise
precision, recall and F1 against the generator's truth, for auto-links alone and for
auto-links plus the pairs sent to review; and how many twin pairs ended in one cluster.

    python -m benchmarks.linkage [--sizes 100000,1000000] [--baseline-sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARK_START = "<!-- linkage:start -->"
MARK_END = "<!-- linkage:end -->"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    import logging

    logging.disable(logging.WARNING)  # Splink logs every step
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_splink(size: int, seed: int) -> dict[str, Any]:
    _setup()
    from safeguarding.linkage import engine
    from safeguarding.linkage.batch import feature_columns, run
    from safeguarding.linkage.evaluation import clusters_from_pairs, pairwise_scores, twins_merged
    from safeguarding.linkage.models import LinkageModel  # noqa: F401  (apps loaded)
    from safeguarding.linkage.population import RECORD_FIELDS, generate_population

    population = generate_population(size, seed=seed)
    mapping = {field: field for field in RECORD_FIELDS if field != "source"}
    truth = {f"p:{k}": v for k, v in population.truth.items()}
    started = time.perf_counter()
    rows = feature_columns(population.records, mapping, prefix="p")
    trained = engine.train(rows)
    train_seconds = time.perf_counter() - started
    auto_weight, review_weight = engine.DEFAULT_AUTO_LINK_WEIGHT, engine.DEFAULT_REVIEW_WEIGHT
    del rows
    started = time.perf_counter()
    rows = feature_columns(population.records, mapping, prefix="p")
    features_seconds = time.perf_counter() - started
    result = run(rows, settings=trained.settings, auto_link_weight=auto_weight, review_weight=review_weight)
    wall = time.perf_counter() - started
    pairs = result.prediction.pairs
    auto = pairwise_scores(result.prediction.clusters, truth)
    everything = clusters_from_pairs(list(truth), zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True))
    with_review = pairwise_scores(everything, truth)
    twin_pairs = population.twin_pairs
    return {
        "tool": "Splink (DuckDB)",
        "records": size,
        "entities": population.entities,
        "twin_pairs": len(twin_pairs),
        "train_seconds": round(train_seconds, 1),
        "dedupe_seconds": round(wall, 1),
        "features_seconds": round(features_seconds, 1),
        "steps": result.prediction.timings.seconds,
        "pairs_scored": len(pairs),
        "peak_mb": round(peak_mb()),
        "auto": _scores(auto),
        "with_review": _scores(with_review),
        "twins_merged": twins_merged(result.prediction.clusters, truth, twin_pairs),
        "thresholds": {"auto_link_weight": auto_weight, "review_weight": review_weight},
    }


def _scores(scores: Any) -> dict[str, float]:
    return {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "true_positive_pairs": scores.true_positive_pairs,
        "predicted_pairs": scores.predicted_pairs,
        "true_pairs": scores.true_pairs,
    }


def run_baseline(size: int, seed: int) -> dict[str, Any]:
    """recordlinkage with the ECM classifier (unsupervised, like Splink's EM), on the same
    features and the same blocking keys."""
    _setup()
    import pandas as pd
    import recordlinkage

    from safeguarding.linkage.batch import feature_rows
    from safeguarding.linkage.evaluation import clusters_from_pairs, pairwise_scores, twins_merged
    from safeguarding.linkage.population import RECORD_FIELDS, generate_population

    population = generate_population(size, seed=seed)
    mapping = {field: field for field in RECORD_FIELDS if field != "source"}
    truth = {f"p:{k}": v for k, v in population.truth.items()}
    started = time.perf_counter()
    rows = feature_rows(population.records, mapping, prefix="p")
    columns = ["first_key", "last_key", "dob", "dob_swapped", "sex", "postcode", "postcode_district"]
    columns += ["address_key", "school_key", "nhs_number", "upn", "first_initial"]
    frame = pd.DataFrame({c: [r[c] for r in rows] for c in columns}, index=[r["unique_id"] for r in rows])
    frame["last2"] = frame["last_key"].str[:2]
    frame["year"] = frame["dob"].str[:4]
    indexer = recordlinkage.Index()
    # The blocking rules of spec.BLOCKING_RULES that recordlinkage's block() can express.
    indexer.block("nhs_number")
    indexer.block("upn")
    indexer.block(["dob", "postcode_district"])
    indexer.block(["dob", "last2"])
    indexer.block(["dob", "first_key"])
    indexer.block(["first_key", "last_key", "year"])
    indexer.block(["postcode", "first_initial"])
    candidates = indexer.index(frame.fillna({"nhs_number": "", "upn": ""}).replace({"": None}))
    compare = recordlinkage.Compare(n_jobs=1)
    compare.string("first_key", "first_key", method="jarowinkler", threshold=0.88, label="first_name")
    compare.string("last_key", "last_key", method="jarowinkler", threshold=0.88, label="last_name")
    compare.exact("dob", "dob", label="dob")
    compare.exact("sex", "sex", label="sex")
    compare.exact("postcode", "postcode", label="postcode")
    compare.string("address_key", "address_key", method="jarowinkler", threshold=0.9, label="address")
    compare.exact("school_key", "school_key", label="school")
    compare.exact("nhs_number", "nhs_number", label="nhs_number")
    compare.exact("upn", "upn", label="upn")
    vectors = compare.compute(candidates, frame)
    ecm = recordlinkage.ECMClassifier(binarize=None)
    ecm.fit(vectors)
    probability = ecm.prob(vectors)
    wall = time.perf_counter() - started
    auto_pairs = probability.index[probability >= 0.99]
    review_pairs = probability.index[probability >= 0.5]
    auto_clusters = clusters_from_pairs(list(truth), list(auto_pairs))
    all_clusters = clusters_from_pairs(list(truth), list(review_pairs))
    return {
        "tool": "recordlinkage 0.16 (ECM)",
        "records": size,
        "entities": population.entities,
        "twin_pairs": len(population.twin_pairs),
        "dedupe_seconds": round(wall, 1),
        "pairs_scored": len(candidates),
        "peak_mb": round(peak_mb()),
        "auto": _scores(pairwise_scores(auto_clusters, truth)),
        "with_review": _scores(pairwise_scores(all_clusters, truth)),
        "twins_merged": twins_merged(auto_clusters, truth, population.twin_pairs),
        "thresholds": {"auto_link_probability": 0.99, "review_probability": 0.5},
    }


def run_in_subprocess(kind: str, size: int, seed: int, timeout: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.linkage", "--one", kind, "--size", str(size), "--seed", str(seed)]
    print(f"linkage bench: {kind} at {size:,} records", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"tool": kind, "records": size, "unavailable": f"did not finish within {timeout // 60} minutes"}
    if done.returncode != 0:
        return {"tool": kind, "records": size, "unavailable": done.stderr.strip().splitlines()[-1][:200]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def lines(results: list[dict[str, Any]], machine: str) -> list[str]:
    out = [
        MARK_START,
        "## Identity linkage: deduplicating the synthetic population",
        "",
        f"Measured by `python -m benchmarks.linkage` (part of `make bench`) on {time.strftime('%Y-%m-%d')}; {machine}.",
        "The population (`safeguarding/linkage/population.py`, seed 2023) has about 2.4 records per child,",
        "corrupted as agency records are (nicknames, typos, changed and double-barrelled surnames, swapped",
        "names, transposed and near-miss dates, moves, missing identifiers), with twins and siblings.",
        "Splink's model is trained on the population itself by expectation maximisation (no labels);",
        '"dedupe" is features, DuckDB load, scoring every blocked pair, the auto-link guard and',
        "clustering. Precision and recall are pairwise, against the generator's truth.",
        "",
        "| tool | records | dedupe wall s | train s | pairs scored | peak MB | auto-link precision | recall | F1 "
        "| with review: precision | recall | F1 | twins merged | targets met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "unavailable" in r:
            out.append(f"| {r['tool']} | {r['records']:,} | | | | | | | | | | | | not measured: {r['unavailable']} |")
            continue
        a, w = r["auto"], r["with_review"]
        met = ""
        if r["tool"].startswith("Splink"):
            checks = [a["precision"] >= 0.999, a["recall"] >= 0.95, r["twins_merged"] == 0]
            if r["records"] >= 1_000_000:
                checks.append(r["dedupe_seconds"] < 60)
            met = "yes" if all(checks) else "**no**"
        out.append(
            f"| {r['tool']} | {r['records']:,} | {r['dedupe_seconds']} | {r.get('train_seconds', '')} "
            f"| {r['pairs_scored']:,} | {r['peak_mb']:,} | {a['precision']:.5f} | {a['recall']:.4f} | {a['f1']:.4f} "
            f"| {w['precision']:.5f} | {w['recall']:.4f} | {w['f1']:.4f} | {r['twins_merged']} of {r['twin_pairs']} "
            f"| {met} |"
        )
    out += [
        "",
        "Targets (issue 4): auto-link precision at least 0.999 with recall at least 0.95; twins never",
        "merged; 1,000,000 records deduplicated in under 60 s. The baseline's auto-links are ECM",
        "probability >= 0.99 and its review pairs >= 0.5; it compares the same features on the same",
        "blocking keys, treating a missing value as a disagreement (recordlinkage has no null level).",
        MARK_END,
    ]
    return out


def write_section(section: list[str], start: str = MARK_START, end: str = MARK_END) -> Path:
    """Put `section` (which begins with `start` and ends with `end`) in docs/benchmarks.md in
    place of the last one, or at the end."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = "\n".join(section)
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--baseline-sizes", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--timeout-minutes", type=int, default=40)
    parser.add_argument("--one", choices=["splink", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = run_splink(args.size, args.seed) if args.one == "splink" else run_baseline(args.size, args.seed)
        print(json.dumps(result))
        return
    from benchmarks.run import machine

    timeout = args.timeout_minutes * 60
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        results.append(run_in_subprocess("splink", size, args.seed, timeout))
    for size in [int(s) for s in args.baseline_sizes.split(",") if s]:
        results.append(run_in_subprocess("baseline", size, args.seed, timeout))
    path = write_section(lines(results, machine()))
    print("\n".join(lines(results, machine())))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
