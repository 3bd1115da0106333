"""The linkage model's comparisons, each level written twice: as SQL for Splink (batch runs
on DuckDB or Spark) and as Python for scoring one incoming record against candidates from
the index in milliseconds. `tests/test_spec_parity.py` checks that both agree, level by
level, on generated pairs; the trained m and u probabilities come from Splink either way.

Levels are tried in order; the first that holds is the pair's level (as in Splink).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rapidfuzz.distance import JaroWinkler, Levenshtein

Row = dict[str, Any]
Test = Callable[[Row, Row], bool]


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    test: Test
    is_null: bool = False
    # May a pair at this level be linked without a person? First names that disagree, or an
    # initial only, may be twins or siblings: such pairs go to review at most.
    allows_auto_link: bool = True


@dataclass(frozen=True)
class Comparison:
    name: str  # Splink's output_column_name
    description: str  # shown to people: "First name"
    levels: tuple[Level, ...]

    def level_of(self, left: Row, right: Row) -> int:
        for index, level in enumerate(self.levels):
            if level.test(left, right):
                return index
        return len(self.levels) - 1


def _both(left: Row, right: Row, column: str) -> bool:
    return left.get(column) is not None and right.get(column) is not None


def _eq(left: Row, right: Row, column: str) -> bool:
    return _both(left, right, column) and left[column] == right[column]


def _null(*columns: str) -> Test:
    return lambda left, right: any(left.get(c) is None or right.get(c) is None for c in columns)


def _null_sql(*columns: str) -> str:
    return " OR ".join(f"l.{c} IS NULL OR r.{c} IS NULL" for c in columns)


def _exact(column: str) -> Test:
    return lambda left, right: _eq(left, right, column)


def _any_shared(left_column: str, right_column: str) -> Test:
    def test(left: Row, right: Row) -> bool:
        a, b = left.get(left_column), right.get(right_column)
        return a is not None and b is not None and not set(a).isdisjoint(b)

    return test


def _jw(column: str, at_least: float) -> Test:
    return lambda left, right: (
        _both(left, right, column) and JaroWinkler.similarity(left[column], right[column]) >= at_least
    )


def _swapped(left: Row, right: Row) -> bool:
    return (
        _both(left, right, "first_key")
        and _both(left, right, "last_key")
        and left["first_key"] == right["last_key"]
        and left["last_key"] == right["first_key"]
    )


SWAPPED_SQL = "l.first_key = r.last_key AND l.last_key = r.first_key"


def _nickname(left: Row, right: Row) -> bool:
    return _any_shared("first_variants", "first_keys")(left, right) or _any_shared("first_variants", "first_keys")(
        right, left
    )


def _wide_nickname(left: Row, right: Row) -> bool:
    return _any_shared("first_wide", "first_keys")(left, right) or _any_shared("first_wide", "first_keys")(right, left)


def _initial(left: Row, right: Row) -> bool:
    return (
        _eq(left, right, "first_initial")
        and _both(left, right, "first_key")
        and (len(left["first_key"]) == 1 or len(right["first_key"]) == 1)
    )


def _dob_transposed(left: Row, right: Row) -> bool:
    # Symmetric: swapping day and month is its own inverse.
    return left.get("dob_swapped") is not None and left["dob_swapped"] == right.get("dob")


def _dob_one_character(left: Row, right: Row) -> bool:
    return _both(left, right, "dob") and Levenshtein.distance(left["dob"], right["dob"]) == 1


def _dob_within(days: int) -> Test:
    def test(left: Row, right: Row) -> bool:
        if not _both(left, right, "dob"):
            return False
        return abs((date.fromisoformat(left["dob"]) - date.fromisoformat(right["dob"])).days) <= days

    return test


def _else(left: Row, right: Row) -> bool:
    return True


def _residence_null(left: Row, right: Row) -> bool:
    return (left.get("postcode") is None or right.get("postcode") is None) and (
        left.get("address_key") is None or right.get("address_key") is None
    )


FIRST_NAME = Comparison(
    "first_name",
    "First name",
    (
        Level("First name missing", _null_sql("first_key"), _null("first_key"), is_null=True),
        Level("Same first name", "list_has_any(l.first_keys, r.first_keys)", _any_shared("first_keys", "first_keys")),
        Level("First and last names swapped", SWAPPED_SQL, _swapped),
        Level(
            "Nickname or formal name of each other",
            "list_has_any(l.first_variants, r.first_keys) OR list_has_any(r.first_variants, l.first_keys)",
            _nickname,
        ),
        Level(
            "Nicknames of the same name (such as Alex and Sasha)",
            "list_has_any(l.first_wide, r.first_keys) OR list_has_any(r.first_wide, l.first_keys)",
            _wide_nickname,
            allows_auto_link=False,
        ),
        Level(
            "First names spelt almost the same",
            "jaro_winkler_similarity(l.first_key, r.first_key) >= 0.88"
            " AND NOT (l.first_common = 'y' AND r.first_common = 'y')",
            lambda a, b: _jw("first_key", 0.88)(a, b) and not (a.get("first_common") == "y" == b.get("first_common")),
        ),
        Level(
            "Two different names that look alike (such as Sophie and Sophia)",
            "jaro_winkler_similarity(l.first_key, r.first_key) >= 0.88",
            _jw("first_key", 0.88),
            allows_auto_link=False,
        ),
        Level(
            "First names spelt similarly",
            "jaro_winkler_similarity(l.first_key, r.first_key) >= 0.8",
            _jw("first_key", 0.8),
            allows_auto_link=False,
        ),
        Level(
            "Same initial (one is an initial only)",
            "l.first_initial = r.first_initial AND (length(l.first_key) = 1 OR length(r.first_key) = 1)",
            _initial,
            allows_auto_link=False,
        ),
        Level("Different first names", "ELSE", _else, allows_auto_link=False),
    ),
)

LAST_NAME = Comparison(
    "last_name",
    "Surname",
    (
        Level("Surname missing", _null_sql("last_key"), _null("last_key"), is_null=True),
        Level("Same surname", "l.last_key = r.last_key", _exact("last_key")),
        Level("First and last names swapped", SWAPPED_SQL, _swapped),
        Level(
            "Share a surname (former or double-barrelled)",
            "list_has_any(l.last_keys, r.last_keys)",
            _any_shared("last_keys", "last_keys"),
        ),
        Level(
            "Surnames spelt almost the same",
            "jaro_winkler_similarity(l.last_key, r.last_key) >= 0.88",
            _jw("last_key", 0.88),
        ),
        Level("Surnames sound the same", "l.last_sound = r.last_sound", _exact("last_sound")),
        Level(
            "Surnames spelt similarly",
            "jaro_winkler_similarity(l.last_key, r.last_key) >= 0.8",
            _jw("last_key", 0.8),
        ),
        Level("Different surnames", "ELSE", _else),
    ),
)

DATE_OF_BIRTH = Comparison(
    "date_of_birth",
    "Date of birth",
    (
        Level("Date of birth missing", _null_sql("dob"), _null("dob"), is_null=True),
        Level("Same date of birth", "l.dob = r.dob", _exact("dob")),
        Level("Day and month transposed", "l.dob_swapped = r.dob", _dob_transposed),
        Level("One digit different", "levenshtein(l.dob, r.dob) = 1", _dob_one_character),
        Level(
            "Within a year",
            "abs(datediff('day', CAST(l.dob AS DATE), CAST(r.dob AS DATE))) <= 365",
            _dob_within(365),
        ),
        Level("Different dates of birth", "ELSE", _else),
    ),
)

SEX = Comparison(
    "sex",
    "Sex",
    (
        Level("Sex missing", _null_sql("sex"), _null("sex"), is_null=True),
        Level("Same sex", "l.sex = r.sex", _exact("sex")),
        # Twins of different sex share everything else; a wrong sex on one record is rarer.
        Level("Different sex", "ELSE", _else, allows_auto_link=False),
    ),
)

RESIDENCE = Comparison(
    "residence",
    "Address and postcode",
    (
        Level(
            "Address and postcode missing",
            "(l.postcode IS NULL OR r.postcode IS NULL) AND (l.address_key IS NULL OR r.address_key IS NULL)",
            _residence_null,
            is_null=True,
        ),
        Level(
            "Same address and postcode",
            "l.postcode = r.postcode AND l.address_key = r.address_key",
            lambda a, b: _eq(a, b, "postcode") and _eq(a, b, "address_key"),
        ),
        Level("Same postcode", "l.postcode = r.postcode", _exact("postcode")),
        Level("Same address, different postcode", "l.address_key = r.address_key", _exact("address_key")),
        Level("Same postcode sector", "l.postcode_sector = r.postcode_sector", _exact("postcode_sector")),
        Level("Same postcode district", "l.postcode_district = r.postcode_district", _exact("postcode_district")),
        Level("Different area", "ELSE", _else),
    ),
)

SCHOOL = Comparison(
    "school",
    "School",
    (
        Level("School missing", _null_sql("school_key"), _null("school_key"), is_null=True),
        Level("Same school", "l.school_key = r.school_key", _exact("school_key")),
        Level("Different schools", "ELSE", _else),
    ),
)

NHS_NUMBER = Comparison(
    "nhs_number",
    "NHS number",
    (
        Level("NHS number missing", _null_sql("nhs_number"), _null("nhs_number"), is_null=True),
        Level("Same NHS number", "l.nhs_number = r.nhs_number", _exact("nhs_number")),
        Level("Different NHS numbers", "ELSE", _else, allows_auto_link=False),
    ),
)

UPN = Comparison(
    "upn",
    "UPN",
    (
        Level("UPN missing", _null_sql("upn"), _null("upn"), is_null=True),
        Level("Same UPN", "l.upn = r.upn", _exact("upn")),
        Level("Different UPNs", "ELSE", _else),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (
    FIRST_NAME,
    LAST_NAME,
    DATE_OF_BIRTH,
    SEX,
    RESIDENCE,
    SCHOOL,
    NHS_NUMBER,
    UPN,
)

# Which pairs are compared at all, for a batch run. Each rule catches matches the others
# miss (a moved family, a changed surname, a mistyped date); see ADR 9 for the counts.
BLOCKING_RULES: tuple[str, ...] = (
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.dob = r.dob AND l.postcode_district = r.postcode_district",
    "l.dob = r.dob AND substr(l.last_key, 1, 2) = substr(r.last_key, 1, 2)",
    "l.dob = r.dob AND l.first_key = r.first_key",
    "l.first_key = r.first_key AND l.last_key = r.last_key AND substr(l.dob, 1, 4) = substr(r.dob, 1, 4)",
    "l.dob_swapped = r.dob AND l.last_key = r.last_key",
    "l.postcode = r.postcode AND l.first_initial = r.first_initial",
)

# Expectation maximisation is run once per rule: each estimates the m probabilities of the
# comparisons it does not block on.
TRAINING_BLOCKS: tuple[str, ...] = (
    "l.dob = r.dob",
    "l.first_key = r.first_key AND l.last_key = r.last_key",
    "l.postcode = r.postcode",
)

# Rules that are nearly always true matches, and how many true matches they find: Splink
# uses them to estimate the chance that two random records are the same child.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.first_key = r.first_key AND l.last_key = r.last_key AND l.dob = r.dob",
)
DETERMINISTIC_RECALL = 0.8


_TABLE_PREFIX = re.compile(r"\b([lr])\.([a-z_]+)\b")


def comparison_sql(sql: str) -> str:
    """Comparisons name columns `first_key_l`; blocking rules `l.first_key`. Levels here are
    written the blocking way, and converted."""
    return _TABLE_PREFIX.sub(lambda m: f"{m.group(2)}_{m.group(1)}", sql)


# The levels are written in DuckDB's SQL. For Spark, four functions differ: list overlap,
# Jaro-Winkler (Splink registers it as a Scala UDF), and the date difference.
_SPARK_REWRITES = (
    (re.compile(r"\blist_has_any\("), "arrays_overlap("),
    (re.compile(r"\bjaro_winkler_similarity\("), "jaro_winkler("),
    (
        re.compile(r"datediff\('day', CAST\((\w+\.?\w*) AS DATE\), CAST\((\w+\.?\w*) AS DATE\)\)"),
        r"datediff(to_date(\2), to_date(\1))",
    ),
)


def sql_for(sql: str, dialect: str) -> str:
    if dialect == "duckdb":
        return sql
    if dialect != "spark":
        raise ValueError(f"No SQL for the {dialect!r} dialect")
    for pattern, replacement in _SPARK_REWRITES:
        sql = pattern.sub(replacement, sql)
    return sql


def splink_comparisons(
    comparisons: Sequence[Comparison] = COMPARISONS, dialect: str = "duckdb"
) -> list[dict[str, Any]]:
    """Splink's comparison dictionaries (untrained)."""
    out = []
    for comparison in comparisons:
        levels = []
        for level in comparison.levels:
            entry: dict[str, Any] = {
                "sql_condition": sql_for(comparison_sql(level.sql), dialect),
                "label_for_charts": level.label,
            }
            if level.is_null:
                entry["is_null_level"] = True
            levels.append(entry)
        out.append(
            {
                "output_column_name": comparison.name,
                "comparison_description": comparison.description,
                "comparison_levels": levels,
            }
        )
    return out
