"""Subject access (UK GDPR Article 15): everything the platform holds about a child or a
parent, each item with its source, and other people's information marked for the data
protection officer to review before anything is released (issue 5, item 5).

What is walked (so that a new kind of record is included without a change here):
- **Identity**: the child's row, and every row of every model with a foreign key to the child
  (names, addresses, schools, family, statuses, agencies involved, letters, shares, status
  checks, agency records of the child, records merged into it, and any model added later).
- **The chronology** (`ChronologyEntry`, ADR 4): every entry, with the shares of it, and its
  source record (`source_type`, `source_id`), whatever app wrote it.
- **Parts of a record**: the rows that belong to a record (a concern's amendments, a
  contact's agency checks and their answers, a conference's invitees, a plan's core group,
  visits and end), found by walking the reverse relations of each record to models that
  have no foreign key to the child of their own, three levels deep. A record reached twice
  is shown once.
- **Linked records** a record points to that hold no child of their own (the police
  incident a child was at) are shown inside it; the linkage model and feed files are
  technical and are named by reference only.
- **Amendments**: every correction of the child's details in the audit log, with its reason
  and old and new values (corrections of records are their records' amendment rows, above).
- **Not included, and why**: the audit trail of who looked, the chronology's category index,
  the clock projection and the linkage review queue are listed under `not_included`, so
  nothing is left out silently. Empty fields are not shown.

A parent (or another adult in a child's life, `people.Person`): the subject is the Person
row chosen, with the rows recording the same person for their other children (same first
and last name, and the same date of birth or none recorded, for a child of the same family:
the child named or their brothers and sisters). The export holds their Person rows, their
relationships to each child, and every record of those children in which they are named:
a field of the record or of its parts holds their full name (whole words, any case), points
at their Person row, or uses the word for their relationship to that child ("mum", "dad",
"stepfather"; listed as "check it is about the requester"). Everything else about the
children is the children's own personal data: it is counted under `not_included`, per child.

Third parties (UK GDPR Article 15(4); DPA 2018 Schedule 2 Part 3 paragraph 16): a field or a
part of a free-text field holding another person's information is marked with why, and
whether redaction is recommended by default:
- another child ("third party: another child"), a family member of a child's record other
  than the requester ("third party: the child's mother"), a member of the public who
  referred ("third party: the referrer, a member of the public"), a family member who gave
  consent, owns a plan action or took part as family: recommended;
- for a parent's export, the child's own words and views ("third party: the child's own
  words"): recommended; the child's other details are marked for review;
- practitioners acting in their professional role (authors, chairs, attendees on the
  platform or not, referrers from an agency, letter recipients at an agency): marked, not
  recommended (ICO guidance), so the DPO decides;
- a field that names someone the structured data cannot place ("a named person: check"):
  marked, not recommended.
In free text, the names known from the structured data (family members, other children,
public referrers, family attendees, consent givers, practitioners on the platform) are
marked where they appear. Nothing is removed: the export is for the DPO to review.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.calendar import is_working_day, next_working_day
from safeguarding.people.models import Child, Person, Relationship, RelationshipType
from safeguarding.sharing.models import SubjectAccessRequest
from safeguarding.sharing.subject_access_walk import (
    NOT_INCLUDED,
    PRACTITIONER,
    Collector,
    Renderer,
    Subject,
)

__all__ = ["NOT_INCLUDED", "Subject"]

SCHEMA = "safeguarding.subject-access-export"
SCHEMA_VERSION = 1
NOT_PERMITTED = "Only a data protection officer can produce a subject access export"

SECTIONS: list[tuple[str, str]] = [
    ("identity", "Identity"),
    ("names", "Names"),
    ("addresses", "Addresses"),
    ("schools", "School"),
    ("family", "Family and household"),
    ("statuses", "Statuses"),
    ("agencies", "Agencies involved"),
    ("chronology", "Chronology"),
    ("records", "Records"),
    ("amendments", "Amendments"),
]
SECTION_FOR = {
    "people.childname": "names",
    "people.childaddress": "addresses",
    "people.schoolenrolment": "schools",
    "people.relationship": "family",
    "people.statusperiod": "statuses",
    "access.childinvolvement": "agencies",
    "access.childteammembership": "agencies",
}
RELATIONSHIP_WORDS: dict[str, tuple[str, ...]] = {
    RelationshipType.MOTHER: ("mum", "mummy", "mother", "mom", "mam"),
    RelationshipType.FATHER: ("dad", "daddy", "father"),
    RelationshipType.STEP_PARENT: ("stepfather", "stepmother", "stepdad", "stepmum", "step-dad", "step-mum"),
    RelationshipType.PARENTS_PARTNER: ("mum's partner", "dad's partner", "partner"),
    RelationshipType.GRANDPARENT: ("grandma", "grandad", "grandmother", "grandfather", "nan", "nana", "granny"),
    RelationshipType.CARER: ("carer",),
}


# --- Finding the subject --------------------------------------------------------------------


def due_date(received_on: dt.date) -> dt.date:
    """UK GDPR Article 12(3): one month from the day of receipt, the corresponding day of the
    next month (its last day when it has none), or the next working day (ICO guidance)."""
    due = received_on + relativedelta(months=1)
    return due if is_working_day(due) else next_working_day(due)


def child_by_identifier(identifier: str) -> Child | None:
    """The child with this LA child ID, NHS number or UPN; a merged record leads to its survivor."""
    text = identifier.strip()
    digits = re.sub(r"[\s-]", "", text)
    child = (
        Child.objects.filter(Q(la_child_id__iexact=text) | Q(nhs_number=digits) | Q(upn__iexact=digits))
        .select_related("merged_into")
        .first()
    )
    while child is not None and child.merged_into is not None:
        child = child.merged_into
    return child


def _family_of(child: Child) -> set[int]:
    related = Relationship.objects.filter(child=child, related_child__isnull=False).values_list(
        "related_child_id", flat=True
    )
    return {child.pk, *related}


def persons_named(*, child: Child, first_name: str, last_name: str) -> list[Person]:
    """The person of this name in the family of `child`, with every row recording them (a
    person is added once for each child: see the module's docstring)."""
    named = {"first_name__iexact": first_name.strip(), "last_name__iexact": last_name.strip()}
    chosen = list(Person.objects.filter(relationships__child=child, **named).distinct().order_by("pk"))
    if not chosen:
        return []
    dobs = {p.date_of_birth for p in chosen if p.date_of_birth}
    in_family = Q(relationships__child_id__in=_family_of(child))
    if dobs:
        same = (in_family & (Q(date_of_birth__in=dobs) | Q(date_of_birth__isnull=True))) | Q(date_of_birth__in=dobs)
    else:
        same = in_family
    return list(Person.objects.filter(same, **named).distinct().order_by("pk"))


def _texts(item: dict[str, Any]) -> Iterable[str]:
    for f in item.get("fields", []):
        if isinstance(f.get("value"), str):
            yield f["value"]
        for sub in f.get("record", {}).get("fields", []):
            if isinstance(sub.get("value"), str):
                yield sub["value"]
    for part in item.get("parts", []):
        for sub_item in part["items"]:
            yield from _texts(sub_item)


def _count_marks(value: Any) -> tuple[int, int]:
    marked = recommended = 0
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("redaction", "author_redaction") and isinstance(inner, dict):
                marked += 1
                recommended += bool(inner.get("recommended"))
            elif key == "mentions" and isinstance(inner, list):
                marked += len(inner)
                recommended += sum(bool(m.get("recommended")) for m in inner)
            else:
                m, r = _count_marks(inner)
                marked, recommended = marked + m, recommended + r
    elif isinstance(value, list):
        for inner in value:
            m, r = _count_marks(inner)
            marked, recommended = marked + m, recommended + r
    return marked, recommended


def _amendments(renderer: Renderer, subject: Subject, child_ids: set[int]) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(child_id__in=child_ids, action=Action.AMEND).order_by("occurred_at", "id")
    if subject.kind == "person":
        relationships = Relationship.objects.filter(person__in=subject.persons).values_list("pk", flat=True)
        events = events.filter(object_type="people.relationship", object_id__in=[str(pk) for pk in relationships])
    out = []
    for e in events:
        detail = e.detail if isinstance(e.detail, dict) else {}
        changes = [
            {"field": name, "old": change["old"], "new": change["new"]}
            for name, change in detail.items()
            if isinstance(change, dict) and {"old", "new"} <= change.keys()
        ]
        text = " ".join(str(v) for c in changes for v in (c["old"], c["new"]) if isinstance(v, str))
        item: dict[str, Any] = {
            "record": e.object_type,
            "id": e.object_id,
            "title": "Amendment",
            "source": {
                "agency": e.agency_label or None,
                "author": e.actor_label,
                "date": timezone.localtime(e.occurred_at).isoformat(),
                "author_redaction": PRACTITIONER.as_dict(),
            },
            "reason": e.reason,
            "changes": changes,
        }
        mentions = renderer.names.find(text)
        if mentions:
            item["mentions_in_changes"] = mentions
        if detail.get("about"):
            item["about"] = detail["about"]
        out.append(item)
    return out


def subject_access_build(
    *, subject: Subject, by: User, reference: str = "", received_on: dt.date | None = None
) -> dict[str, Any]:
    """Everything held about the subject, as the export's JSON-ready dictionary. Reads only."""
    if subject.child is not None:
        child_ids = {subject.child.pk}
    else:
        child_ids = set(
            Relationship.objects.filter(person__in=subject.persons).values_list("child_id", flat=True).distinct()
        )
    collector = Collector(child_ids)
    collector.collect()
    renderer = Renderer(subject, collector)
    entries = {int(n.row.pk): n.row for n in collector.entry_nodes if isinstance(n.row, ChronologyEntry)}
    sections: dict[str, list[dict[str, Any]]] = {key: [] for key, _ in SECTIONS}
    if subject.child is not None:
        sections["identity"].append(
            {
                "record": "people.child",
                "id": subject.child.pk,
                "title": "Child",
                "source": renderer.source(subject.child),
                "fields": renderer.fields(subject.child),
            }
        )
    else:
        for person in subject.persons:
            sections["identity"].append(
                {
                    "record": "people.person",
                    "id": person.pk,
                    "title": "Person",
                    "source": {},
                    "fields": renderer.fields(person),
                }
            )
    for node in collector.entry_nodes:
        sections["chronology"].append(renderer.item(node, entries))
    for node in collector.roots:
        sections[SECTION_FOR.get(node.key[0], "records")].append(renderer.item(node, entries))

    not_included: list[dict[str, Any]] = [{"record": label, "why": why} for label, why in NOT_INCLUDED.items()]
    if subject.kind == "person":
        not_included += _keep_requesters(subject, renderer, sections, child_ids)
    for missing in collector.missing:
        not_included.append({**missing, "why": "The chronology points at a record that no longer exists."})
    sections["amendments"] = _amendments(renderer, subject, child_ids)

    export: dict[str, Any] = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "generated_at": timezone.localtime().isoformat(),
        "generated_by": renderer_user(by),
        "marking": "OFFICIAL-SENSITIVE",
        "request": {
            "reference": reference,
            "received_on": received_on.isoformat() if received_on else None,
            "due_on": due_date(received_on).isoformat() if received_on else None,
        },
        "subject": _subject_dict(subject, renderer),
        "redaction_rule": (
            "Marked values may be other people's information (UK GDPR Article 15(4); DPA 2018 "
            "Schedule 2 Part 3 paragraph 16). 'recommended: true' means redact unless the DPO "
            "decides otherwise; practitioners acting in their professional role are marked but "
            "not recommended. Names in free text are marked only where the structured data knows "
            "them: read every free-text field. Nothing has been removed."
        ),
        "sections": [{"key": key, "title": title, "items": sections[key]} for key, title in SECTIONS],
        "not_included": not_included,
    }
    marked, recommended = _count_marks(export["sections"])
    export["summary"] = {
        "items": sum(len(s["items"]) for s in export["sections"]),
        "chronology_entries": len(sections["chronology"]),
        "marked": marked,
        "recommended_for_redaction": recommended,
    }
    return export


