"""Name keys and similarity for finding a child despite typos, nicknames, swapped names
and former surnames. Used by search (people/selectors.py); identity linkage builds on it."""

import unicodedata
from functools import lru_cache

import jellyfish
from nicknames import NickNamer

_nicknamer = NickNamer()


def name_key(name: str) -> str:
    """Lower case letters only, accents folded: "O'Brien-Smith" -> "obriensmith"."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalpha())


def sound_key(name: str) -> str:
    key = name_key(name)
    return jellyfish.metaphone(key)[:20] if key else ""


@lru_cache(maxsize=20_000)
def name_variants(first_name: str) -> frozenset[str]:
    """The name keys a first name may be recorded as: itself, its formal names and their
    other diminutives (Alex -> Alexander, Alexandra, Sasha, Sandy ...)."""
    key = name_key(first_name)
    if not key:
        return frozenset()
    variants = {key}
    canonicals = _nicknamer.canonicals_of(key) | {key}
    for canonical in canonicals:
        variants.add(name_key(canonical))
        variants.update(name_key(n) for n in _nicknamer.nicknames_of(canonical))
    return frozenset(v for v in variants if v)


def similarity(a: str, b: str) -> float:
    """Jaro-Winkler on name keys, 0..1."""
    if not a or not b:
        return 0.0
    return jellyfish.jaro_winkler_similarity(a, b)


def first_name_similarity(query: str, candidate_key: str) -> float:
    if name_key(query) == candidate_key:
        return 1.0
    if candidate_key in name_variants(query):
        return 0.95
    return similarity(name_key(query), candidate_key)


def last_name_similarity(query: str, candidate_key: str, candidate_raw: str = "") -> float:
    q = name_key(query)
    if q == candidate_key:
        return 1.0
    # Double-barrelled: "Smith" finds "Smith-Jones" and "Jones Smith".
    parts = [name_key(p) for p in candidate_raw.replace("-", " ").split()] if candidate_raw else []
    if q and q in parts:
        return 0.93
    return similarity(q, candidate_key)
