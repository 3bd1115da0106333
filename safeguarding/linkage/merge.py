"""Merging two records of one child and undoing it, and the decisions of the review queue.

Joining two different children shows one child's history on another's record, so a merge
must be as reversible as it is complete. It moves every row that points at the merged
record to the survivor and lists them in `ChildMerge.moved`; an unmerge puts back exactly
those rows (rows added to the survivor since stay with it). The rows are found by walking
`Child._meta.related_objects`, so a model added later moves without a change here. The
audit log never moves: it is append-only, and says what happened to which record at the
time.

The survivor's record must still read as one child's: the merged child's legal name
becomes an alias (the record has one current legal name), and a name, a current address, a
current school or a household member the survivor already has stays with the merged record
rather than showing twice. A row whose move would break a unique constraint (an agency's
involvement the survivor already has) stays too. Every change of a row's meaning is listed
under `moved["changed"]` so that the unmerge restores it.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.assessments.models import CINPlan
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.concerns.signal_rules import signals_evaluate_household
from safeguarding.core.calendar import long_date
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.frontdoor.models import Referral
from safeguarding.linkage.models import ChildMerge, LinkageModel, ReviewPair, ReviewStatus
from safeguarding.linkage.permissions import may_review_links
from safeguarding.pathway.projection import clock_rows_refresh
from safeguarding.people.models import Child, ChildAddress, ChildName, NameKind, Relationship, SchoolEnrolment
from safeguarding.protection.models import ProtectionPlan

MERGE_KIND = "child_merge"
UNMERGE_KIND = "child_unmerge"
CHANGED = "changed"
IDENTIFIERS = ("nhs_number", "upn")
# The audit log is immutable: its events stay on the record they were written about.
NEVER_MOVED = frozenset({"audit.AuditEvent"})

NOT_PERMITTED = (
    "Only reviewers of identity links (the front door and managers who see every child's record) "
    "may merge records or undo a merge"
)

# How a count of each kind of row reads on the confirmation pages and in the chronology.
WORDS: dict[str, tuple[str, str]] = {
    "people.Child": ("record merged into it earlier", "records merged into it earlier"),
    "people.ChildName": ("name", "names"),
    "people.ChildAddress": ("address", "addresses"),
    "people.SchoolEnrolment": ("school enrolment", "school enrolments"),
    "people.Relationship": ("family or household member", "family or household members"),
    "people.StatusPeriod": ("status period", "status periods"),
    "concerns.Concern": ("concern", "concerns"),
    "concerns.AgencyEvent": ("agency event", "agency events"),
    "concerns.ChronologyEntry": ("chronology entry", "chronology entries"),
    "concerns.ChildSignal": ("signal", "signals"),
    "frontdoor.Contact": ("contact", "contacts"),
    "frontdoor.Referral": ("referral", "referrals"),
    "earlyhelp.EarlyHelpEpisode": ("early help episode", "early help episodes"),
    "assessments.Assessment": ("assessment", "assessments"),
    "assessments.CINPlan": ("child in need plan", "child in need plans"),
    "protection.StrategyDiscussion": ("strategy discussion", "strategy discussions"),
    "protection.Section47Enquiry": ("section 47 enquiry", "section 47 enquiries"),
    "protection.Conference": ("child protection conference", "child protection conferences"),
    "protection.ProtectionPlan": ("child protection plan", "child protection plans"),
    "sharing.Letter": ("letter", "letters"),
    "access.ChildInvolvement": ("agency involvement", "agency involvements"),
    "access.ChildTeamMembership": ("team membership", "team memberships"),
    "access.BreakGlassAccess": ("emergency access grant", "emergency access grants"),
    "linkage.SourceRecord": ("agency record", "agency records"),
}


class MergeRefused(DomainError):
    """A merge the rules refuse, with every reason (a reviewer should see them all at once)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


# --- What points at a child -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Relation:
    """One foreign key to Child: `model.field`."""

    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def rows(self) -> QuerySet[Any]:
        # The base manager: a model's default manager may hide rows, and every row must move.
        return self.model._base_manager.all()


