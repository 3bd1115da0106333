"""Reads for correcting the child index: the history of changes to a child's details, and
finding a child by LA child ID to relate them to another.

The history is the audit log: every correction of the index (people/services.py) writes
an audit event with the old and new values and the reason, so the log is the amendment
history and nothing else has to be kept in step with it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import dateformat

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.codes import Disability, Ethnicity, Sex
from safeguarding.people.models import Child, ChildAddress, NameKind, RelationshipType

DETAILS_OBJECT_TYPES = (
    "people.child",
    "people.childname",
    "people.childaddress",
    "people.relationship",
    "linkage.childmerge",
)

HEADINGS = {
    "identity_amend": "Details corrected",
    "name_add": "Name added",
    "name_change": "Legal name changed",
    "name_superseded": "Legal name became a former name",
    "address_move": "Moved to a new address",
    "address_moved_out": "Moved out of an address",
    "relationship_add": "Family or household member added",
    "relationship_end": "Left the household",
    "child_merge": "Records merged: found to be the same child",
    "child_unmerge": "Merge undone: found to be different children",
}

FIELD_LABELS = {
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disabilities": "Disabilities",
    "nhs_number": "NHS number",
    "upn": "UPN",
    "date_of_death": "Date of death",
    "name": "Name",
    "display_name": "Name shown on the record",
    "kind": "Kind of name",
    "used_from": "Used from",
    "used_to": "Used until",
    "address": "Address",
    "moved_in": "Moved in",
    "moved_out": "Moved out",
    "current_postcode": "Current postcode",
    "who": "Who",
    "relationship": "Relationship to the child",
    "lives_with_child": "Lives with the child",
    "parental_responsibility": "Parental responsibility",
    "started_on": "Since",
    "ended_on": "Left on",
    "merged_into": "Merged into record",
}

DATE_FIELDS = {
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "used_from",
    "used_to",
    "moved_in",
    "moved_out",
    "started_on",
    "ended_on",
}
CODE_LABELS: dict[str, dict[str, str]] = {
    "sex": dict(Sex.choices),
    "kind": dict(NameKind.choices),
    "relationship": dict(RelationshipType.choices),
}
NOT_RECORDED = "Not recorded"
PAGE_SIZE = 25


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


@dataclass
class DetailsChange:
    occurred_at: datetime
    by: str
    agency: str
    heading: str
    about: str
    reason: str
    rows: list[ChangeRow] = field(default_factory=list)

    @property
    def is_addition(self) -> bool:
        """Every value is new (nothing had a value before): shown as a list, not a before and after."""
        return all(r.old == NOT_RECORDED for r in self.rows)


def details_changes(child: Child) -> QuerySet[AuditEvent]:
    """The audit events that changed the child's details, newest first."""
    return (
        AuditEvent.objects.filter(
            child=child, action__in=[Action.AMEND, Action.CREATE], object_type__in=DETAILS_OBJECT_TYPES
        )
        .select_related("actor")
        .order_by("-id")
    )


def display_value(field_name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field_name in DATE_FIELDS:
        try:
            return dateformat.format(date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    if field_name == "ethnicity":
        label = dict(Ethnicity.choices).get(value)
        return f"{label} ({value})" if label else str(value)
    if field_name == "disabilities":
        labels = dict(Disability.choices)
        return ", ".join(str(labels.get(c, c)) for c in value)
    if field_name == "nhs_number" and len(str(value)) == 10:
        v = str(value)
        return f"{v[:3]} {v[3:6]} {v[6:]}"
    if field_name in CODE_LABELS:
        return str(CODE_LABELS[field_name].get(value, value))
    return str(value)


def describe(event: AuditEvent) -> DetailsChange:
    detail = event.detail or {}
    kind = detail.get("event", "")
    if kind in HEADINGS:
        heading = HEADINGS[kind]
    elif event.object_type == "people.child" and event.action == Action.CREATE:
        heading = "Added to the child index"
    else:
        heading = "Details changed"
    rows = [
        ChangeRow(
            FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
            display_value(name, v["old"]),
            display_value(name, v["new"]),
        )
        for name, v in detail.items()
        if isinstance(v, dict) and set(v) == {"old", "new"}
    ]
    by = event.actor.display_name if event.actor is not None else event.actor_label
    return DetailsChange(
        occurred_at=event.occurred_at,
        by=by,
        agency=event.agency_label,
        heading=heading,
        about=str(detail.get("about", "")),
        reason=event.reason,
        rows=rows,
    )


def child_pk_for_la_child_id(la_child_id: str) -> int | None:
    """The child with this LA child ID (any case), for relating two children. Whether the
    practitioner may open that child's record is the service's check (basis_for)."""
    value = la_child_id.strip()
    if not value:
        return None
    pks = list(Child.objects.filter(la_child_id__in={value, value.upper()}).values_list("pk", flat=True)[:1])
    return pks[0] if pks else None


def current_addresses(child: Child) -> list[str]:
    """Where the child lives now (usually one address; more if records disagreed)."""
    return [
        str(ca.address)
        for ca in ChildAddress.objects.filter(child=child, moved_out__isnull=True)
        .select_related("address")
        .order_by("id")
    ]
