"""Reads of the child index: search, and the identity part of a child's record."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import BreakGlassAccess
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.people.identifiers import normalise_nhs_number, normalise_upn
from safeguarding.people.matching import (
    first_name_similarity,
    last_name_similarity,
    name_key,
    name_variants,
    sound_key,
)
from safeguarding.people.models import Child, ChildAddress, ChildName, SchoolEnrolment

MAX_CANDIDATES = 400  # children, for searches without a name
MAX_NAME_ROWS = 5000  # name rows scored for a name search
MIN_SCORE = 0.55


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    date_of_birth: date | None = None
    identifier: str = ""  # NHS number, UPN or LA child ID
    postcode: str = ""
    school_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.name.strip()
            or self.date_of_birth
            or self.identifier.strip()
            or self.postcode.strip()
            or self.school_id
        )

    def as_audit(self) -> dict[str, object]:
        return {
            k: v
            for k, v in {
                "name": self.name,
                "date_of_birth": self.date_of_birth,
                "identifier": self.identifier,
                "postcode": self.postcode,
                "school_id": self.school_id,
            }.items()
            if v
        }


@dataclass
class SearchResult:
    child: Child
    score: float
    matched_name: ChildName | None
    reasons: list[str]


def _split_name(text: str) -> tuple[str, str]:
    parts = text.replace(",", " ").split()
    if not parts:
        return "", ""
    if len(parts) == 1:
        return "", parts[0]
    return parts[0], parts[-1]


def _name_readings(text: str) -> list[tuple[str, str]]:
    """The (first, last) pairs a typed name may mean.

    "Smith, Jayden" is surname first. With three or more words the middle ones are middle
    names or the front of a double-barrelled surname typed without its hyphen ("Ruby Smith
    Jones"), so both readings are tried and the better one scores.
    """
    if "," in text:
        surname, _, rest = text.partition(",")
        given = rest.split()
        if surname.strip():
            return [(given[0] if given else "", surname.strip())]
    parts = text.replace(",", " ").split()
    if len(parts) < 3:
        first, last = _split_name(text)
        return [(first, last)] if last else []
    return [(parts[0], parts[-1]), (parts[0], " ".join(parts[1:]))]


def _prefix(field: str, prefix: str) -> Q:
    """Prefix match on a letters-only key as a range, which both databases answer from the
    index (SQLite does not index LIKE 'abc%' on a case-sensitive column)."""
    stem = prefix.rstrip("z")
    if not stem:
        return Q(**{f"{field}__gte": prefix})
    upper = stem[:-1] + chr(ord(stem[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def _name_filter(first: str, last: str) -> Q:
    """Indexed ways a ChildName row may be a candidate for (first, last)."""
    lk, ls = name_key(last), sound_key(last)
    if not lk:
        return Q()
    found = Q(last_key=lk) | Q(last_sound=ls)
    fk_variants = name_variants(first) if first else frozenset()
    if not fk_variants:
        # Surname alone: also its first four letters, for typos that change the sound.
        return found | _prefix("last_key", lk[:4])
    fs = sound_key(first)
    # Swapped names: first recorded as last and last as first.
    found |= Q(first_sound=ls, last_sound=fs)
    found |= Q(first_key__in=fk_variants) & _prefix("last_key", lk[:2])
    found |= Q(first_sound=fs) & _prefix("last_key", lk[:1])
    if len(lk) >= 3:
        # Either half of a double-barrelled surname ("Smith" finds "Jones Smith"); the
        # first-name key keeps this an indexed lookup rather than a scan.
        found |= Q(first_key__in=fk_variants, last_key__contains=lk)
    return found


def _dob_score(query: date, dob: date | None) -> tuple[float, str]:
    if dob is None:
        return 0.0, ""
    if dob == query:
        return 1.0, "date of birth matches"
    if dob.year == query.year and dob.day == query.month and dob.month == query.day:
        return 0.8, "date of birth matches with day and month swapped"
    if abs((dob - query).days) <= 2:
        return 0.6, "date of birth within two days"
    if dob.month == query.month and dob.day == query.day and abs(dob.year - query.year) == 1:
        return 0.5, "date of birth one year apart"
    return 0.0, ""


def _with_summary(qs: QuerySet[Child]) -> QuerySet[Child]:
    """Prefetch what tells two children apart: names, current address, current school."""
    return qs.prefetch_related(
        Prefetch("names", queryset=ChildName.objects.order_by("kind", "id")),
        Prefetch(
            "addresses",
            queryset=ChildAddress.objects.filter(moved_out__isnull=True).select_related("address"),
            to_attr="current_addresses",
        ),
        Prefetch(
            "enrolments",
            queryset=SchoolEnrolment.objects.filter(ended_on__isnull=True).select_related("school"),
            to_attr="current_enrolments",
        ),
    )


def search_children(query: SearchQuery, *, limit: int = 25) -> list[SearchResult]:
    """Rank children against the query. Identifiers are exact; names are fuzzy.

    Candidates come from indexed keys (exact, phonetic, nickname variants, swapped first
    and last names), then each is scored in Python. Results carry only what tells two
    children apart; opening a record is access-checked separately.
    """
    if query.is_empty:
        return []
    ident = query.identifier.strip()
    if ident:
        nhs, upn = normalise_nhs_number(ident), normalise_upn(ident)
        ident_filter = Q(la_child_id__in={ident, ident.upper()})
        if nhs:
            ident_filter |= Q(nhs_number=nhs)
        if upn:
            ident_filter |= Q(upn=upn)
        # A merged record is found only as the record it was merged into (linkage.merge).
        found = Child.objects.filter(ident_filter)
        children = _with_summary(
            Child.objects.filter(
                Q(pk__in=found.filter(merged_into__isnull=True).values("pk"))
                | Q(pk__in=found.filter(merged_into__isnull=False).values("merged_into_id"))
            ).order_by("pk")
        )
        return [SearchResult(c, 1.0, None, ["identifier matches"]) for c in children[:limit]]

    readings = _name_readings(query.name)
    name_filter = Q()
    for first, last in readings:
        name_filter |= _name_filter(first, last)
    if query.name.strip() and not name_filter:
        # A name was typed but none of it can match a name key (only punctuation, say):
        # return nothing rather than every child.
        return []
    candidates = Child.objects.filter(merged_into__isnull=True)
    if query.postcode.strip():
        pc = "".join(query.postcode.split()).upper()
        spaced = f"{pc[:-3]} {pc[-3:]}" if len(pc) > 3 else pc
        pc_filter = Q(current_postcode__iexact=spaced) | Q(addresses__address__postcode__iexact=spaced)
        candidates = candidates.filter(pc_filter)
    if query.school_id:
        candidates = candidates.filter(enrolments__school_id=query.school_id, enrolments__ended_on__isnull=True)
    if name_filter:
        return _search_by_name(query, readings, name_filter, candidates, limit)

    if query.date_of_birth:
        d = query.date_of_birth
        candidates = candidates.filter(
            Q(date_of_birth=d)
            | Q(expected_date_of_birth=d)
            | Q(date_of_birth__year=d.year, date_of_birth__month=d.day, date_of_birth__day=d.month)
            if d.day <= 12
            else Q(date_of_birth=d) | Q(expected_date_of_birth=d)
        )
    results: list[SearchResult] = []
    for child in _with_summary(candidates.distinct().order_by("pk"))[:MAX_CANDIDATES]:
        score, reasons = _score(child, None, None, query)
        results.append(SearchResult(child, score, None, reasons))
    results.sort(key=lambda r: (-r.score, r.child.display_name, r.child.pk))
    return results[:limit]


def _search_by_name(
    query: SearchQuery, readings: list[tuple[str, str]], name_filter: Q, candidates: QuerySet[Child], limit: int
) -> list[SearchResult]:
    """Score every candidate name row on its keys alone (no objects), keep each child's best,
    rank, and only then load the few children shown. Ranking before loading keeps the page
    fast and never drops a strong match because weaker ones filled a candidate cap.

    The threshold is on the name alone: a wrong or missing date of birth (common between
    agencies) must not hide a child whose name matches well."""
    rows = ChildName.objects.filter(name_filter, child__merged_into__isnull=True)
    if query.postcode.strip() or query.school_id:
        rows = rows.filter(child_id__in=candidates.values("pk"))
    best: dict[int, tuple[float, int]] = {}
    facts: dict[int, tuple[date | None, str]] = {}
    for name_id, child_id, first_key, last_key, last_name, dob, expected, postcode in rows.order_by(
        "child_id", "kind", "id"
    ).values_list(
        "id",
        "child_id",
        "first_key",
        "last_key",
        "last_name",
        "child__date_of_birth",
        "child__expected_date_of_birth",
        "child__current_postcode",
    )[:MAX_NAME_ROWS]:
        score = max(_key_score(first_key, last_key, last_name, first, last) for first, last in readings)
        # Ties go to the earlier row (legal before former, by NameKind ordering).
        if score >= MIN_SCORE and (child_id not in best or score > best[child_id][0]):
            best[child_id] = (score, name_id)
            facts[child_id] = (dob or expected, postcode)
    if not best:
        return []
    ranked = sorted(best, key=lambda pk: (-_overall(best[pk][0], *facts[pk], query), pk))[: limit * 2]
    children = {c.pk: c for c in _with_summary(Child.objects.filter(pk__in=ranked))}
    results: list[SearchResult] = []
    for pk in ranked:
        child = children[pk]
        name_score, name_id = best[pk]
        matched = next((n for n in child.names.all() if n.pk == name_id), None)
        score, reasons = _score(child, name_score, matched, query)
        results.append(SearchResult(child, score, matched, reasons))
    results.sort(key=lambda r: (-r.score, r.child.display_name, r.child.pk))
    return results[:limit]


def _overall(name_score: float, dob: date | None, postcode: str, query: SearchQuery) -> float:
    score = name_score
    if query.date_of_birth:
        score = score * 0.6 + _dob_score(query.date_of_birth, dob)[0] * 0.4
    if query.postcode.strip() and postcode.replace(" ", "").upper() == query.postcode.replace(" ", "").upper():
        score = min(1.0, score + 0.05)
    return score


def _key_score(first_key: str, last_key: str, last_name: str, first: str, last: str) -> float:
    ls = last_name_similarity(last, last_key, last_name)
    if not first:
        return ls
    straight = 0.55 * ls + 0.45 * first_name_similarity(first, first_key)
    swapped = (
        0.55 * last_name_similarity(first, last_key, last_name) + 0.45 * first_name_similarity(last, first_key)
    ) * 0.95
    return max(straight, swapped)


def _score(
    child: Child, name_score: float | None, best_name: ChildName | None, query: SearchQuery
) -> tuple[float, list[str]]:
    reasons: list[str] = []
    if best_name is not None and name_score is not None:
        label = best_name.get_kind_display().lower()
        reasons.append(f"name {name_score:.0%} similar ({label}: {best_name.first_name} {best_name.last_name})")
    score = name_score if name_score is not None else 0.5
    if query.date_of_birth:
        d, why = _dob_score(query.date_of_birth, child.date_of_birth or child.expected_date_of_birth)
        if why:
            reasons.append(why)
        score = score * 0.6 + d * 0.4 if name_score is not None else d
    if (
        query.postcode.strip()
        and child.current_postcode.replace(" ", "").upper() == query.postcode.replace(" ", "").upper()
    ):
        reasons.append("postcode matches")
        score = min(1.0, score + 0.05)
    return score, reasons


def child_identity(child: Child) -> Child:
    """The child with everything the identity panel shows, in a constant number of queries."""
    return (
        Child.objects.filter(pk=child.pk)
        .prefetch_related(
            Prefetch("names", queryset=ChildName.objects.order_by("kind", "id")),
            Prefetch("addresses", queryset=ChildAddress.objects.select_related("address").order_by("-moved_in")),
            Prefetch("enrolments", queryset=SchoolEnrolment.objects.select_related("school")),
            "relationships__person",
            "relationships__related_child",
            "involvements__agency",
            "status_periods",
        )
        .get()
    )


def search_audited(user: Any, query: SearchQuery, *, limit: int = 25) -> list[SearchResult]:
    """Search, and record who searched for what and how many children came back.

    Searching the index is itself a read of personal data (Primero audits every search).
    """
    results = search_children(query, limit=limit)
    audit_record(
        actor=user,
        action=Action.SEARCH,
        detail={**query.as_audit(), "results": len(results)},
    )
    return results


def merged_into(child_id: int) -> tuple[int, str] | None:
    """(the survivor's pk, this record's LA child ID) if this record was merged into another."""
    row = Child.objects.filter(pk=child_id, merged_into__isnull=False).values_list("merged_into_id", "la_child_id")
    found = row.first()
    return (found[0], found[1]) if found else None


def child_exists(child_id: int) -> bool:
    return Child.objects.filter(pk=child_id).exists()


def break_glass_expires_at(user: Any, child: Child) -> datetime | None:
    """When the user's current emergency access to the child ends (None if they have none)."""
    grant = (
        BreakGlassAccess.objects.filter(practitioner_id=user.pk, child=child, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .only("expires_at")
        .first()
    )
    return grant.expires_at if grant else None