def child_relations() -> list[Relation]:
    """Every foreign key to Child whose rows a merge moves. `related_objects` leaves out
    hidden relations (`related_name="+"`): the clock projection, rebuilt after a merge, and
    linkage's own review pairs and merges, which record the decision itself."""
    found = []
    for rel in Child._meta.related_objects:
        if rel.many_to_many:
            continue
        model = cast(type[models.Model], rel.related_model)
        if model._meta.label in NEVER_MOVED:
            continue
        found.append(Relation(model=model, field=rel.field.name))
    return found


def count_words(label: str, n: int) -> str:
    if label in WORDS:
        one, many = WORDS[label]
    else:
        opts = apps.get_model(label)._meta
        one, many = str(opts.verbose_name), str(opts.verbose_name_plural)
    return f"{n} {one if n == 1 else many}"


def describe_counts(counts: dict[str, int]) -> list[str]:
    """["3 concerns", "1 referral"]: in the order of WORDS, then any other kind by name."""
    order = {label: i for i, label in enumerate(WORDS)}
    return [
        count_words(label, n) for label, n in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 999), kv[0])) if n
    ]


# --- Rows that stay where they are ----------------------------------------------------------


def _unique_sets(relation: Relation) -> list[tuple[list[str], Q | None]]:
    """The unique constraints (and unique fields) that include the foreign key."""
    opts = relation.model._meta
    sets: list[tuple[list[str], Q | None]] = []
    if getattr(opts.get_field(relation.field), "unique", False):
        sets.append(([relation.field], None))
    for together in opts.unique_together:
        if relation.field in together:
            sets.append((list(together), None))
    for constraint in opts.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and relation.field in constraint.fields
        ):
            sets.append((list(constraint.fields), constraint.condition))  # type: ignore[arg-type]
    return sets


def _conflicts(relation: Relation, pks: list[int], target: Child) -> set[int]:
    """Rows that would break a unique constraint if they pointed at `target`."""
    clash: set[int] = set()
    for fields, condition in _unique_sets(relation):
        others = [f for f in fields if f != relation.field]
        where = condition if condition is not None else Q()
        taken = relation.rows.filter(where, **{relation.field: target})
        rows = relation.rows.filter(where, pk__in=pks)
        if not others:
            if taken.exists():
                clash |= set(rows.values_list("pk", flat=True))
            continue
        have = set(taken.values_list(*others))
        clash |= {pk for pk, *key in rows.values_list("pk", *others) if tuple(key) in have}
    return clash


def _spaced(*parts: str) -> str:
    return " ".join(" ".join((p or "").split()).casefold() for p in parts)


def _same_names(survivor: Child, pks: list[int]) -> set[int]:
    have = {
        _spaced(*n)
        for n in ChildName.objects.filter(child=survivor).values_list("first_name", "middle_names", "last_name")
    }
    rows = ChildName.objects.filter(pk__in=pks).values_list("pk", "first_name", "middle_names", "last_name")
    return {pk for pk, *name in rows if _spaced(*name) in have}


def _address_key(line1: str, postcode: str) -> tuple[str, str]:
    return _spaced(line1), "".join((postcode or "").split()).upper()


def _same_current_addresses(survivor: Child, pks: list[int]) -> set[int]:
    have = {
        _address_key(*a)
        for a in ChildAddress.objects.filter(child=survivor, moved_out__isnull=True).values_list(
            "address__line1", "address__postcode"
        )
    }
    rows = ChildAddress.objects.filter(pk__in=pks, moved_out__isnull=True).values_list(
        "pk", "address__line1", "address__postcode"
    )
    return {pk for pk, line1, postcode in rows if _address_key(line1, postcode) in have}


def _same_current_schools(survivor: Child, pks: list[int]) -> set[int]:
    have = SchoolEnrolment.objects.filter(child=survivor, ended_on__isnull=True).values("school_id")
    return set(
        SchoolEnrolment.objects.filter(pk__in=pks, ended_on__isnull=True, school_id__in=have).values_list(
            "pk", flat=True
        )
    )


def _same_household_members(survivor: Child, pks: list[int]) -> set[int]:
    fields = ("relationship", "person_id", "related_child_id")
    have = set(Relationship.objects.filter(child=survivor, ended_on__isnull=True).values_list(*fields))
    rows = Relationship.objects.filter(pk__in=pks, ended_on__isnull=True).values_list("pk", *fields)
    return {pk for pk, *key in rows if tuple(key) in have}


