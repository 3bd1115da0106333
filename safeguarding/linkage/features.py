"""The linkage record: what the model compares, derived the same way for a feed row, a file
row, a form and a child in the index, so that the batch engine (Splink) and the one-record
scorer compare like with like.

Derivation happens here in Python, not in SQL, because nicknames and accent folding come
from `people.matching` (the same keys search uses).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from safeguarding.people.identifiers import nhs_number_valid, normalise_nhs_number, normalise_upn, upn_valid
from safeguarding.people.matching import BRITISH_NICKNAMES, direct_name_variants, name_key, name_variants, sound_key

# Splink's input columns, in order. Lists are DuckDB VARCHAR[]; missing values are NULL.
COLUMNS = (
    "unique_id",
    "first_key",
    "first_keys",
    "first_variants",
    "first_wide",
    "first_initial",
    "first_common",
    "last_key",
    "last_keys",
    "last_sound",
    "dob",
    "dob_swapped",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address_key",
    "school_key",
    "nhs_number",
    "upn",
)


def _known_first_names() -> frozenset[str]:
    """Given names common in England (ONS baby-name lists as kept in the synthetic reference,
    Faker's en_GB lists, and the British nickname table). Two such names that look alike
    (Sophie and Sophia, Ella and Ellie) are more likely two children, often twins, than a
    misspelling of one."""
    from faker.providers.person.en_GB import Provider

    from safeguarding.synthetic import reference

    names = [*Provider.first_names_male, *Provider.first_names_female, *reference.BOYS, *reference.GIRLS]
    for formal, nicknames in BRITISH_NICKNAMES.items():
        names.append(formal)
        names.extend(nicknames)
    return frozenset(k for k in (name_key(n) for n in names) if k)


KNOWN_FIRST_NAMES = _known_first_names()

_SEPARATORS = re.compile(r"[-\s]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
    re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
)


@dataclass(frozen=True)
class PersonRecord:
    """A person as an agency described them. Several names where the index knows several
    (legal, known as, former); the first is the main one."""

    first_names: tuple[str, ...] = ()
    last_names: tuple[str, ...] = ()
    date_of_birth: date | None = None
    sex: str = ""
    postcode: str = ""
    address: str = ""
    school: str = ""
    nhs_number: str = ""
    upn: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1 << 18)
def parse_date(value: str) -> date | None:
    """ISO (yyyy-mm-dd) or British (dd/mm/yyyy, dd.mm.yyyy) dates; None when not a date."""
    text = (value or "").strip()
    for pattern in _DATE_FORMATS:
        found = pattern.match(text)
        if found:
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                return None
    return None


def normalise_sex(value: str) -> str:
    text = (value or "").strip().upper()[:1]
    return text if text in ("M", "F") else ""


@lru_cache(maxsize=1 << 18)  # values repeat: a household's records share them
def postcode_parts(value: str) -> tuple[str | None, str | None, str | None]:
    """(postcode, sector, district): "bk4 7qt" -> ("BK47QT", "BK4 7", "BK4")."""
    compact = re.sub(r"\s", "", value or "").upper()
    found = _POSTCODE.match(compact)
    if not found:
        return (compact or None, None, None)
    outward, inward = found.groups()
    return compact, f"{outward} {inward[0]}", outward


# Royal Mail's street-type abbreviations, and the ones clerks use: compared spelt out.
STREET_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ln": "lane",
    "ave": "avenue",
    "av": "avenue",
    "cl": "close",
    "dr": "drive",
    "cres": "crescent",
    "gdns": "gardens",
    "gr": "grove",
    "gro": "grove",
    "pl": "place",
    "ter": "terrace",
    "terr": "terrace",
    "ct": "court",
    "sq": "square",
    "hse": "house",
}
_FLAT_WORDS = ("flat", "apartment", "apt", "unit", "room")
_WORDS = re.compile(r"[a-z0-9]+")
_HOUSE_NUMBER = re.compile(r"[0-9]+[a-z]?")


@lru_cache(maxsize=1 << 18)
def address_key(value: str) -> str | None:
    """House (or flat and building) and street, abbreviations spelt out, letters and digits
    only: "12, Mill Ln" -> "12milllane"; "Flat 4, Calder Ho" keeps the building."""
    parts = [p.strip().lower() for p in (value or "").split(",") if p.strip()]
    if not parts:
        return None
    line = parts[0]
    if len(parts) > 1 and (line.split(" ", 1)[0] in _FLAT_WORDS or _HOUSE_NUMBER.fullmatch(line)):
        line = f"{line} {parts[1]}"
    words = [STREET_ABBREVIATIONS.get(w, w) for w in _WORDS.findall(line)]
    return "".join(words) or None


@lru_cache(maxsize=1 << 18)
def _surname_keys(last_names: tuple[str, ...]) -> tuple[str, ...]:
    keys: set[str] = set()
    for last in last_names:
        whole = name_key(last)
        if whole:
            keys.add(whole)
        parts = [name_key(p) for p in _SEPARATORS.split(last or "")]
        if len(parts) > 1:
            keys.update(p for p in parts if len(p) > 1)
    return tuple(sorted(keys))


@lru_cache(maxsize=1 << 18)
def valid_nhs_number(value: str) -> str | None:
    nhs = normalise_nhs_number(value)
    return nhs if nhs_number_valid(nhs) else None


@lru_cache(maxsize=1 << 18)
def valid_upn(value: str) -> str | None:
    upn = normalise_upn(value)
    return upn if upn_valid(upn) else None


def common_name_threshold(records: int) -> int:
    """A first name carried by at least this many records of a dataset is an established name
    there, not a misspelling: a typo of even the commonest name is far rarer (about 1 in
    10,000 records per variant at national name frequencies)."""
    return max(5, -(-records // 10_000))


def mark_common_first_names(rows: list[dict[str, Any]]) -> None:
    """What a batch load does in SQL (engine.load_duckdb), in Python: names common in this
    dataset count as established names."""
    counts: dict[str, int] = {}
    for row in rows:
        if row["first_key"]:
            counts[row["first_key"]] = counts.get(row["first_key"], 0) + 1
    threshold = common_name_threshold(len(rows))
    for row in rows:
        if row["first_key"] and counts[row["first_key"]] >= threshold:
            row["first_common"] = "y"


FirstNameFields = tuple[str | None, tuple[str, ...] | None, tuple[str, ...] | None, tuple[str, ...] | None]


@lru_cache(maxsize=1 << 16)
def first_name_fields(first_names: tuple[str, ...]) -> FirstNameFields:
    """(first_key, first_keys, first_variants, first_wide) of a child's first names: the
    variants are formal names and own diminutives; wide adds the diminutives' siblings."""
    firsts = [k for k in (name_key(n) for n in first_names) if k]
    direct: set[str] = set()
    wide: set[str] = set()
    for first in first_names:
        direct.update(direct_name_variants(first))
        wide.update(name_variants(first))
    return (
        firsts[0] if firsts else None,
        tuple(sorted(set(firsts))) or None,
        tuple(sorted(direct)) or None,
        tuple(sorted(wide)) or None,
    )


@lru_cache(maxsize=1 << 18)
def last_name_fields(last_names: tuple[str, ...]) -> tuple[str | None, tuple[str, ...] | None, str | None]:
    """(last_key, last_keys, last_sound): the main surname, every surname and part, and how
    the main one sounds."""
    lasts = [k for k in (name_key(n) for n in last_names) if k]
    return (
        lasts[0] if lasts else None,
        _surname_keys(last_names) or None,
        (sound_key(lasts[0]) or None) if lasts else None,
    )


@lru_cache(maxsize=1 << 16)
def dob_fields(dob: date | None) -> tuple[str | None, str | None]:
    """(dob, dob_swapped) as ISO strings; swapped only where day and month could be confused."""
    if dob is None:
        return None, None
    swapped = f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}" if dob.day <= 12 and dob.day != dob.month else None
    return dob.isoformat(), swapped


