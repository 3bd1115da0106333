"""The walk behind a subject access export (sharing/subject_access.py, whose docstring gives
the rules): load every row held about the subject's children with a number of queries set by
the schema, then render each row's fields with its source and the marks of other people's
information."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.concerns.selectors import kind_label
from safeguarding.people.models import Address, Child, Person, Relationship, RelationshipType

# Read models, projections and the audit trail: what they hold is in the records above them.
NOT_INCLUDED: dict[str, str] = {
    "audit.auditevent": (
        "The audit trail of who looked at, searched or changed the record. Corrections of the "
        "child's details, with their reasons, are included under amendments."
    ),
    "concerns.chronologycategory": "An index of the chronology's categories (the categories are on each entry).",
    "pathway.clockrow": "A projection of the statutory clocks, computed from the records included.",
    "linkage.reviewpair": (
        "The identity-matching review queue: a comparison of this record with another child's. "
        "A merge decided from it is included."
    ),
    "sharing.subjectaccessrequest": "Earlier subject access requests and their exports.",
}
# Relations not walked: the other side of a relationship between two children is that
# child's record (this child's own row is included).
SKIPPED_RELATIONS = frozenset({("people.relationship", "related_child")})
# Models named by reference only when a record points at them: technical, and large.
REFERENCE_ONLY = frozenset({"linkage.linkagemodel", "linkage.feedimport", "concerns.chronologyentry"})
# Search keys and hashes: derived from fields shown, meaningless to a reader.
TECHNICAL_FIELDS = frozenset({"first_key", "last_key", "first_sound", "last_sound", "prev_hash", "hash"})
MAX_DEPTH = 3

AUTHOR_FIELDS = (
    "author",
    "recorded_by",
    "created_by",
    "decided_by",
    "completed_by",
    "closed_by",
    "ended_by",
    "visited_by",
    "amended_by",
    "requested_by",
    "returned_by",
    "authorised_by",
    "acknowledged_by",
    "added_by",
    "looked_by",
    "shared_by",
    "linked_by",
    "merged_by",
    "chair",
    "referrer",
)
AGENCY_FIELDS = ("agency", "referrer_agency", "police")
DATE_FIELDS = (
    "occurred_at",
    "recorded_at",
    "received_at",
    "decided_at",
    "created_at",
    "amended_at",
    "looked_at",
    "shared_at",
    "notified_at",
    "merged_at",
)
# A field that holds a person's name or names, where a rule below does not say whose.
NAME_FIELD = re.compile(r"(^|_)(name|names)$|^(given_by|with_person|attendees|family_network|owner_name)$")
CHILDS_OWN = re.compile(r"^childs_")
RELATIVE_WORDS: dict[str, str] = {
    RelationshipType.PARENTS_PARTNER: "a parent's partner",
    RelationshipType.HOUSEHOLD_MEMBER: "a member of the child's household",
    RelationshipType.OTHER_RELATIVE: "a relative of the child",
}


@dataclass(frozen=True)
class Mark:
    """Why a value may be another person's information, and whether to redact it by default."""

    reason: str
    recommended: bool

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "recommended": self.recommended}


PRACTITIONER = Mark("practitioner acting in a professional role", False)
PROFESSIONAL_NAMED = Mark("a professional named in their role (not on the platform)", False)
ANOTHER_CHILD = Mark("third party: another child", True)
PUBLIC_REFERRER = Mark("third party: the referrer, a member of the public", True)
NAMED_PERSON = Mark("a named person: check whether a third party", False)
CHILDS_WORDS = Mark("third party: the child's own words and views", True)
REQUESTERS_CHILD = Mark("the requester's child: the child's own information (a third party)", False)


@dataclass
class Subject:
    """Whose export it is: a child, or a person (the rows recording one adult)."""

    child: Child | None = None
    persons: list[Person] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "child" if self.child is not None else "person"

    @property
    def label(self) -> str:
        if self.child is not None:
            return self.child.display_name or self.child.la_child_id
        return str(self.persons[0])


