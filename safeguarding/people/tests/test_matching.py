"""Name keys and similarity: the rules search and linkage rely on."""

import string

import jellyfish
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from safeguarding.people.matching import (
    BRITISH_NICKNAMES,
    NAME_KEY_LENGTH,
    first_name_similarity,
    last_name_similarity,
    name_key,
    name_variants,
    similarity,
    sound_key,
)
from safeguarding.people.models import ChildName

names = st.text(
    alphabet=st.characters(categories=["L", "M", "Zs", "Pd", "Po"]),
    max_size=30,
)
keys = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=15)


@pytest.mark.parametrize(
    "raw,key",
    [
        ("O'Brien-Smith", "obriensmith"),
        ("  Zoë  ", "zoe"),
        ("Chloé", "chloe"),
        ("Renée-Louise", "reneelouise"),
        ("Łukasz", "lukasz"),
        ("Michał", "michal"),
        ("Strauß", "strauss"),
        ("Søren", "soren"),
        ("Ærin", "aerin"),
        ("Đorđe", "dorde"),
        ("Yıldız", "yildiz"),
        ("ST. JOHN", "stjohn"),
        ("", ""),
    ],
)
def test_name_key_folds_accents_case_and_punctuation(raw: str, key: str) -> None:
    assert name_key(raw) == key


@given(names)
def test_name_key_is_idempotent_and_only_ascii_letters(raw: str) -> None:
    key = name_key(raw)
    assert name_key(key) == key
    assert set(key) <= set(string.ascii_lowercase)


@given(names)
def test_name_key_ignores_case_and_punctuation(raw: str) -> None:
    assert name_key(raw.upper()) == name_key(raw.lower()) or not raw.isascii()
    assert name_key(f"-{raw}' .") == name_key(raw)


@given(keys, keys)
def test_similarity_symmetric_and_bounded(a: str, b: str) -> None:
    s = similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == similarity(b, a)
    assert similarity(a, a) == 1.0


def test_similarity_of_empty_is_zero() -> None:
    assert similarity("", "smith") == 0.0
    assert similarity("smith", "") == 0.0


def test_sound_key_groups_common_spellings() -> None:
    assert sound_key("Jayden") == sound_key("Jaiden")
    assert sound_key("Smith") == sound_key("Smyth")
    assert sound_key("") == ""


@pytest.mark.parametrize(
    "nickname,formal",
    [
        ("Alex", "alexander"),
        ("Alex", "alexandra"),
        ("Sasha", "alexander"),
        ("Bill", "william"),
        ("Peggy", "margaret"),
        ("Alfie", "alfred"),
        ("Ollie", "oliver"),
        ("Harry", "henry"),
        ("Charlie", "charles"),
        ("Charlie", "charlotte"),
        ("Lexi", "alexandra"),
        ("Izzy", "isabella"),
        ("Izzy", "isabel"),
        ("Evie", "evelyn"),
        ("Archie", "archibald"),
        ("Freddie", "frederick"),
        ("Bella", "isabella"),
        ("Maisie", "margaret"),
        ("Poppy", "penelope"),
    ],
)
def test_nickname_and_formal_name_score_high_both_ways(nickname: str, formal: str) -> None:
    assert first_name_similarity(nickname, formal) >= 0.95
    assert first_name_similarity(formal, name_key(nickname)) >= 0.95


def test_siblings_of_a_formal_name_are_variants() -> None:
    # Sasha and Alex are both Alexander: either finds the other.
    assert "alex" in name_variants("Sasha")
    assert "sasha" in name_variants("Alexander")


def test_unrelated_first_names_score_low() -> None:
    assert first_name_similarity("Oliver", "jayden") < 0.6
    assert first_name_similarity("Poppy", "kai") < 0.6


def test_supplement_entries_are_name_keys() -> None:
    for formal, nicknames in BRITISH_NICKNAMES.items():
        assert name_key(formal) == formal
        assert all(name_key(n) == n and n != formal for n in nicknames)


def test_variant_never_scores_below_its_spelling_similarity() -> None:
    # "Jon" is a variant of John; its spelling is closer still.
    assert first_name_similarity("Jon", "jonny") >= similarity("jon", "jonny")


def test_last_name_double_barrelled() -> None:
    assert last_name_similarity("Smith", "smithjones", "Smith-Jones") >= 0.9
    assert last_name_similarity("Smith", "jonessmith", "Jones Smith") >= 0.9
    assert last_name_similarity("Smith", "smith") == 1.0


# ------------------------------------------------------------ typos and Jaro-Winkler
#
# What is true of a one-character typo (substitution, insertion, deletion or adjacent
# transposition) in a name of five or more letters: if neither spelling has a repeated
# letter, Jaro-Winkler stays >= 0.85 (worst case, a substitution of the first letter of a
# five-letter name: (4/5 + 4/5 + 1) / 3 = 0.867). With repeated letters Jaro's greedy
# matching can pair the wrong copies and the score drops below 0.85 even for real names,
# so search does not rely on Jaro-Winkler alone: candidates also come from the phonetic
# key, the key prefix and the first name.


@st.composite
def distinct_letter_typos(draw: st.DrawFn) -> tuple[str, str]:
    n = draw(st.integers(min_value=5, max_value=12))
    letters = draw(st.permutations(string.ascii_lowercase))
    name = "".join(letters[:n])
    unused = letters[n:]
    i = draw(st.integers(min_value=0, max_value=n - 1))
    op = draw(st.sampled_from(["substitute", "insert", "delete", "transpose"]))
    new = draw(st.sampled_from(unused))
    if op == "substitute":
        typo = name[:i] + new + name[i + 1 :]
    elif op == "insert":
        typo = name[:i] + new + name[i:]
    elif op == "delete":
        typo = name[:i] + name[i + 1 :]
    else:
        assume(i < n - 1)
        typo = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name, typo


@given(distinct_letter_typos())
def test_one_typo_keeps_jaro_winkler_at_least_085_without_repeated_letters(pair: tuple[str, str]) -> None:
    name, typo = pair
    assert similarity(name, typo) >= 0.85
    assert first_name_similarity(typo, name) >= 0.85


@pytest.mark.parametrize(
    "name,typo",
    [
        ("steele", "eteele"),  # first letter replaced by a letter the name already has
        ("robinson", "rnbinson"),
        ("manning", "nanning"),
    ],
)
def test_one_typo_can_fall_below_085_with_repeated_letters(name: str, typo: str) -> None:
    assert jellyfish.jaro_winkler_similarity(name, typo) < 0.85


@pytest.mark.parametrize(
    "name,typo",
    [
        ("jayden", "jaiden"),
        ("alexander", "alexnader"),
        ("margaret", "margeret"),
        ("thompson", "thomson"),
        ("oliver", "olivar"),
        ("harrison", "harison"),
        ("catherine", "katherine"),
        ("mohammed", "mohamed"),
    ],
)
def test_common_misspellings_stay_similar(name: str, typo: str) -> None:
    assert similarity(name, typo) >= 0.85


def test_a_name_that_folding_lengthens_keeps_a_key_that_fits_its_column() -> None:
    # "ß" folds to "ss": 80 of them would be a 160-letter key in a 100-character column.
    key = name_key("ß" * 80)
    assert key == "s" * NAME_KEY_LENGTH
    assert ChildName._meta.get_field("first_key").max_length == NAME_KEY_LENGTH
