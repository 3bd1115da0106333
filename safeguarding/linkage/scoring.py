"""Scoring one pair in Python with a trained Splink model's weights.

Used where one record arrives and must be matched against the index before anything is
created (a form, a feed row, an API call): the candidates come from the database's indexes
(`index.py`), and each is scored here in microseconds. The levels are `spec.py`'s; the m and
u probabilities are the ones Splink trained. `tests/test_spec_parity.py` checks the result
equals Splink's own `predict()` on the same pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from safeguarding.linkage import spec


@dataclass(frozen=True)
class LevelResult:
    comparison: str  # "First name"
    level: str  # "Nickname or formal name of each other"
    weight: float  # log2(m / u); 0 for a missing value or a level never trained
    is_null: bool
    allows_auto_link: bool

    @property
    def agrees(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True)
class PairScore:
    match_weight: float
    levels: tuple[LevelResult, ...]

    @property
    def match_probability(self) -> float:
        return 1.0 / (1.0 + 2.0 ** (-self.match_weight))

    @property
    def auto_link_allowed(self) -> bool:
        return all(level.allows_auto_link for level in self.levels)

    def reasons(self) -> list[dict[str, Any]]:
        """What `ReviewPair.comparison` stores and pages show: strongest evidence first."""
        shown = [level for level in self.levels if not level.is_null]
        shown.sort(key=lambda level: -abs(level.weight))
        return [
            {"comparison": level.comparison, "level": level.level, "weight": round(level.weight, 2)} for level in shown
        ]


def _weight(level: dict[str, Any]) -> float:
    m, u = level.get("m_probability"), level.get("u_probability")
    if level.get("is_null_level") or not m or not u:
        return 0.0
    return math.log2(float(m) / float(u))


class CompiledModel:
    """A trained settings dictionary, ready to score pairs."""

    def __init__(self, settings: dict[str, Any]) -> None:
        prior = float(settings["probability_two_random_records_match"])
        self.prior_weight = math.log2(prior / (1.0 - prior))
        by_name = {c["output_column_name"]: c for c in settings["comparisons"]}
        self.weights: list[tuple[spec.Comparison, tuple[float, ...]]] = []
        for comparison in spec.COMPARISONS:
            trained = by_name.get(comparison.name) or {"comparison_levels": []}
            labels = [level["label_for_charts"] for level in trained["comparison_levels"]]
            if labels != [level.label for level in comparison.levels]:
                raise ValueError(f"The model does not match this version's comparison {comparison.name!r}: retrain it")
            self.weights.append((comparison, tuple(_weight(level) for level in trained["comparison_levels"])))

    def score(self, left: dict[str, Any], right: dict[str, Any]) -> PairScore:
        total = self.prior_weight
        levels = []
        for comparison, weights in self.weights:
            index = comparison.level_of(left, right)
            level = comparison.levels[index]
            total += weights[index]
            levels.append(
                LevelResult(
                    comparison=comparison.description,
                    level=level.label,
                    weight=weights[index],
                    is_null=level.is_null,
                    allows_auto_link=level.allows_auto_link,
                )
            )
        return PairScore(match_weight=total, levels=tuple(levels))

    def level_weights(self) -> list[tuple[str, list[tuple[str, float]]]]:
        """For the match weights chart: each comparison's levels and their weights."""
        return [
            (comparison.description, [(level.label, w) for level, w in zip(comparison.levels, weights, strict=True)])
            for comparison, weights in self.weights
        ]