# --- The walk -------------------------------------------------------------------------------


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _title(model: type[models.Model]) -> str:
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


def _child_fks(model: type[models.Model]) -> list["models.ForeignKey[Any, Any]"]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
        and f.related_model is Child
        and (_label(model), f.name) not in SKIPPED_RELATIONS
    ]


def _holds_child(model: type[models.Model]) -> bool:
    return any(isinstance(f, models.ForeignKey) and f.related_model is Child for f in model._meta.concrete_fields)


@dataclass
class _Node:
    row: models.Model
    parts: dict[str, list["_Node"]] = field(default_factory=dict)
    entries: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int]:
        return (_label(type(self.row)), int(self.row.pk))


class Collector:
    """Loads every row of the export with a number of queries bounded by the schema (one per
    model and relation that has rows), never by the number of entries."""

    def __init__(self, child_ids: set[int]) -> None:
        self.child_ids = child_ids
        self.seen: set[tuple[str, int]] = set()
        self.roots: list[_Node] = []
        self.entry_nodes: list[_Node] = []
        self.missing: list[dict[str, Any]] = []
        self.nodes: list[_Node] = []

    def _take(self, row: models.Model) -> _Node | None:
        node = _Node(row)
        if node.key in self.seen:
            return None
        self.seen.add(node.key)
        self.nodes.append(node)
        return node

    def collect(self) -> None:
        entries = list(ChronologyEntry.objects.filter(child_id__in=self.child_ids).order_by("occurred_at", "id"))
        by_type: dict[str, list[ChronologyEntry]] = defaultdict(list)
        for e in entries:
            node = self._take(e)
            assert node is not None
            self.entry_nodes.append(node)
            by_type[e.source_type].append(e)
        sources: dict[tuple[str, int], _Node] = {}
        for source_type, group in sorted(by_type.items()):
            model: type[models.Model] | None
            try:
                model = apps.get_model(source_type)
            except (LookupError, ValueError):
                model = None
            found = model._base_manager.in_bulk({e.source_id for e in group}) if model is not None else {}
            for e in group:
                row = found.get(e.source_id)
                if row is None:
                    self.missing.append({"record": source_type, "id": e.source_id, "entry": e.pk})
                    continue
                key = (_label(type(row)), int(row.pk))
                if key not in sources:
                    node = self._take(row)
                    assert node is not None
                    sources[key] = node
                    self.roots.append(node)
                sources[key].entries.append(e.pk)
        for model in apps.get_models():
            label = _label(model)
            if label in NOT_INCLUDED or model is ChronologyEntry:
                continue
            fks = _child_fks(model)
            if not fks:
                continue
            condition = Q()
            for fk in fks:
                condition |= Q(**{f"{fk.name}__in": self.child_ids})
            for row in model._base_manager.filter(condition).order_by("pk"):
                node = self._take(row)
                if node is not None:
                    self.roots.append(node)
        self._parts([*self.entry_nodes, *self.roots], depth=1)

    def _parts(self, parents: list[_Node], depth: int) -> None:
        if depth > MAX_DEPTH or not parents:
            return
        by_model: dict[type[models.Model], list[_Node]] = defaultdict(list)
        for node in parents:
            by_model[type(node.row)].append(node)
        found: list[_Node] = []
        for model, nodes in by_model.items():
            index = {int(n.row.pk): n for n in nodes}
            for rel in model._meta.related_objects:
                if rel.many_to_many:
                    continue
                part_model = rel.related_model
                assert isinstance(part_model, type)
                if _label(part_model) in NOT_INCLUDED or _holds_child(part_model):
                    continue
                fk = rel.field
                for row in part_model._base_manager.filter(**{f"{fk.name}__in": list(index)}).order_by("pk"):
                    part = self._take(row)
                    if part is None:
                        continue
                    parent = index[int(getattr(row, fk.attname))]
                    parent.parts.setdefault(rel.get_accessor_name() or fk.name, []).append(part)
                    found.append(part)
        self._parts(found, depth + 1)


