"""Matching a record about a child against the index before anything is created, and
linking it: the one path every way in uses (a practitioner's form, a feed row, an API call).

- An exact, valid identifier (NHS number, UPN, LA child ID) wins.
- Otherwise the active model scores the candidates the index's indexes return.
- A practitioner entering a record sees the candidates with their reasons and chooses
  (`match_person`). A feed or an API call, with no person to ask, links only above the
  auto-link threshold, and only when one child is clearly the match; otherwise it adds a new
  child and queues each candidate above the review threshold for clerical review
  (`source_record_receive`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from safeguarding.access.models import Agency, User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.linkage import index
from safeguarding.linkage.features import PersonRecord, features
from safeguarding.linkage.models import (
    FeedImport,
    LinkageModel,
    LinkMethod,
    ReviewPair,
    ReviewStatus,
    SourceRecord,
)
from safeguarding.linkage.scoring import CompiledModel, PairScore
from safeguarding.people.identifiers import normalise_nhs_number, normalise_upn
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create

_compiled: dict[int, CompiledModel] = {}
_compiled_lock = threading.Lock()


class NoModel(Exception):
    """No linkage model is active: run `manage.py linkage_train` (or migrate, which installs
    the reference model)."""


def active_model() -> tuple[LinkageModel, CompiledModel]:
    """The active model, compiled once per process. With none at all (a database emptied
    since migrating), the reference model is installed again, audited: matching is never
    skipped for want of a model."""
    model = LinkageModel.objects.filter(is_active=True).first()
    if model is None and not LinkageModel.objects.exists():
        from safeguarding.linkage.training import linkage_model_install_reference

        model = linkage_model_install_reference()
    if model is None:
        raise NoModel("No linkage model is active")
    with _compiled_lock:
        compiled = _compiled.get(model.pk)
        if compiled is None:
            compiled = _compiled[model.pk] = CompiledModel(model.splink_settings)
    return model, compiled


@dataclass(frozen=True)
class Candidate:
    child: Child
    score: PairScore
    identifier: str = ""  # "NHS number", "UPN" or "LA child ID" when one matched exactly

    @property
    def match_weight(self) -> float:
        return self.score.match_weight


@dataclass(frozen=True)
class MatchOutcome:
    """The candidates worth showing (at or above the review weight, or an identifier match),
    best first, and what may happen without a person."""

    model: LinkageModel
    row: dict[str, Any]
    candidates: tuple[Candidate, ...] = ()
    identifier_match: Candidate | None = None
    auto_link: Candidate | None = None
    review: tuple[Candidate, ...] = field(default_factory=tuple)


def _distinct_pairs(child_ids: list[int], incoming: int | None) -> set[int]:
    """Children a reviewer has already said are not the incoming child."""
    if incoming is None or not child_ids:
        return set()
    rows = ReviewPair.objects.filter(status=ReviewStatus.DISTINCT).filter(
        Q(child_a_id=incoming, child_b_id__in=child_ids) | Q(child_b_id=incoming, child_a_id__in=child_ids)
    )
    return {a if b == incoming else b for a, b in rows.values_list("child_a_id", "child_b_id")}


def _identifier_child(person: PersonRecord, la_child_id: str) -> tuple[Child, str] | None:
    row = features("incoming", person)
    if row["nhs_number"]:
        child = index.active_children().filter(nhs_number=row["nhs_number"]).first()
        if child:
            return child, "NHS number"
    if row["upn"]:
        child = index.active_children().filter(upn=row["upn"]).first()
        if child:
            return child, "UPN"
    if la_child_id:
        child = index.active_children().filter(la_child_id=la_child_id.strip()).first()
        if child:
            return child, "LA child ID"
    return None


# A person entering a record is shown candidates down to about a 1% chance of being the
# same child (a match weight of -7): checking one more name costs little, recording against
# a second record of the same child costs the full picture. At most ENTRY_MAX_SHOWN.
ENTRY_SHOW_WEIGHT = -7.0
ENTRY_MAX_SHOWN = 10


def match_person(
    person: PersonRecord,
    *,
    la_child_id: str = "",
    exclude: tuple[int, ...] = (),
    incoming_child: int | None = None,
    show_weight: float | None = None,
) -> MatchOutcome:
    """Score the person against the index. Reads only: nothing is created or linked.
    `candidates` are those at or above `show_weight` (default: the review threshold), and
    any identifier match; `review` only those at or above the review threshold."""
    model, compiled = active_model()
    row = features("incoming", person, known_first_names=index.known_first_names())
    found = _identifier_child(person, la_child_id)
    children = index.candidate_children(row, exclude=exclude)
    if found and found[0].pk not in {c.pk for c in children}:
        children.extend(index._with_linkage_fields(Child.objects.filter(pk=found[0].pk)))
    distinct = _distinct_pairs([c.pk for c in children], incoming_child)
    scored = []
    for child, child_row in zip(children, index.child_features(children).values(), strict=True):
        if child.pk in distinct:
            continue
        identifier = found[1] if found and found[0].pk == child.pk else ""
        scored.append(Candidate(child=child, score=compiled.score(row, child_row), identifier=identifier))
    scored.sort(key=lambda c: (not c.identifier, -c.match_weight, c.child.pk))
    floor = model.review_weight if show_weight is None else min(show_weight, model.review_weight)
    shown = tuple(c for c in scored if c.identifier or c.match_weight >= floor)
    identifier_match = next((c for c in shown if c.identifier), None)
    auto = [c for c in shown if c.match_weight >= model.auto_link_weight and c.score.auto_link_allowed]
    # Two children both above the threshold: the index may hold a duplicate, or twins.
    # A person decides.
    auto_link = auto[0] if len(auto) == 1 else None
    review = tuple(
        c for c in shown if not c.identifier and c is not auto_link and c.match_weight >= model.review_weight
    )
    return MatchOutcome(
        model=model, row=row, candidates=shown, identifier_match=identifier_match, auto_link=auto_link, review=review
    )


@dataclass(frozen=True)
class Received:
    record: SourceRecord
    created_child: bool
    unchanged: bool  # the same record (agency, source, key) had already arrived
    queued_for_review: int


def new_child_from(person: PersonRecord, *, middle_names: str = "") -> NewChild:
    return NewChild(
        first_name=(person.first_names or ("",))[0],
        last_name=(person.last_names or ("",))[0],
        middle_names=middle_names,
        date_of_birth=person.date_of_birth,
        sex=person.sex if person.sex in ("M", "F") else "U",
        nhs_number=normalise_nhs_number(person.nhs_number),
        upn=normalise_upn(person.upn),
        address_line1=person.address,
        postcode=person.postcode,
    )


def _source_fields(person: PersonRecord, middle_names: str) -> dict[str, Any]:
    return {
        "first_name": (person.first_names or ("",))[0][:100],
        "middle_names": middle_names[:200],
        "last_name": (person.last_names or ("",))[0][:100],
        "date_of_birth": person.date_of_birth,
        "sex": person.sex[:1],
        "postcode": person.postcode[:10],
        "address": person.address[:300],
        "school": person.school[:200],
        "nhs_number": normalise_nhs_number(person.nhs_number)[:10],
        "upn": normalise_upn(person.upn)[:13],
    }


@transaction.atomic
def source_record_receive(
    *,
    agency: Agency,
    source: str,
    source_key: str,
    person: PersonRecord,
    by: User | None,
    middle_names: str = "",
    la_child_id: str = "",
    feed_import: FeedImport | None = None,
    found_by: str = "",
) -> Received:
    """An agency's record of a child arrives with no person to ask (a feed row, an API call):
    link it to the child it identifies, or add a new child and queue the near misses.
    Idempotent: the same agency, source and key again returns the existing record."""
    existing = SourceRecord.objects.filter(agency=agency, source=source, source_key=source_key).first()
    if existing is not None:
        return Received(record=existing, created_child=False, unchanged=True, queued_for_review=0)
    outcome = match_person(person, la_child_id=la_child_id)
    queued = 0
    created = False
    if outcome.identifier_match is not None:
        child, method, weight = outcome.identifier_match.child, LinkMethod.IDENTIFIER, None
    elif outcome.auto_link is not None:
        child, method = outcome.auto_link.child, LinkMethod.AUTO
        weight = outcome.auto_link.match_weight
    else:
        child = child_create(data=new_child_from(person, middle_names=middle_names), by=by)
        created, method, weight = True, LinkMethod.NEW, None
        from safeguarding.linkage.merge import review_pair_queue

        for candidate in outcome.review:
            pair = review_pair_queue(
                child_a=child,
                child_b=candidate.child,
                match_weight=candidate.match_weight,
                match_probability=candidate.score.match_probability,
                comparison=candidate.score.reasons(),
                model=outcome.model,
                found_by=found_by or f"{agency.name}: {source}",
            )
            queued += pair is not None
    record = SourceRecord.objects.create(
        agency=agency,
        source=source,
        source_key=source_key[:200],
        child=child,
        link_method=method,
        match_weight=weight,
        model=outcome.model if method in (LinkMethod.AUTO, LinkMethod.NEW) else None,
        feed_import=feed_import,
        linked_by=by,
        **_source_fields(person, middle_names),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=record,
        detail={
            "source": source,
            "agency": agency.name,
            "link_method": method,
            "match_weight": None if weight is None else round(weight, 2),
            "model_version": outcome.model.version,
            "new_child": created,
            "queued_for_review": queued,
        },
    )
    return Received(record=record, created_child=created, unchanged=False, queued_for_review=queued)


@transaction.atomic
def source_record_link_chosen(
    *,
    agency: Agency,
    source: str,
    source_key: str,
    person: PersonRecord,
    child: Child,
    by: User,
    score: PairScore | None,
    model: LinkageModel | None,
    middle_names: str = "",
) -> SourceRecord:
    """A practitioner chose the child this record is about (or chose a new child)."""
    record, _ = SourceRecord.objects.get_or_create(
        agency=agency,
        source=source,
        source_key=source_key[:200],
        defaults={
            "child": child,
            "link_method": LinkMethod.CHOSEN,
            "match_weight": None if score is None else score.match_weight,
            "model": model,
            "linked_by": by,
            **_source_fields(person, middle_names),
        },
    )
    return record
