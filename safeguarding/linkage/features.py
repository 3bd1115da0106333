"""The linkage record: what the model compares, derived the same way for a feed row, a file
row, a form and a child in the index, so that the batch engine (Splink) and the one-record
scorer compare like with like.

Derivation happens here in Python, not in SQL, because nicknames and accent folding come
from `people.matching` (the same keys search uses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from safeguarding.people.identifiers import nhs_number_valid, normalise_nhs_number, normalise_upn, upn_valid
from safeguarding.people.matching import name_key, name_variants

# Splink's input columns, in order. Lists are DuckDB VARCHAR[]; missing values are NULL.
COLUMNS = (
    "unique_id",
    "first_key",
    "first_keys",
    "first_variants",
    "first_initial",
    "last_key",
    "last_keys",
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


def postcode_parts(value: str) -> tuple[str | None, str | None, str | None]:
    """(postcode, sector, district): "bk4 7qt" -> ("BK47QT", "BK4 7", "BK4")."""
    compact = re.sub(r"\s", "", value or "").upper()
    found = _POSTCODE.match(compact)
    if not found:
        return (compact or None, None, None)
    outward, inward = found.groups()
    return compact, f"{outward} {inward[0]}", outward


def address_key(value: str) -> str | None:
    """House number and street, letters and digits only: "12, Mill Lane" -> "12milllane"."""
    line = (value or "").split(",")[0].lower()
    key = "".join(ch for ch in line if ch.isalnum())
    return key or None


def _surname_keys(last_names: Iterable[str]) -> list[str]:
    keys: set[str] = set()
    for last in last_names:
        whole = name_key(last)
        if whole:
            keys.add(whole)
        parts = [name_key(p) for p in re.split(r"[-\s]+", last or "")]
        if len(parts) > 1:
            keys.update(p for p in parts if len(p) > 1)
    return sorted(keys)


def features(unique_id: str, person: PersonRecord) -> dict[str, Any]:
    """One row of Splink's input table."""
    firsts = [k for k in (name_key(n) for n in person.first_names) if k]
    lasts = [k for k in (name_key(n) for n in person.last_names) if k]
    variants: set[str] = set()
    for first in person.first_names:
        variants.update(name_variants(first))
    dob = person.date_of_birth
    swapped = None
    if dob is not None and dob.day <= 12 and dob.day != dob.month:
        swapped = f"{dob.year:04d}-{dob.day:02d}-{dob.month:02d}"
    postcode, sector, district = postcode_parts(person.postcode)
    nhs = normalise_nhs_number(person.nhs_number)
    upn = normalise_upn(person.upn)
    return {
        "unique_id": unique_id,
        "first_key": firsts[0] if firsts else None,
        "first_keys": sorted(set(firsts)) or None,
        "first_variants": sorted(variants) or None,
        "first_initial": firsts[0][0] if firsts else None,
        "last_key": lasts[0] if lasts else None,
        "last_keys": _surname_keys(person.last_names) or None,
        "dob": dob.isoformat() if dob else None,
        "dob_swapped": swapped,
        "sex": normalise_sex(person.sex) or None,
        "postcode": postcode,
        "postcode_sector": sector,
        "postcode_district": district,
        "address_key": address_key(person.address),
        "school_key": name_key(person.school) or None,
        "nhs_number": nhs if nhs_number_valid(nhs) else None,
        "upn": upn if upn_valid(upn) else None,
    }


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
