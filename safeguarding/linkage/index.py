"""The child index as the linkage model sees it: each child as one linkage record (every
name they are or were known by, their current address and school, their identifiers), and
the candidates for an incoming record fetched through the index's own database indexes.

Candidate rules mirror `spec.BLOCKING_RULES`, so that a child the batch engine would compare
is a child the one-record matcher fetches.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from safeguarding.linkage.features import KNOWN_FIRST_NAMES, PersonRecord, common_name_threshold, features
from safeguarding.people.models import Child, ChildAddress, ChildName, NameKind, SchoolEnrolment

# Enough for a common name at a busy postcode; an incoming record with more candidates than
# this is better served by a search than by a list of possible matches.
MAX_CANDIDATES = 400

_NAME_ORDER = {NameKind.LEGAL: 0, NameKind.PREFERRED: 1, NameKind.ALIAS: 2, NameKind.FORMER: 3}


def _with_linkage_fields(qs: QuerySet[Child]) -> QuerySet[Child]:
    return qs.prefetch_related(
        Prefetch("names", queryset=ChildName.objects.order_by("kind", "id"), to_attr="linkage_names"),
        Prefetch(
            "addresses",
            queryset=ChildAddress.objects.filter(moved_out__isnull=True).select_related("address"),
            to_attr="linkage_addresses",
        ),
        Prefetch(
            "enrolments",
            queryset=SchoolEnrolment.objects.filter(ended_on__isnull=True).select_related("school"),
            to_attr="linkage_enrolments",
        ),
    )


def person_of(child: Child) -> PersonRecord:
    """A child (fetched with `_with_linkage_fields`) as a linkage record."""
    names = sorted(getattr(child, "linkage_names", []), key=lambda n: (_NAME_ORDER.get(n.kind, 9), n.pk))
    addresses = getattr(child, "linkage_addresses", [])
    enrolments = getattr(child, "linkage_enrolments", [])
    address = addresses[0].address if addresses else None
    return PersonRecord(
        first_names=tuple(dict.fromkeys(n.first_name for n in names)),
        last_names=tuple(dict.fromkeys(n.last_name for n in names)),
        date_of_birth=child.date_of_birth or child.expected_date_of_birth,
        sex=child.sex,
        postcode=address.postcode if address else child.current_postcode,
        address=address.line1 if address else "",
        school=enrolments[0].school.name if enrolments else "",
        nhs_number=child.nhs_number or "",
        upn=child.upn or "",
    )


_KNOWN_TTL_SECONDS = 600
_known: tuple[float, frozenset[str]] | None = None


def known_first_names() -> frozenset[str]:
    """The static list of given names plus the first names common in this index (as a batch
    run marks those common in its file), recounted every ten minutes."""
    global _known
    now = time.monotonic()
    if _known is not None and now - _known[0] < _KNOWN_TTL_SECONDS:
        return _known[1]
    threshold = common_name_threshold(active_children().count())
    common = (
        ChildName.objects.filter(child__merged_into__isnull=True)
        .values("first_key")
        .annotate(n=Count("id"))
        .filter(n__gte=threshold)
        .values_list("first_key", flat=True)
    )
    names = KNOWN_FIRST_NAMES | frozenset(common)
    _known = (now, names)
    return names


def forget_known_first_names() -> None:
    global _known
    _known = None


def child_features(children: Iterable[Child]) -> dict[int, dict[str, Any]]:
    known = known_first_names()
    return {child.pk: features(str(child.pk), person_of(child), known_first_names=known) for child in children}


def active_children() -> QuerySet[Child]:
    return Child.objects.filter(merged_into__isnull=True)


def iter_index(batch: int = 5000) -> Iterator[dict[str, Any]]:
    """Every child in the index as a feature row, in primary-key batches (for training and
    batch runs over the whole index)."""
    last = 0
    while True:
        chunk = list(_with_linkage_fields(active_children().filter(pk__gt=last).order_by("pk"))[:batch])
        if not chunk:
            return
        for child in chunk:
            yield features(str(child.pk), person_of(child), known_first_names=KNOWN_FIRST_NAMES)
        last = chunk[-1].pk


def _swapped(value: date | None) -> date | None:
    if value is None or value.day > 12 or value.day == value.month:
        return None
    return date(value.year, value.day, value.month)


def candidate_children(row: dict[str, Any], *, exclude: Iterable[int] = ()) -> list[Child]:
    """Children who share enough with the incoming feature row to be worth scoring."""
    by_child = Q()
    if row.get("nhs_number"):
        by_child |= Q(nhs_number=row["nhs_number"])
    if row.get("upn"):
        by_child |= Q(upn=row["upn"])
    dob = date.fromisoformat(row["dob"]) if row.get("dob") else None
    dates = [d for d in (dob, _swapped(dob)) if d is not None]
    if dates:
        by_child |= Q(date_of_birth__in=dates) | Q(expected_date_of_birth__in=dates)
    if row.get("postcode") and row.get("first_initial"):
        by_child |= Q(
            current_postcode__in=_postcode_forms(row["postcode"]), names__first_key__startswith=row["first_initial"]
        )
    by_name = Q()
    if row.get("first_key") and row.get("last_key"):
        by_name |= Q(first_key=row["first_key"], last_key=row["last_key"])
        by_name |= Q(first_key=row["last_key"], last_key=row["first_key"])
    for last in row.get("last_keys") or ():
        if row.get("first_variants"):
            by_name |= Q(last_key=last, first_key__in=row["first_variants"])
    ids: set[int] = set()
    if by_child:
        ids.update(active_children().filter(by_child).values_list("pk", flat=True)[:MAX_CANDIDATES])
    if by_name:
        ids.update(
            ChildName.objects.filter(by_name, child__merged_into__isnull=True).values_list("child_id", flat=True)[
                :MAX_CANDIDATES
            ]
        )
    ids.difference_update(exclude)
    if not ids:
        return []
    return list(_with_linkage_fields(Child.objects.filter(pk__in=sorted(ids)[: MAX_CANDIDATES * 2])))


def _postcode_forms(compact: str) -> list[str]:
    """`current_postcode` is stored as entered, normalised with its space ("BK4 7QT")."""
    forms = {compact}
    if len(compact) > 3:
        forms.add(f"{compact[:-3]} {compact[-3:]}")
    return sorted(forms)