def renderer_user(user: User) -> dict[str, Any]:
    return {"name": user.display_name, "username": user.get_username(), "agency": str(user.agency or "")}


def _subject_dict(subject: Subject, renderer: Renderer) -> dict[str, Any]:
    if subject.child is not None:
        c = subject.child
        return {
            "kind": "child",
            "id": c.pk,
            "name": c.display_name,
            "la_child_id": c.la_child_id,
            "date_of_birth": c.date_of_birth.isoformat() if c.date_of_birth else None,
        }
    rows = Relationship.objects.filter(person__in=subject.persons).order_by("pk")
    return {
        "kind": "person",
        "ids": [p.pk for p in subject.persons],
        "name": subject.label,
        "date_of_birth": next((p.date_of_birth.isoformat() for p in subject.persons if p.date_of_birth), None),
        "children": [
            {"child": renderer.child_label(r.child_id), "relationship": r.get_relationship_display()} for r in rows
        ],
    }


def _keep_requesters(
    subject: Subject, renderer: Renderer, sections: dict[str, list[dict[str, Any]]], child_ids: set[int]
) -> list[dict[str, Any]]:
    """A parent's export keeps only what names them (see the module's docstring)."""
    full_names = {f"{p.first_name} {p.last_name}" for p in subject.persons}
    relation_of: dict[int, set[str]] = defaultdict(set)
    for r in Relationship.objects.filter(person__in=subject.persons):
        relation_of[r.child_id].add(r.relationship)
    by_name = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in full_names) + r")(?!\w)", re.IGNORECASE)

    def child_of(item: dict[str, Any]) -> int | None:
        return renderer.item_child.get(id(item))

    dropped: dict[int | None, int] = defaultdict(int)
    kept_records: set[tuple[str, Any]] = set()
    for key in ("names", "addresses", "schools", "family", "statuses", "agencies", "records"):
        kept = []
        for item in sections[key]:
            why = ""
            if item["record"] == "people.relationship" and any(
                f["name"] == "person" and f.get("redaction") is None for f in item["fields"]
            ):
                why = "the requester's relationship to the child"
            elif any(by_name.search(t) for t in _texts(item)):
                why = "names the requester"
            else:
                cid = child_of(item)
                words = [w for rel in relation_of.get(cid or 0, ()) for w in RELATIONSHIP_WORDS.get(rel, ())]
                if words:
                    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)
                    hit = next((m.group(0) for t in _texts(item) if (m := pattern.search(t))), None)
                    if hit:
                        why = f"mentions '{hit}': check it is about the requester"
            if why:
                item["included_because"] = why
                kept.append(item)
                kept_records.add((item["record"], item["id"]))
            else:
                dropped[child_of(item)] += 1
        sections[key] = kept
    entries = []
    for item in sections["chronology"]:
        ref = item.get("source_record", {})
        if (ref.get("record"), ref.get("id")) in kept_records:
            item["included_because"] = "its record names the requester"
            entries.append(item)
        elif any(by_name.search(t) for t in _texts(item)):
            item["included_because"] = "names the requester"
            entries.append(item)
        else:
            dropped[child_of(item)] += 1
    sections["chronology"] = entries
    out = []
    for cid, n in sorted(dropped.items(), key=lambda kv: kv[0] or 0):
        out.append(
            {
                "child": renderer.child_label(cid) if cid else "the children",
                "items": n,
                "why": (
                    "Records about the child that do not name the requester: the child's own personal "
                    "data, not the requester's. Review the child's record for mentions the platform "
                    "cannot attribute."
                ),
            }
        )
    return out