@lru_cache(maxsize=1 << 12)
def school_key(value: str) -> str | None:
    return name_key(value) or None


def row_from_parts(
    unique_id: str,
    first: FirstNameFields,
    last: tuple[str | None, tuple[str, ...] | None, str | None],
    dob: tuple[str | None, str | None],
    sex: str,
    postcode: tuple[str | None, str | None, str | None],
    address: str | None,
    school: str | None,
    nhs_number: str | None,
    upn: str | None,
    known_first_names: frozenset[str] | set[str],
) -> dict[str, Any]:
    first_key = first[0]
    return {
        "unique_id": unique_id,
        "first_key": first_key,
        "first_keys": first[1],
        "first_variants": first[2],
        "first_wide": first[3],
        "first_initial": first_key[0] if first_key else None,
        "first_common": ("y" if first_key in known_first_names else "n") if first_key else None,
        "last_key": last[0],
        "last_keys": last[1],
        "last_sound": last[2],
        "dob": dob[0],
        "dob_swapped": dob[1],
        "sex": normalise_sex(sex) or None,
        "postcode": postcode[0],
        "postcode_sector": postcode[1],
        "postcode_district": postcode[2],
        "address_key": address,
        "school_key": school,
        "nhs_number": nhs_number,
        "upn": upn,
    }


def features(
    unique_id: str, person: PersonRecord, *, known_first_names: frozenset[str] | set[str] = KNOWN_FIRST_NAMES
) -> dict[str, Any]:
    """One row of Splink's input table. `known_first_names`: the static list, plus (where the
    caller knows its dataset) the names common in it; batch loads mark those in SQL."""
    return row_from_parts(
        unique_id,
        first_name_fields(tuple(person.first_names)),
        last_name_fields(tuple(person.last_names)),
        dob_fields(person.date_of_birth),
        person.sex,
        postcode_parts(person.postcode),
        address_key(person.address),
        school_key(person.school),
        valid_nhs_number(person.nhs_number),
        valid_upn(person.upn),
        known_first_names,
    )


def person_from_row(row: Mapping[str, str]) -> PersonRecord:
    """A record in the population / file shape (population.py keys) as a PersonRecord."""
    lasts = [row.get("last_name", "")]
    if row.get("former_last_name"):
        lasts.append(row["former_last_name"])
    return PersonRecord(
        first_names=(row.get("first_name", ""),),
        last_names=tuple(lasts),
        date_of_birth=parse_date(row.get("date_of_birth", "")),
        sex=row.get("sex", ""),
        postcode=row.get("postcode", ""),
        address=row.get("address", ""),
        school=row.get("school", ""),
        nhs_number=row.get("nhs_number", ""),
        upn=row.get("upn", ""),
    )