def _same_relatives(survivor: Child, pks: list[int]) -> set[int]:
    """Another child who records both the merged child and the survivor as, say, a sibling."""
    fields = ("child_id", "relationship")
    have = set(Relationship.objects.filter(related_child=survivor, ended_on__isnull=True).values_list(*fields))
    rows = Relationship.objects.filter(pk__in=pks, ended_on__isnull=True).values_list("pk", *fields)
    return {pk for pk, *key in rows if tuple(key) in have}


# What the survivor already has, by (model, foreign key): these rows would show twice.
ALREADY_ON_SURVIVOR: dict[tuple[str, str], Callable[[Child, list[int]], set[int]]] = {
    ("people.ChildName", "child"): _same_names,
    ("people.ChildAddress", "child"): _same_current_addresses,
    ("people.SchoolEnrolment", "child"): _same_current_schools,
    ("people.Relationship", "child"): _same_household_members,
    ("people.Relationship", "related_child"): _same_relatives,
}


# --- Refusals -------------------------------------------------------------------------------


def _who(child: Child) -> str:
    return f"{child.display_name or 'the child'} (LA child ID {child.la_child_id})"


def pair_between(a: Child | int, b: Child | int) -> ReviewPair | None:
    """The review pair of two children, whichever order they are given in."""
    ids = sorted(x if isinstance(x, int) else x.pk for x in (a, b))
    return ReviewPair.objects.filter(child_a_id=ids[0], child_b_id=ids[1]).first()


OPEN_ITEMS: list[tuple[str, Callable[[], QuerySet[Any]]]] = [
    # What a child has at most one of at a time (pathway.selectors.child_open_episodes).
    ("referral to children's social care", lambda: Referral.objects.filter(closure__isnull=True)),
    ("early help episode", lambda: EarlyHelpEpisode.objects.filter(closure__isnull=True)),
    ("child protection plan", lambda: ProtectionPlan.objects.filter(end__isnull=True)),
    ("child in need plan", lambda: CINPlan.objects.filter(end__isnull=True)),
]


def merge_refusals(*, survivor: Child, merged: Child, review_pair: ReviewPair | None = None) -> list[str]:
    """Why these two records must not be merged (empty if they may be). Public so that the
    review page can say so before anyone confirms; `child_merge` asks again under its locks."""
    if survivor.pk == merged.pk:
        return ["Choose two different records: a record cannot be merged with itself"]
    reasons: list[str] = []
    for child in (survivor, merged):
        if child.merged_into_id is not None:
            reasons.append(f"The record of {_who(child)} has already been merged into another record")
    if review_pair is not None:
        if {review_pair.child_a_id, review_pair.child_b_id} != {survivor.pk, merged.pk}:
            reasons.append("This review is about two other records")
        elif review_pair.status == ReviewStatus.MERGED:
            reasons.append("These records have already been merged")
    pair = pair_between(survivor, merged)
    if pair is not None and pair.status == ReviewStatus.DISTINCT:
        when = f" on {long_date(timezone.localdate(pair.decided_at))}" if pair.decided_at else ""
        reasons.append(f"A reviewer recorded{when} that these are not the same child: they cannot be merged")
    if survivor.nhs_number and merged.nhs_number and survivor.nhs_number != merged.nhs_number:
        reasons.append("They have different NHS numbers: they are different children")
    if survivor.upn and merged.upn and survivor.upn != merged.upn:
        reasons.append("They have different UPNs: they are different children")
    related = (
        Relationship.objects.filter(Q(child=survivor, related_child=merged) | Q(child=merged, related_child=survivor))
        .order_by("pk")
        .first()
    )
    if related is not None:
        reasons.append(
            f"They are recorded as related to each other ({related.get_relationship_display().lower()}): "
            "they are different children"
        )
    for label, open_items in OPEN_ITEMS:
        if open_items().filter(child=survivor).exists() and open_items().filter(child=merged).exists():
            reasons.append(
                f"Both have an open {label}, and a child has only one at a time: "
                "close the one opened in error before merging"
            )
    return reasons


def _require_reviewer(by: User) -> None:
    if not may_review_links(by):
        raise DomainError(NOT_PERMITTED)