# --- Rendering ------------------------------------------------------------------------------


@dataclass
class _Names:
    """Names known from the structured data, to mark where they appear in free text."""

    marks: dict[str, Mark] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    def add(self, name: str, mark: Mark) -> None:
        name = " ".join(name.split())
        if len(name) < 3 or name.lower() in self.marks:
            return
        self.marks[name.lower()] = mark
        self._pattern = None

    def find(self, text: str) -> list[dict[str, Any]]:
        if not self.marks or not text:
            return []
        if self._pattern is None:
            alternatives = sorted(self.marks, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(a) for a in alternatives) + r")(?!\w)", re.IGNORECASE
            )
        return [
            {"start": m.start(), "end": m.end(), "text": m.group(0), **self.marks[m.group(0).lower()].as_dict()}
            for m in self._pattern.finditer(text)
        ]


class Renderer:
    def __init__(self, subject: Subject, collector: Collector) -> None:
        self.subject = subject
        self.collector = collector
        self.subject_person_ids = {p.pk for p in subject.persons}
        self.names = _Names()
        # Which child each rendered item is about (a parent's export keeps only some).
        self.item_child: dict[int, int] = {}
        self._load_lookups()
        self._learn_names()

    # Lookups: every user, agency, child, person and address the rows point at, in bulk.
    def _load_lookups(self) -> None:
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        linked: dict[type[models.Model], set[Any]] = defaultdict(set)
        m2m: dict[tuple[type[models.Model], str], set[Any]] = defaultdict(set)
        for node in self.collector.nodes:
            model = type(node.row)
            for f in model._meta.concrete_fields:
                if isinstance(f, models.ForeignKey):
                    value = getattr(node.row, f.attname)
                    if value is None:
                        continue
                    target = f.related_model
                    assert isinstance(target, type)
                    if target in (User, Agency, Child, Person, Address):
                        wanted[target].add(value)
                    elif not _holds_child(target) and _label(target) not in REFERENCE_ONLY:
                        linked[target].add(value)
            for f in model._meta.many_to_many:
                m2m[(model, f.name)].add(node.row.pk)
        self.linked: dict[type[models.Model], dict[Any, models.Model]] = {
            model: model._base_manager.in_bulk(ids) for model, ids in linked.items()
        }
        for rows in self.linked.values():
            for row in rows.values():
                for f in type(row)._meta.concrete_fields:
                    if isinstance(f, models.ForeignKey) and f.related_model in (User, Agency, Child, Person, Address):
                        value = getattr(row, f.attname)
                        if value is not None:
                            target = f.related_model
                            assert isinstance(target, type)
                            wanted[target].add(value)
        self.users = User.objects.select_related("agency", "role").in_bulk(wanted[User])
        self.agencies = Agency.objects.in_bulk(wanted[Agency])
        self.children = Child.objects.in_bulk(wanted[Child] | self.collector.child_ids)
        self.persons = Person.objects.in_bulk(wanted[Person] | self.subject_person_ids)
        self.addresses = Address.objects.in_bulk(wanted[Address])
        self.m2m: dict[tuple[str, str, Any], list[Any]] = defaultdict(list)
        for (model, name), ids in m2m.items():
            m2m_field = model._meta.get_field(name)
            assert isinstance(m2m_field, models.ManyToManyField)
            through: Any = m2m_field.remote_field.through
            own, other_end = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()
            pairs = through._base_manager.filter(**{f"{own}__in": ids}).values_list(f"{own}_id", f"{other_end}_id")
            for owner, other in pairs.order_by(f"{own}_id", f"{other_end}_id"):
                self.m2m[(_label(model), name, owner)].append(other)

    def _learn_names(self) -> None:
        """Third parties' names from the structured data, for marking free text."""
        requester = self.subject.kind == "person"
        for node in self.collector.nodes:
            row = node.row
            label = _label(type(row))
            if isinstance(row, Relationship):
                if row.person_id is not None and row.person_id not in self.subject_person_ids:
                    person = self.persons.get(row.person_id)
                    if person is not None:
                        mark = self._relative_mark(row)
                        self.names.add(f"{person.first_name} {person.last_name}", mark)
                        self.names.add(person.first_name, mark)
            elif label == "frontdoor.contact" and not getattr(row, "referrer_id", None):
                self.names.add(getattr(row, "referrer_name", ""), PUBLIC_REFERRER)
            elif label in ("protection.strategyattendee", "protection.conferenceinvitee", "protection.coregroupmember"):
                if getattr(row, "discipline", "") == "family" and not getattr(row, "practitioner_id", None):
                    self.names.add(getattr(row, "name", ""), Mark("third party: a family member", True))
            elif label == "earlyhelp.earlyhelpconsent":
                self.names.add(getattr(row, "given_by", ""), self._consent_mark(row))
        for child in self.children.values():
            if self.subject.child is not None and child.pk == self.subject.child.pk:
                continue
            mark = REQUESTERS_CHILD if requester and child.pk in self.collector.child_ids else ANOTHER_CHILD
            if child.display_name:
                self.names.add(child.display_name, mark)
                self.names.add(child.display_name.split(" ")[0], mark)
        for user in self.users.values():
            if user.get_full_name():
                self.names.add(user.get_full_name(), PRACTITIONER)
        # The subject's own names are never marked.
        own = [self.subject.label]
        if self.subject.child is not None and self.subject.child.display_name:
            own.append(self.subject.child.display_name.split(" ")[0])
        for person in self.subject.persons:
            own += [f"{person.first_name} {person.last_name}", person.first_name]
        for name in own:
            self.names.marks.pop(" ".join(name.split()).lower(), None)
        self.names._pattern = None

    def _relative_mark(self, row: Relationship) -> Mark:
        what = RELATIVE_WORDS.get(str(row.relationship), f"the child's {row.get_relationship_display().lower()}")
        return Mark(f"third party: {what}", True)

    def _consent_mark(self, row: Any) -> Mark:
        if self._is_subject_name(getattr(row, "given_by", "")):
            return Mark("the requester", False)
        relationship = getattr(row, "relationship_to_child", "") or "family member"
        return Mark(f"third party: the child's {relationship.lower()}, who gave or withdrew consent", True)

    def _is_subject_name(self, value: str) -> bool:
        wanted = {f"{p.first_name} {p.last_name}".lower() for p in self.subject.persons}
        return " ".join(str(value).split()).lower() in wanted

    # Values
    def user_label(self, user_id: Any) -> str:
        user = self.users.get(user_id)
        if user is None:
            return f"Practitioner {user_id}"
        extras = [str(x) for x in (user.role.name if user.role else "", user.agency.name if user.agency else "") if x]
        return f"{user.display_name} ({', '.join(extras)})" if extras else user.display_name

    def child_label(self, child_id: Any) -> str:
        child = self.children.get(child_id)
        if child is None:
            return f"Child {child_id}"
        return f"{child.display_name or 'Child'} (LA child ID {child.la_child_id})"

    def _fk_value(self, f: "models.ForeignKey[Any, Any]", value: Any) -> tuple[Any, Mark | None]:
        target = f.related_model
        if target is User:
            return self.user_label(value), PRACTITIONER
        if target is Agency:
            agency = self.agencies.get(value)
            return (agency.name if agency else f"Agency {value}"), None
        if target is Child:
            if self.subject.child is not None and value == self.subject.child.pk:
                return self.child_label(value), None
            if self.subject.kind == "person" and value in self.collector.child_ids:
                return self.child_label(value), REQUESTERS_CHILD
            return self.child_label(value), ANOTHER_CHILD
        if target is Person:
            person = self.persons.get(value)
            text = str(person) if person else f"Person {value}"
            if value in self.subject_person_ids:
                return text, None
            return text, Mark("third party: a family or household member", True)
        if target is Address:
            address = self.addresses.get(value)
            return (str(address) if address else f"Address {value}"), None
        assert isinstance(target, type)
        return f"{_title(target)} {value}", None

    def _plain(self, f: "models.Field[Any, Any]", value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int | float | bool | list | dict) or value is None:
            return value
        return str(value)

    def _field_mark(self, row: models.Model, name: str) -> Mark | None:
        """Rules from the structured data: whose information a field holds."""
        label = _label(type(row))
        r: Any = row
        if label == "frontdoor.contact" and name in (
            "referrer_name",
            "referrer_relationship",
            "referrer_contact_details",
        ):
            if r.referrer_id:
                return Mark("the referrer: a practitioner acting in a professional role", False)
            if self._is_subject_name(r.referrer_name):
                return Mark("the requester, as the referrer", False)
            return PUBLIC_REFERRER
        if label == "frontdoor.contact" and name == "household":
            return Mark("the household as the referrer described it: may name third parties", False)
        if name == "name" and hasattr(r, "discipline"):
            if getattr(r, "practitioner_id", None):
                return PRACTITIONER
            if self._is_subject_name(r.name):
                return Mark("the requester", False)
            if r.discipline == "family":
                return Mark("third party: a family member", True)
            return PROFESSIONAL_NAMED
        if label == "earlyhelp.teamaroundfamilymember" and name == "name":
            return PRACTITIONER if r.practitioner_id else PROFESSIONAL_NAMED
        if label == "earlyhelp.earlyhelpconsent" and name in ("given_by", "relationship_to_child"):
            return self._consent_mark(r)
        if label == "earlyhelp.familyplanaction" and name == "owner_name":
            if r.owner_id:
                return PRACTITIONER
            return Mark("the requester", False) if self._is_subject_name(r.owner_name) else NAMED_PERSON
        if label == "earlyhelp.familygroupconference" and name == "family_network":
            return Mark("third party: members of the family network", True)
        if label == "protection.coregroupmeeting" and name == "attendees":
            return Mark("names who attended: practitioners and family members", False)
        if label == "sharing.informationshare" and name == "with_person":
            return Mark("the recipient: a person named in their role", False)
        if label == "sharing.letter" and name == "recipient_name":
            if r.recipient_user_id or r.recipient_agency_id:
                return Mark("the letter's recipient: a practitioner or agency", False)
            if self._is_subject_name(r.recipient_name):
                return Mark("the requester, as the letter's recipient", False)
            return Mark("third party: the letter's recipient", True)
        if label == "people.person" and int(r.pk) not in self.subject_person_ids:
            return Mark("third party: a family or household member", True)
        if self.subject.kind == "person" and CHILDS_OWN.match(name):
            return CHILDS_WORDS
        if NAME_FIELD.search(name) and label not in ("people.childname", "people.person"):
            return NAMED_PERSON
        return None

    def fields(self, row: models.Model) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        model = type(row)
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in TECHNICAL_FIELDS:
                continue
            raw = getattr(row, f.attname)
            if raw is None or raw == "" or raw == [] or raw == {}:
                continue
            item: dict[str, Any] = {"name": f.name, "label": str(f.verbose_name).capitalize()}
            mark: Mark | None
            if isinstance(f, models.ForeignKey):
                item["value"], mark = self._fk_value(f, raw)
                if self.subject.kind == "person" and f.related_model is Child and raw in self.collector.child_ids:
                    mark = REQUESTERS_CHILD
                target = f.related_model
                assert isinstance(target, type)
                linked = self.linked.get(target, {}).get(raw)
                if linked is not None:
                    item["record"] = {
                        "record": _label(target),
                        "id": raw,
                        "title": _title(target),
                        "fields": self.fields_shallow(linked),
                    }
            else:
                item["value"] = self._plain(f, raw)
                if f.choices:
                    item["code"] = item["value"]
                    item["value"] = str(getattr(row, f"get_{f.name}_display")())
                mark = self._field_mark(row, f.name)
            if mark is not None:
                item["redaction"] = mark.as_dict()
            if isinstance(item["value"], str) and not isinstance(f, models.ForeignKey):
                mentions = self.names.find(item["value"])
                if mentions:
                    item["mentions"] = mentions
            out.append(item)
        for f in model._meta.many_to_many:
            ids = self.m2m.get((_label(model), f.name, row.pk))
            if ids:
                target = f.related_model
                assert isinstance(target, type)
                out.append(
                    {
                        "name": f.name,
                        "label": str(f.verbose_name).capitalize(),
                        "value": ids,
                        "refers_to": _label(target),
                    }
                )
        return out

    def fields_shallow(self, row: models.Model) -> list[dict[str, Any]]:
        # A linked record's own links are not followed: its fields only.
        saved, self.linked = self.linked, {}
        try:
            return self.fields(row)
        finally:
            self.linked = saved

    def source(self, row: models.Model, entry: ChronologyEntry | None = None) -> dict[str, Any]:
        model = type(row)
        names = {f.name: f for f in model._meta.concrete_fields}
        author_id = next(
            (getattr(row, names[n].attname) for n in AUTHOR_FIELDS if n in names and getattr(row, names[n].attname)),
            None,
        )
        if author_id is None:
            author_id = next(
                (
                    getattr(row, f.attname)
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.ForeignKey) and f.related_model is User and getattr(row, f.attname)
                ),
                None,
            )
        agency_id = next(
            (
                getattr(row, names[n].attname)
                for n in AGENCY_FIELDS
                if n in names
                and isinstance(names[n], models.ForeignKey)
                and names[n].related_model is Agency
                and getattr(row, names[n].attname)
            ),
            None,
        )
        author = self.users.get(author_id) if author_id else None
        if agency_id is None and author is not None:
            agency_id = author.agency_id
        if entry is not None:
            agency_id = agency_id or entry.agency_id
        when = next((getattr(row, n) for n in DATE_FIELDS if n in names and getattr(row, n)), None)
        if when is None:
            when = next(
                (
                    getattr(row, f.attname)
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.DateTimeField | models.DateField) and getattr(row, f.attname)
                ),
                None,
            )
        out: dict[str, Any] = {
            "agency": self.agencies[agency_id].name if agency_id in self.agencies else None,
            "author": self.user_label(author_id) if author_id else (entry.author_label if entry else None) or None,
            "date": self._plain(models.DateTimeField(), when) if when else None,
        }
        if out["author"]:
            out["author_redaction"] = PRACTITIONER.as_dict()
        return out

    def item(self, node: _Node, entries: dict[int, ChronologyEntry]) -> dict[str, Any]:
        row = node.row
        model = type(row)
        entry = entries.get(node.entries[0]) if node.entries else None
        title = _title(model)
        if isinstance(row, ChronologyEntry):
            title = kind_label(row.kind)
            entry = row
        out: dict[str, Any] = {
            "record": _label(model),
            "id": row.pk,
            "title": title,
            "source": self.source(row, entry),
            "fields": self.fields(row),
        }
        child_id = next((getattr(row, f.attname) for f in _child_fks(model) if getattr(row, f.attname)), None)
        if child_id is not None:
            self.item_child[id(out)] = child_id
        if isinstance(row, ChronologyEntry):
            out["kind"] = row.kind
            out["source_record"] = {"record": row.source_type, "id": row.source_id}
        if node.entries:
            out["chronology_entries"] = node.entries
        if node.parts:
            out["parts"] = [
                {
                    "relation": name,
                    "title": _title(type(parts[0].row)),
                    "items": [self.item(p, entries) for p in parts],
                }
                for name, parts in node.parts.items()
            ]
        return out