# --- The service ----------------------------------------------------------------------------


def _refuse_unless_dpo(by: User, what: str) -> None:
    # Outside the export's transaction: the refusal is recorded although nothing is produced.
    if not by.may_view_audit:
        audit_record(actor=by, action=Action.DENIED, detail={"what": what})
        raise PermissionDenied(NOT_PERMITTED)


def subject_access_export(
    *, subject: Subject, reference: str, received_on: dt.date, note: str = "", by: User
) -> SubjectAccessRequest:
    """Produce the export for a subject access request: the request row (with the export as
    produced) and its audit event, in one transaction. Only a data protection officer."""
    _refuse_unless_dpo(by, "subject access export")
    return _export(subject=subject, reference=reference, received_on=received_on, note=note, by=by)


@transaction.atomic
def _export(*, subject: Subject, reference: str, received_on: dt.date, note: str, by: User) -> SubjectAccessRequest:
    export = subject_access_build(subject=subject, by=by, reference=reference, received_on=received_on)
    row = SubjectAccessRequest.objects.create(
        subject_child=subject.child,
        subject_person=subject.persons[0] if subject.child is None else None,
        subject_label=subject.label,
        reference=reference.strip(),
        received_on=received_on,
        due_on=due_date(received_on),
        note=note.strip(),
        requested_by=by,
        export=export,
        items=export["summary"]["items"],
        marked=export["summary"]["marked"],
    )
    audit_record(
        actor=by,
        action=Action.EXPORT,
        child=subject.child,
        obj=row,
        reason=f"Subject access request {row.reference}",
        detail={
            "what": "subject access export",
            "subject": subject.kind,
            "subject_ids": [subject.child.pk] if subject.child else [p.pk for p in subject.persons],
            "reference": row.reference,
            "received_on": received_on,
            "due_on": row.due_on,
            **export["summary"],
        },
    )
    return row


def subject_access_download(*, request_row: SubjectAccessRequest, fmt: str, by: User) -> None:
    """A download of a produced export (JSON or PDF) is an export of its own: audited."""
    _refuse_unless_dpo(by, "subject access download")
    audit_record(
        actor=by,
        action=Action.EXPORT,
        child=request_row.subject_child,
        obj=request_row,
        reason=f"Subject access request {request_row.reference}",
        detail={"what": "subject access download", "format": fmt},
    )