def _require_reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


def _locked(*child_ids: int) -> dict[int, Child]:
    """Both children, locked in primary-key order (two reviewers merging crossing pairs at
    once then wait for each other rather than deadlock)."""
    rows = Child.objects.select_for_update(of=("self",)).filter(pk__in=child_ids).order_by("pk")
    return {c.pk: c for c in rows}


# --- The merge ------------------------------------------------------------------------------


@dataclasses.dataclass
class MergePlan:
    """What a merge of `merged` into `survivor` would move, and what would stay."""

    survivor: Child
    merged: Child
    moves: dict[Relation, list[int]]
    stays: dict[Relation, list[int]]
    identifiers: dict[str, str]

    def _counts(self, rows: dict[Relation, list[int]]) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for relation, pks in rows.items():
            counts[relation.label] += len(pks)
        return dict(counts)

    @property
    def moving(self) -> dict[str, int]:
        return self._counts(self.moves)

    @property
    def staying(self) -> dict[str, int]:
        return self._counts(self.stays)

    @property
    def legal_names_becoming_aliases(self) -> list[str]:
        """The merged child's legal names that become aliases on the survivor."""
        if not ChildName.objects.filter(child=self.survivor, kind=NameKind.LEGAL).exists():
            return []
        pks = [pk for r, rows in self.moves.items() if r.label == "people.ChildName" for pk in rows]
        return [
            " ".join(p for p in (n.first_name, n.middle_names, n.last_name) if p)
            for n in ChildName.objects.filter(pk__in=pks, kind=NameKind.LEGAL).order_by("pk")
        ]


def child_merge_plan(*, survivor: Child, merged: Child) -> MergePlan:
    """What would move (read only: the confirmation page shows it; the merge applies it)."""
    moves: dict[Relation, list[int]] = {}
    stays: dict[Relation, list[int]] = {}
    for relation in child_relations():
        pks = list(relation.rows.filter(**{relation.field: merged}).order_by("pk").values_list("pk", flat=True))
        if not pks:
            continue
        stay = _conflicts(relation, pks, survivor)
        already = ALREADY_ON_SURVIVOR.get((relation.label, relation.field))
        if already is not None:
            stay |= already(survivor, [pk for pk in pks if pk not in stay])
        go = [pk for pk in pks if pk not in stay]
        if go:
            moves[relation] = go
        if stay:
            stays[relation] = sorted(stay)
    identifiers = {f: getattr(merged, f) for f in IDENTIFIERS if getattr(merged, f) and not getattr(survivor, f)}
    return MergePlan(survivor=survivor, merged=merged, moves=moves, stays=stays, identifiers=identifiers)


def _demote_names(survivor: Child, moved_names: list[int]) -> list[dict[str, Any]]:
    """The merged child's legal (and "known as") names become aliases where the survivor has
    its own: a record shows one current legal name."""
    changes: list[dict[str, Any]] = []
    own = set(ChildName.objects.filter(child=survivor).exclude(pk__in=moved_names).values_list("kind", flat=True))
    for kind in (NameKind.LEGAL, NameKind.PREFERRED):
        if kind not in own:
            continue
        rows = ChildName.objects.filter(pk__in=moved_names, kind=kind)
        for pk in rows.order_by("pk").values_list("pk", flat=True):
            changes.append({"model": "people.ChildName", "pk": pk, "field": "kind", "old": kind.value, "new": "alias"})
        rows.update(kind=NameKind.ALIAS)
    return changes


def _fill_survivor(survivor: Child, merged: Child, moved_addresses: list[int]) -> list[dict[str, Any]]:
    """Denormalised values the survivor lacked and the merged record had."""
    changes: list[dict[str, Any]] = []
    if not survivor.current_postcode:
        postcode = (
            ChildAddress.objects.filter(pk__in=moved_addresses, moved_out__isnull=True)
            .order_by("-moved_in", "-pk")
            .values_list("address__postcode", flat=True)
            .first()
        ) or merged.current_postcode
        if postcode:
            changes.append(
                {"model": "people.Child", "pk": survivor.pk, "field": "current_postcode", "old": "", "new": postcode}
            )
    if not survivor.display_name and merged.display_name:
        changes.append(
            {"model": "people.Child", "pk": survivor.pk, "field": "display_name", "old": "", "new": merged.display_name}
        )
    for change in changes:
        setattr(survivor, change["field"], change["new"])
    return changes


