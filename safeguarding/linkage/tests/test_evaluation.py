"""Scoring a linkage against the truth: pair counts worked by hand, properties checked against
listing every pair, twins merged, and connected components of linked pairs."""

import itertools
import time

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safeguarding.linkage.evaluation import Scores, clusters_from_pairs, pairwise_scores, twins_merged

# Three children: 1 has records a, b, c; 2 has d, e; 3 has f.
# True pairs: a-b, a-c, b-c (3) + d-e (1) = 4.
TRUTH = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "f": 3}


def test_hand_worked_partial_linkage():
    # X = {a, b, d}: pairs a-b (true), a-d, b-d (false). c and e alone; f not predicted at all.
    scores = pairwise_scores({"a": "X", "b": "X", "d": "X", "c": "Y", "e": "Z"}, TRUTH)
    assert scores.true_pairs == 4
    assert scores.predicted_pairs == 3
    assert scores.true_positive_pairs == 1
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 4)
    # 2PR / (P + R) = (2 * 1/12) / (7/12) = 2/7
    assert scores.f1 == pytest.approx(2 / 7)


def test_hand_worked_everything_in_one_cluster():
    # One cluster of 6 records: 15 pairs, of which the 4 true pairs are all found.
    scores = pairwise_scores(dict.fromkeys(TRUTH, 0), TRUTH)
    assert (scores.true_positive_pairs, scores.predicted_pairs, scores.true_pairs) == (4, 15, 4)
    assert scores.precision == pytest.approx(4 / 15)
    assert scores.recall == 1.0


def test_hand_worked_perfect_and_empty():
    assert pairwise_scores(TRUTH, TRUTH) == Scores(1.0, 1.0, 1.0, 4, 4, 4)
    # Nothing predicted: no false pair made (precision 1), nothing found (recall 0).
    assert pairwise_scores({}, TRUTH) == Scores(1.0, 0.0, 0.0, 0, 0, 4)
    # None is "not linked", like an absent record.
    assert pairwise_scores(dict.fromkeys(TRUTH), TRUTH) == Scores(1.0, 0.0, 0.0, 0, 0, 4)


def test_cluster_ids_may_be_any_hashable_and_unknown_records_are_not_scored():
    predicted = {"a": 0, "b": 0, "c": (1, "x"), "d": (1, "x"), "zz": 0}
    # a-b true; c-d false; "zz" is not in the truth and is ignored.
    scores = pairwise_scores(predicted, TRUTH)
    assert (scores.true_positive_pairs, scores.predicted_pairs, scores.true_pairs) == (1, 2, 4)


def test_nothing_to_find_is_perfect_recall():
    truth = {"a": 1, "b": 2}
    assert pairwise_scores({}, truth).recall == 1.0
    assert pairwise_scores({"a": 0, "b": 0}, truth) == Scores(0.0, 1.0, 0.0, 0, 1, 0)


def _brute_force(predicted, truth):
    tp = pred = true = 0
    for x, y in itertools.combinations(truth, 2):
        same_pred = predicted.get(x) is not None and predicted.get(x) == predicted.get(y)
        same_true = truth[x] == truth[y]
        tp += same_pred and same_true
        pred += same_pred
        true += same_true
    return tp, pred, true


records = st.dictionaries(st.text(alphabet="abcdefgh", min_size=1, max_size=3), st.integers(0, 6), max_size=25)


@given(records)
@hypothesis_settings(max_examples=200, deadline=None)
def test_perfect_prediction_scores_one(truth):
    scores = pairwise_scores(dict(truth), truth)
    assert scores.precision == scores.recall == scores.f1 == 1.0
    assert scores.true_positive_pairs == scores.predicted_pairs == scores.true_pairs


@given(records)
@hypothesis_settings(max_examples=200, deadline=None)
def test_all_singletons_find_nothing(truth):
    singletons = {record_id: record_id for record_id in truth}
    scores = pairwise_scores(singletons, truth)
    assert scores.predicted_pairs == scores.true_positive_pairs == 0
    assert scores.precision == 1.0
    if scores.true_pairs:
        assert scores.recall == 0.0
        assert scores.f1 == 0.0