@transaction.atomic
def child_merge(
    *, survivor: Child, merged: Child, reason: str, by: User, review_pair: ReviewPair | None = None
) -> ChildMerge:
    """`merged` is the same child as `survivor`: move everything about them to the survivor."""
    _require_reviewer(by)
    reason = _require_reason(reason, "Enter why these records are the same child")
    if survivor.pk == merged.pk:
        raise MergeRefused(merge_refusals(survivor=survivor, merged=merged))
    locked = _locked(survivor.pk, merged.pk)
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if review_pair is not None:
        review_pair = ReviewPair.objects.select_for_update(of=("self",)).get(pk=review_pair.pk)
    else:
        found = pair_between(survivor, merged)
        if found is not None and found.status == ReviewStatus.OPEN:
            review_pair = ReviewPair.objects.select_for_update(of=("self",)).get(pk=found.pk)
    reasons = merge_refusals(survivor=survivor, merged=merged, review_pair=review_pair)
    if reasons:
        raise MergeRefused(reasons)

    plan = child_merge_plan(survivor=survivor, merged=merged)
    moved: dict[str, Any] = {}
    for relation, pks in plan.moves.items():
        relation.rows.filter(pk__in=pks).update(**{relation.field: survivor})
        moved.setdefault(relation.label, []).extend(pks)
    changes = _demote_names(survivor, moved.get("people.ChildName", []))
    filled = _fill_survivor(survivor, merged, moved.get("people.ChildAddress", []))
    survivor_fields = [c["field"] for c in filled]
    changes += filled
    if changes:
        moved[CHANGED] = changes

    # Identifiers are unique: the merged record gives them up before the survivor takes them.
    for name in plan.identifiers:
        setattr(merged, name, None)
    merged.merged_into = survivor
    merged.save(update_fields=[*plan.identifiers, "merged_into"])
    for name, value in plan.identifiers.items():
        setattr(survivor, name, value)
    if plan.identifiers or survivor_fields:
        survivor.save(update_fields=[*plan.identifiers, *survivor_fields])

    now = timezone.now()
    merge = ChildMerge.objects.create(
        survivor=survivor,
        merged=merged,
        review_pair=review_pair,
        reason=reason,
        moved=moved,
        identifiers_moved=plan.identifiers,
        merged_by=by,
        merged_at=now,
    )
    if review_pair is not None:
        review_pair.status = ReviewStatus.MERGED
        review_pair.decided_by = by
        review_pair.decided_at = now
        review_pair.decision_reason = reason
        review_pair.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])

    for child in (survivor, merged):
        clock_rows_refresh(child_id=child.pk)
    # The joined chronology may show a pattern neither record showed alone.
    signals_evaluate_household(child=survivor)

    counts = plan.moving
    stayed = plan.staying
    if by.agency_id is not None:
        moved_text = ", ".join(describe_counts(counts)) or "nothing else"
        chronology_record(
            child=survivor,
            kind_key=MERGE_KIND,
            source=merge,
            agency=by.agency,
            author=by,
            occurred_at=now,
            recorded_at=now,
            summary=(
                f"Another record of this child (LA child ID {merged.la_child_id}) was found to be the same child "
                f"after clerical review and joined to this record. Moved here: {moved_text}. Reason: {reason}"
            ),
        )
    common = {
        "event": MERGE_KIND,
        "merge": merge.pk,
        "review_pair": review_pair.pk if review_pair else None,
        "moved": counts,
        "stayed": stayed,
        "identifiers_moved": sorted(plan.identifiers),
    }
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=survivor,
        obj=merge,
        reason=reason,
        detail={
            **common,
            "role": "survivor",
            "other_child": merged.pk,
            **{n: {"old": None, "new": v} for n, v in plan.identifiers.items()},
        },
    )
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=merged,
        obj=merge,
        reason=reason,
        detail={
            **common,
            "role": "merged",
            "other_child": survivor.pk,
            "merged_into": {"old": None, "new": survivor.pk},
            **{n: {"old": v, "new": None} for n, v in plan.identifiers.items()},
        },
    )
    return merge


# --- Undoing a merge ------------------------------------------------------------------------


def _relations_by_label() -> dict[str, list[Relation]]:
    found: dict[str, list[Relation]] = defaultdict(list)
    for relation in child_relations():
        found[relation.label].append(relation)
    return found


def unmerge_counts(merge: ChildMerge) -> dict[str, int]:
    """How many of the rows the merge moved would go back (those still on the survivor)."""
    relations = _relations_by_label()
    counts: dict[str, int] = {}
    for label, pks in merge.moved.items():
        if label == CHANGED or label not in relations:
            continue
        q = Q()
        for relation in relations[label]:
            q |= Q(**{relation.field: merge.survivor_id})
        counts[label] = relations[label][0].rows.filter(q, pk__in=pks).count()
    return counts


def unmerge_refusals(merge: ChildMerge, *, survivor: Child | None = None, merged: Child | None = None) -> list[str]:
    """Why the merge cannot be undone now (empty if it can). Public for the undo page."""
    if merge.undone_at is not None:
        return ["This merge has already been undone"]
    survivor = survivor or Child.objects.only("merged_into").get(pk=merge.survivor_id)
    merged = merged or Child.objects.only("merged_into").get(pk=merge.merged_id)
    if survivor.merged_into_id is not None or merged.merged_into_id != merge.survivor_id:
        return [
            "The kept record has since been merged into another record. Undo that later merge first, then undo this one"
        ]
    return []


def _restore(changes: list[dict[str, Any]], merged: Child, survivor: Child) -> None:
    """Put back what the merge changed, where nobody has changed it since."""
    for change in reversed(changes):
        if change["model"] == "people.ChildName":
            ChildName.objects.filter(pk=change["pk"], child=merged, **{change["field"]: change["new"]}).update(
                **{change["field"]: change["old"]}
            )
        elif (
            change["model"] == "people.Child"
            and change["pk"] == survivor.pk
            and getattr(survivor, change["field"]) == change["new"]
        ):
            setattr(survivor, change["field"], change["old"])
            survivor.save(update_fields=[change["field"]])


@transaction.atomic
def child_unmerge(*, merge: ChildMerge, reason: str, by: User) -> ChildMerge:
    """The merge was wrong: put back exactly the rows it moved. Rows added to the survivor
    after the merge stay with the survivor (they were recorded about that record)."""
    _require_reviewer(by)
    merge = ChildMerge.objects.select_for_update(of=("self",)).get(pk=merge.pk)
    if merge.undone_at is not None:
        raise DomainError("This merge has already been undone")
    reason = _require_reason(reason, "Enter why this merge should be undone")
    locked = _locked(merge.survivor_id, merge.merged_id)
    survivor, merged = locked[merge.survivor_id], locked[merge.merged_id]
    refusals = unmerge_refusals(merge, survivor=survivor, merged=merged)
    if refusals:
        raise DomainError(" ".join(refusals))

    relations = _relations_by_label()
    returned: dict[str, list[int]] = {}
    stayed: dict[str, list[int]] = {}
    for label, pks in merge.moved.items():
        if label == CHANGED:
            continue
        for relation in relations.get(label, []):
            back = list(relation.rows.filter(pk__in=pks, **{relation.field: survivor}).values_list("pk", flat=True))
            if not back:
                continue
            clash = _conflicts(relation, back, merged)
            go = [pk for pk in back if pk not in clash]
            relation.rows.filter(pk__in=go).update(**{relation.field: merged})
            returned.setdefault(label, []).extend(go)
            if clash:
                stayed.setdefault(label, []).extend(sorted(clash))
    _restore(merge.moved.get(CHANGED, []), merged, survivor)

    identifiers_back: dict[str, str] = {}
    for name, value in merge.identifiers_moved.items():
        if getattr(survivor, name) == value:
            setattr(survivor, name, None)
            survivor.save(update_fields=[name])
        if not Child.objects.filter(**{name: value}).exists():
            setattr(merged, name, value)
            identifiers_back[name] = value
    merged.merged_into = None
    merged.save(update_fields=[*identifiers_back, "merged_into"])

    now = timezone.now()
    merge.undone_by = by
    merge.undone_at = now
    merge.undo_reason = reason
    merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
    if merge.review_pair_id is not None:
        ReviewPair.objects.filter(pk=merge.review_pair_id).update(
            status=ReviewStatus.DISTINCT, decided_by=by, decided_at=now, decision_reason=reason
        )

    for child in (survivor, merged):
        clock_rows_refresh(child_id=child.pk)
    for child in (survivor, merged):
        signals_evaluate_household(child=child)

    counts = {label: len(pks) for label, pks in returned.items()}
    if by.agency_id is not None:
        back_text = ", ".join(describe_counts(counts)) or "nothing"
        for child, summary in (
            (
                survivor,
                "A record joined to this one was found to be a different child and separated from it. "
                f"Returned to that child: {back_text}. Reason: {reason}",
            ),
            (
                merged,
                "This record had been joined to another child's record in error and was separated from it. "
                f"Returned here: {back_text}. Reason: {reason}",
            ),
        ):
            chronology_record(
                child=child,
                kind_key=UNMERGE_KIND,
                source=merge,
                agency=by.agency,
                author=by,
                occurred_at=now,
                recorded_at=now,
                summary=summary,
            )
    common = {
        "event": UNMERGE_KIND,
        "merge": merge.pk,
        "returned": counts,
        "stayed": {label: len(pks) for label, pks in stayed.items()},
        "identifiers_returned": sorted(identifiers_back),
    }
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=survivor,
        obj=merge,
        reason=reason,
        detail={**common, "role": "survivor", "other_child": merged.pk},
    )
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=merged,
        obj=merge,
        reason=reason,
        detail={
            **common,
            "role": "merged",
            "other_child": survivor.pk,
            "merged_into": {"old": survivor.pk, "new": None},
        },
    )
    return merge