@given(records, st.data())
@hypothesis_settings(max_examples=300, deadline=None)
def test_pair_counts_equal_listing_every_pair(truth, data):
    predicted = {
        record_id: data.draw(st.one_of(st.none(), st.integers(0, 3)), label=record_id)
        for record_id in truth
        if data.draw(st.booleans(), label=f"{record_id} predicted")
    }
    scores = pairwise_scores(predicted, truth)
    assert (scores.true_positive_pairs, scores.predicted_pairs, scores.true_pairs) == _brute_force(predicted, truth)
    assert 0.0 <= scores.precision <= 1.0 and 0.0 <= scores.recall <= 1.0


def test_a_million_records_score_in_seconds():
    truth = {f"r{i}": i // 3 for i in range(1_000_000)}
    predicted = {f"r{i}": i // 2 for i in range(1_000_000)}
    started = time.perf_counter()
    scores = pairwise_scores(predicted, truth)
    assert time.perf_counter() - started < 10
    # Truth: 333,333 children of 3 records (3 pairs each) and r999999 alone: 999,999 pairs.
    # Predicted: 500,000 clusters of 2. In every block of 6 records (0-5) the predicted pairs
    # are 0-1 (true), 2-3 (false), 4-5 (true): 2 of 3. 166,666 blocks, then r999996-r999997
    # (true) and r999998-r999999 (false): 333,333 true positives.
    assert scores.true_pairs == 999_999
    assert scores.predicted_pairs == 500_000
    assert scores.true_positive_pairs == 333_333


# --- Twins ----------------------------------------------------------------------------------

TWIN_TRUTH = {"r1": 10, "r2": 10, "r3": 11, "r4": 20, "r5": 21, "r6": 30, "r7": 31}
TWINS = {frozenset({10, 11}), frozenset({20, 21}), frozenset({30, 31})}


def test_twins_merged_counts_pairs_sharing_a_cluster():
    # r2 (twin 10) and r3 (twin 11) share B: merged. 20/21 apart. r6/r7 not predicted.
    predicted = {"r1": "A", "r2": "B", "r3": "B", "r4": "C", "r5": "D"}
    assert twins_merged(predicted, TWIN_TRUTH, TWINS) == 1
    assert twins_merged(TWIN_TRUTH, TWIN_TRUTH, TWINS) == 0
    assert twins_merged(dict.fromkeys(TWIN_TRUTH, "all"), TWIN_TRUTH, TWINS) == 3
    assert twins_merged({"r6": None, "r7": None}, TWIN_TRUTH, TWINS) == 0
    assert twins_merged(predicted, TWIN_TRUTH, set()) == 0


# --- Clusters from pairs --------------------------------------------------------------------


def test_connected_components_labelled_by_their_smallest_record():
    clusters = clusters_from_pairs("abcdef", [("b", "a"), ("c", "b"), ("f", "e")])
    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "e", "f": "e"}
    assert clusters_from_pairs("abcdef", [("f", "e"), ("b", "c"), ("a", "b")]) == clusters


def test_records_named_only_in_pairs_are_included():
    assert clusters_from_pairs(["a"], [("b", "c")]) == {"a": "a", "b": "b", "c": "b"}


def test_a_long_chain_is_one_cluster_without_recursion():
    ids = [f"r{i:06d}" for i in range(200_000)]
    clusters = clusters_from_pairs(ids, itertools.pairwise(ids))
    assert set(clusters.values()) == {"r000000"}


@given(
    st.lists(st.integers(0, 15), min_size=1, max_size=16, unique=True),
    st.lists(st.tuples(st.integers(0, 15), st.integers(0, 15)), max_size=20),
)
@hypothesis_settings(max_examples=200, deadline=None)
def test_clusters_are_the_connected_components(nodes, edges):
    ids = [f"n{n:02d}" for n in nodes]
    pairs = [(f"n{a:02d}", f"n{b:02d}") for a, b in edges]
    clusters = clusters_from_pairs(ids, pairs)
    # Reachability by repeated relaxation, the slow obvious way.
    everyone = set(ids) | {x for pair in pairs for x in pair}
    component = {x: {x} for x in everyone}
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            merged = component[a] | component[b]
            if merged != component[a] or merged != component[b]:
                for x in merged:
                    component[x] = merged
                changed = True
    assert set(clusters) == everyone
    for x in everyone:
        assert clusters[x] == min(component[x])