# --- The review queue -----------------------------------------------------------------------


@transaction.atomic
def review_pair_decide_distinct(*, pair: ReviewPair, reason: str, by: User) -> ReviewPair:
    """A reviewer found two records to be different children: the pair leaves the queue and
    is never queued, or auto-linked, again."""
    _require_reviewer(by)
    pair = ReviewPair.objects.select_for_update(of=("self",)).select_related("child_a", "child_b").get(pk=pair.pk)
    if pair.status != ReviewStatus.OPEN:
        raise DomainError(f"This pair has already been decided: {pair.get_status_display().lower()}")
    reason = _require_reason(reason, "Enter why these are different children")
    pair.status = ReviewStatus.DISTINCT
    pair.decided_by = by
    pair.decided_at = timezone.now()
    pair.decision_reason = reason
    pair.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    for child, other in ((pair.child_a, pair.child_b), (pair.child_b, pair.child_a)):
        audit_record(
            actor=by,
            action=Action.AMEND,
            child=child,
            obj=pair,
            reason=reason,
            detail={"event": "review_pair_distinct", "other_child": other.pk, "match_weight": pair.match_weight},
        )
    return pair


@transaction.atomic
def review_pair_queue(
    *,
    child_a: Child,
    child_b: Child,
    match_weight: float,
    match_probability: float,
    comparison: list[dict[str, Any]],
    model: LinkageModel,
    found_by: str,
) -> ReviewPair | None:
    """Queue two children the model scored between the review and auto-link weights. Nothing
    happens (None) for a pair already queued or decided, or if either record is merged."""
    if child_a.pk == child_b.pk:
        return None
    first, second = sorted((child_a, child_b), key=lambda c: c.pk)
    if Child.objects.filter(pk__in=[first.pk, second.pk], merged_into__isnull=False).exists():
        return None
    if ReviewPair.objects.filter(child_a=first, child_b=second).exists():
        return None
    # Recorded as family of each other (twins, siblings): known to be two children.
    if Relationship.objects.filter(
        Q(child=first, related_child=second) | Q(child=second, related_child=first)
    ).exists():
        return None
    try:
        with transaction.atomic():
            return ReviewPair.objects.create(
                child_a=first,
                child_b=second,
                match_weight=match_weight,
                match_probability=match_probability,
                comparison=comparison,
                model=model,
                found_by=found_by[:200],
            )
    except IntegrityError:
        # Queued by another run a moment ago.
        return None
