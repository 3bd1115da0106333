"""Writes to the child index. Each is atomic and audited.

A child's identity is corrected by amendment, never silently overwritten: every change
writes an audit event with the old and the new values and the reason, and the audit log is
the history shown on "Changes to this child's details" (people/details.py). Names,
addresses and household members are never deleted: a legal name that changes becomes a
former name, an address that is left gets its moved-out date, a person who leaves the
household gets the date they left.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, basis_for, may_amend_child_details
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.signal_rules import signals_evaluate, signals_evaluate_household
from safeguarding.core.calendar import long_date as _long
from safeguarding.people.codes import Disability, Ethnicity, Sex
from safeguarding.people.identifiers import nhs_number_valid, normalise_nhs_number, normalise_upn, upn_valid
from safeguarding.people.matching import name_key, sound_key
from safeguarding.people.models import (
    Address,
    Child,
    ChildAddress,
    ChildName,
    NameKind,
    Person,
    Relationship,
    RelationshipType,
    StatusPeriod,
)


@dataclass
class NewChild:
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str = Sex.UNKNOWN
    ethnicity: str = Ethnicity.NOBT
    nhs_number: str = ""
    upn: str = ""
    middle_names: str = ""
    disabilities: list[str] = field(default_factory=list)
    address_line1: str = ""
    town: str = ""
    postcode: str = ""


def name_row(
    *,
    child: Child,
    first_name: str,
    last_name: str,
    kind: str = NameKind.LEGAL,
    middle_names: str = "",
    used_from: date | None = None,
    used_to: date | None = None,
) -> ChildName:
    """An unsaved ChildName with its search keys (also used by bulk loaders)."""
    return ChildName(
        child=child,
        kind=kind,
        first_name=first_name.strip(),
        middle_names=middle_names.strip(),
        last_name=last_name.strip(),
        used_from=used_from,
        used_to=used_to,
        first_key=name_key(first_name),
        last_key=name_key(last_name),
        first_sound=sound_key(first_name),
        last_sound=sound_key(last_name),
    )


def normalise_postcode(value: str) -> str:
    compact = "".join((value or "").split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


# Generated LA child IDs: "C" and seven or more digits. IDs loaded from other systems may
# have any shape, so only generated ones are counted, and numerically ("C10000000" follows
# "C9999999", which a string maximum would not see).
_GENERATED_ID = r"^C[0-9]{7,18}$"


def next_la_child_id() -> str:
    last = (
        Child.objects.filter(la_child_id__regex=_GENERATED_ID)
        .annotate(number=Cast(Substr("la_child_id", 2), BigIntegerField()))
        .aggregate(m=Max("number"))["m"]
    )
    return f"C{(last or 0) + 1:07d}"


def _validate(data: NewChild) -> dict[str, str]:
    errors: dict[str, str] = {}
    nhs_number = normalise_nhs_number(data.nhs_number)
    upn = normalise_upn(data.upn)
    if not data.first_name.strip():
        errors["first_name"] = "Enter the child's first name"
    if not data.last_name.strip():
        errors["last_name"] = "Enter the child's last name"
    if data.date_of_birth is None and data.expected_date_of_birth is None:
        errors["date_of_birth"] = "Enter a date of birth, or an expected date of birth for an unborn child"
    elif data.date_of_birth is not None and data.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    if nhs_number and not nhs_number_valid(nhs_number):
        errors["nhs_number"] = "Enter a valid NHS number, like 943 476 5919"
    elif nhs_number and Child.objects.filter(nhs_number=nhs_number).exists():
        errors["nhs_number"] = "A child with this NHS number is already in the index: search for them"
    if upn and not upn_valid(upn):
        errors["upn"] = "Enter a valid UPN: 13 characters starting with a check letter"
    elif upn and Child.objects.filter(upn=upn).exists():
        errors["upn"] = "A child with this UPN is already in the index: search for them"
    return errors


@transaction.atomic
def child_create(*, data: NewChild, by: User | None) -> Child:
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    postcode = normalise_postcode(data.postcode)
    fields = {
        "nhs_number": normalise_nhs_number(data.nhs_number) or None,
        "upn": normalise_upn(data.upn) or None,
        "date_of_birth": data.date_of_birth,
        "expected_date_of_birth": data.expected_date_of_birth,
        "sex": data.sex,
        "ethnicity": data.ethnicity,
        "disabilities": data.disabilities,
        "display_name": f"{data.first_name.strip()} {data.last_name.strip()}",
        "current_postcode": postcode,
        "created_by": by,
    }
    child = _child_insert(data, fields)
    name_row(child=child, first_name=data.first_name, last_name=data.last_name, middle_names=data.middle_names).save()
    if data.address_line1 or postcode:
        address = Address.objects.create(line1=data.address_line1 or "Not known", town=data.town, postcode=postcode)
        ChildAddress.objects.create(child=child, address=address, moved_in=None)
    audit_record(actor=by, action=Action.CREATE, child=child, obj=child, detail={"la_child_id": child.la_child_id})
    return child


def _child_insert(data: NewChild, fields: dict[str, Any]) -> Child:
    """Insert the child under the next LA child ID.

    Two people adding children at once may draw the same ID, or (rarely) add the same NHS
    number or UPN between the check and the insert: the unique constraints catch both.
    A clash of IDs is retried; a clash of identifiers becomes the usual message.
    """
    for _attempt in range(5):
        la_child_id = next_la_child_id()
        try:
            with transaction.atomic():
                return Child.objects.create(la_child_id=la_child_id, **fields)
        except IntegrityError:
            errors = _validate(data)
            if errors:
                raise ValidationError(errors) from None
            if not Child.objects.filter(la_child_id=la_child_id).exists():
                raise
    raise IntegrityError("Could not allocate an LA child ID")


# --- Correcting and extending the child index ---------------------------------------------
#
# Only roles covering the whole local authority (the front door, children's social care)
# hold the child index: access/permissions.py. Each service checks it again, whoever calls.

IDENTITY_FIELDS = (
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "disabilities",
    "nhs_number",
    "upn",
    "date_of_death",
)
# Names a child is also known by; a new legal name is child_name_change.
ADDED_NAME_KINDS = (NameKind.PREFERRED, NameKind.ALIAS, NameKind.FORMER)
# Relationships that read the same from either child, so that both children's records
# show them (a row from each side, as the synthetic data writes them).
CHILD_TO_CHILD = (
    RelationshipType.SIBLING,
    RelationshipType.HALF_SIBLING,
    RelationshipType.OTHER_RELATIVE,
    RelationshipType.HOUSEHOLD_MEMBER,
)
# The shape of a UK postcode (after normalise_postcode), BS 7666.
POSTCODE_SHAPE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}\Z")
NOTHING_CHANGED = "Nothing has changed: change at least one detail, or cancel"


@dataclass
class PersonDetails:
    """An adult in the child's life who is not in the child index."""

    first_name: str
    last_name: str
    date_of_birth: date | None = None


def _require_amender(by: User) -> None:
    if not may_amend_child_details(by):
        raise PermissionDenied("Ask the front door to correct a child's details")


def _locked(child: Child) -> Child:
    """The child's row, locked: two people correcting one child queue one behind the other."""
    return Child.objects.select_for_update().get(pk=child.pk)


def _full_name(first_name: str, middle_names: str, last_name: str) -> str:
    return " ".join(p.strip() for p in (first_name, middle_names, last_name) if p.strip())


def _normalise_identity(field_name: str, value: Any) -> Any:
    """Values as the index stores them, so that an unchanged answer is not a change."""
    if field_name == "nhs_number":
        return normalise_nhs_number(value or "") or None
    if field_name == "upn":
        return normalise_upn(value or "") or None
    if field_name == "disabilities":
        order = list(Disability.values)
        return sorted(set(value or []), key=lambda c: (order.index(c) if c in order else len(order), c))
    if field_name in ("sex", "ethnicity"):
        return (value or "").strip()
    return value


def _identity_errors(child: Child, proposed: dict[str, Any], changed: set[str]) -> dict[str, str]:
    """The rules for the changed details (a detail left as it was is not judged again)."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    dob, expected, died = proposed["date_of_birth"], proposed["expected_date_of_birth"], proposed["date_of_death"]
    if {"date_of_birth", "expected_date_of_birth"} & changed and dob is None and expected is None:
        errors["date_of_birth"] = "Enter a date of birth, or an expected date of birth for an unborn child"
    if "date_of_birth" in changed and dob is not None and dob > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    if {"date_of_death", "date_of_birth"} & changed and died is not None:
        if died > today:
            errors["date_of_death"] = "Date of death must be today or in the past"
        elif dob is not None and died < dob:
            errors["date_of_death"] = "Date of death must be the same as or after the date of birth"
    if "sex" in changed and proposed["sex"] not in Sex.values:
        errors["sex"] = "Select the child's sex"
    if "ethnicity" in changed and proposed["ethnicity"] not in Ethnicity.values:
        errors["ethnicity"] = "Select the child's ethnicity"
    if "disabilities" in changed:
        codes = set(proposed["disabilities"])
        if codes - set(Disability.values):
            errors["disabilities"] = "Select disabilities from the list"
        elif Disability.NONE in codes and len(codes) > 1:
            errors["disabilities"] = "Select 'No disability', or the child's disabilities, not both"
    nhs_number, upn = proposed["nhs_number"], proposed["upn"]
    if "nhs_number" in changed and nhs_number:
        if not nhs_number_valid(nhs_number):
            errors["nhs_number"] = "Enter a valid NHS number, like 943 476 5919"
        elif Child.objects.filter(nhs_number=nhs_number).exclude(pk=child.pk).exists():
            errors["nhs_number"] = (
                "Another child in the index has this NHS number: check it, or ask for the records to be linked"
            )
    if "upn" in changed and upn:
        if not upn_valid(upn):
            errors["upn"] = "Enter a valid UPN: 13 characters starting with a check letter"
        elif Child.objects.filter(upn=upn).exclude(pk=child.pk).exists():
            errors["upn"] = "Another child in the index has this UPN: check it, or ask for the records to be linked"
    return errors


@transaction.atomic
def child_identity_amend(*, child: Child, changes: dict[str, Any], reason: str, by: User) -> Child:
    """Correct the child's identifying details. Returns the child as now recorded.

    `changes` may hold every detail of a form: only those that differ are changed, and the
    audit event (the amendment) keeps each one's old and new value, with the reason.
    """
    _require_amender(by)
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"Not amendable here: {sorted(unknown)}")
    child = _locked(child)
    current = {f: _normalise_identity(f, getattr(child, f)) for f in IDENTITY_FIELDS}
    changed = {f: new for f, value in changes.items() if (new := _normalise_identity(f, value)) != current[f]}
    if not changed:
        raise ValidationError(NOTHING_CHANGED)
    errors = _identity_errors(child, {**current, **changed}, set(changed))
    if not reason.strip():
        errors["reason"] = "Enter the reason for the change"
    if errors:
        raise ValidationError(errors)
    for f, value in changed.items():
        setattr(child, f, value)
    try:
        with transaction.atomic():
            child.save(update_fields=list(changed))
    except IntegrityError:
        # Someone gave another child the same NHS number or UPN a moment ago.
        raise ValidationError(
            _identity_errors(child, {**current, **changed}, set(changed)) or NOTHING_CHANGED
        ) from None
    diff = {f: {"old": current[f], "new": value} for f, value in changed.items()}
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=child,
        obj=child,
        reason=reason.strip(),
        detail={"event": "identity_amend", **diff},
    )
    # Age decides some signals (a child of compulsory school age with no school).
    signals_evaluate(child=child)
    return child


@transaction.atomic
def child_name_add(
    *,
    child: Child,
    first_name: str,
    last_name: str,
    middle_names: str = "",
    kind: str,
    used_from: date | None = None,
    reason: str,
    by: User,
) -> ChildName:
    """Another name the child is or was known by: search finds the child by it too."""
    _require_amender(by)
    child = _locked(child)
    errors: dict[str, str] = {}
    if kind not in ADDED_NAME_KINDS:
        errors["kind"] = "Select what kind of name this is"
    if not first_name.strip():
        errors["first_name"] = "Enter the first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the last name"
    if used_from is not None and used_from > timezone.localdate():
        errors["used_from"] = "The date they started using this name must be today or in the past"
    if not reason.strip():
        errors["reason"] = "Enter the reason for adding this name"
    if not errors and _has_name(child, first_name, middle_names, last_name):
        errors["first_name"] = "This name is already on the child's record"
    if errors:
        raise ValidationError(errors)
    row = name_row(
        child=child,
        first_name=first_name,
        last_name=last_name,
        middle_names=middle_names,
        kind=kind,
        used_from=used_from,
    )
    row.save()
    detail: dict[str, Any] = {
        "event": "name_add",
        "name": {"old": None, "new": _full_name(first_name, middle_names, last_name)},
        "kind": {"old": None, "new": kind},
    }
    if used_from is not None:
        detail["used_from"] = {"old": None, "new": used_from}
    audit_record(actor=by, action=Action.CREATE, child=child, obj=row, reason=reason.strip(), detail=detail)
    return row


def _has_name(child: Child, first_name: str, middle_names: str, last_name: str) -> bool:
    return child.names.filter(
        first_name__iexact=first_name.strip(),
        middle_names__iexact=middle_names.strip(),
        last_name__iexact=last_name.strip(),
    ).exists()


@transaction.atomic
def child_name_change(
    *, child: Child, first_name: str, last_name: str, middle_names: str = "", reason: str, by: User
) -> ChildName:
    """A change of legal name (deed poll, adoption, a parent's choice). The old legal name
    becomes a former name used until today, so that search still finds the child by it."""
    _require_amender(by)
    child = _locked(child)
    errors: dict[str, str] = {}
    if not first_name.strip():
        errors["first_name"] = "Enter the first name"
    if not last_name.strip():
        errors["last_name"] = "Enter the last name"
    if not reason.strip():
        errors["reason"] = "Enter the reason for the change of name"
    if errors:
        raise ValidationError(errors)
    new_full = _full_name(first_name, middle_names, last_name)
    legal = list(ChildName.objects.select_for_update().filter(child=child, kind=NameKind.LEGAL).order_by("id"))
    if any(_full_name(n.first_name, n.middle_names, n.last_name) == new_full for n in legal):
        raise ValidationError(NOTHING_CHANGED)
    today = timezone.localdate()
    for old in legal:
        diff = {"kind": {"old": old.kind, "new": NameKind.FORMER.value}, "used_to": {"old": old.used_to, "new": today}}
        old.kind, old.used_to = NameKind.FORMER, today
        old.save(update_fields=["kind", "used_to"])
        audit_record(
            actor=by,
            action=Action.AMEND,
            child=child,
            obj=old,
            reason=reason.strip(),
            detail={
                "event": "name_superseded",
                "about": _full_name(old.first_name, old.middle_names, old.last_name),
                **diff,
            },
        )
    row = name_row(child=child, first_name=first_name, last_name=last_name, middle_names=middle_names, used_from=today)
    row.save()
    old_display = child.display_name
    child.display_name = f"{row.first_name} {row.last_name}"
    child.save(update_fields=["display_name"])
    previous = "; ".join(_full_name(n.first_name, n.middle_names, n.last_name) for n in legal) or None
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=row,
        reason=reason.strip(),
        detail={
            "event": "name_change",
            "name": {"old": previous, "new": new_full},
            "display_name": {"old": old_display, "new": child.display_name},
        },
    )
    return row


@transaction.atomic
def child_address_move(
    *,
    child: Child,
    line1: str,
    line2: str = "",
    town: str,
    postcode: str,
    moved_in: date | None,
    by: User,
) -> ChildAddress:
    """The child has moved. The current address keeps its history and is closed the day
    the child moved into the new one."""
    _require_amender(by)
    child = _locked(child)
    errors: dict[str, str] = {}
    postcode = normalise_postcode(postcode)
    if not line1.strip():
        errors["line1"] = "Enter the first line of the address"
    if not town.strip():
        errors["town"] = "Enter the town or city"
    if not postcode:
        errors["postcode"] = "Enter the postcode"
    elif not POSTCODE_SHAPE.match(postcode):
        errors["postcode"] = "Enter a real postcode, like SW1A 1AA"
    current = list(
        ChildAddress.objects.select_for_update(of=("self",))
        .select_related("address")
        .filter(child=child, moved_out__isnull=True)
        .order_by("id")
    )
    if moved_in is None:
        errors["moved_in"] = "Enter the date they moved in"
    elif moved_in > timezone.localdate():
        errors["moved_in"] = "The date they moved in must be today or in the past"
    else:
        latest = max((c.moved_in for c in current if c.moved_in), default=None)
        if latest is not None and moved_in < latest:
            errors["moved_in"] = (
                f"The date they moved in must be the same as or after {_long(latest)}, "
                "when they moved into their current address"
            )
    if "line1" not in errors and "postcode" not in errors:
        for c in current:
            if c.address.line1.strip().casefold() == line1.strip().casefold() and c.address.postcode == postcode:
                errors["line1"] = "This is already the child's current address"
    if errors:
        raise ValidationError(errors)
    assert moved_in is not None
    for old in current:
        old.moved_out = moved_in
        old.save(update_fields=["moved_out"])
        audit_record(
            actor=by,
            action=Action.AMEND,
            child=child,
            obj=old,
            detail={
                "event": "address_moved_out",
                "about": str(old.address),
                "moved_out": {"old": None, "new": moved_in},
            },
        )
    address = Address.objects.create(line1=line1.strip(), line2=line2.strip(), town=town.strip(), postcode=postcode)
    new = ChildAddress.objects.create(child=child, address=address, moved_in=moved_in)
    old_postcode = child.current_postcode
    child.current_postcode = postcode
    child.save(update_fields=["current_postcode"])
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=new,
        detail={
            "event": "address_move",
            "address": {"old": "; ".join(str(c.address) for c in current) or None, "new": str(address)},
            "moved_in": {"old": None, "new": moved_in},
            "current_postcode": {"old": old_postcode, "new": postcode},
        },
    )
    return new


def _related_child_label(child: Child) -> str:
    return f"{child.display_name or 'Child'} (LA child ID {child.la_child_id})"


@transaction.atomic
def relationship_add(
    *,
    child: Child,
    relationship: str,
    person: PersonDetails | None = None,
    related_child_id: int | None = None,
    lives_with_child: bool,
    parental_responsibility: bool = False,
    started_on: date | None = None,
    by: User,
) -> Relationship:
    """Add a family or household member: an adult not in the index, or another child from
    it (whose record the practitioner must be able to open). Between two children a row is
    written from each side. The household signal of both children is evaluated again: a
    brother or sister on a child protection plan matters to this child's concerns."""
    _require_amender(by)
    if (person is None) == (related_child_id is None):
        raise ValueError("Give either a person or a related child, not both")
    child = _locked(child)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if relationship not in RelationshipType.values:
        errors["relationship"] = "Select how they are related to the child"
    if started_on is not None and started_on > today:
        errors["started_on"] = "The date this started must be today or in the past"
    related: Child | None = None
    if person is not None:
        if not person.first_name.strip():
            errors["first_name"] = "Enter their first name"
        if not person.last_name.strip():
            errors["last_name"] = "Enter their last name"
        if person.date_of_birth is not None and person.date_of_birth > today:
            errors["date_of_birth"] = "Their date of birth must be today or in the past"
    else:
        assert related_child_id is not None
        related = Child.objects.filter(pk=related_child_id).first()
        if related is None or basis_for(by, related.pk) is Basis.NONE:
            errors["related_child"] = "No child whose record you can open has this LA child ID"
            related = None
        elif related.pk == child.pk:
            errors["related_child"] = "Enter another child's LA child ID, not this child's"
        elif (
            Relationship.objects.filter(child=child, related_child=related, ended_on__isnull=True).exists()
            or Relationship.objects.filter(child=related, related_child=child, ended_on__isnull=True).exists()
        ):
            errors["related_child"] = "These children are already recorded as related"
        if relationship in RelationshipType.values and relationship not in CHILD_TO_CHILD:
            errors["relationship"] = (
                "A child in the index can be recorded as a sibling, half-sibling, other relative "
                "or other household member"
            )
        if parental_responsibility:
            errors["parental_responsibility"] = (
                "Select no: parental responsibility is recorded for parents and carers, not another child"
            )
    if errors:
        raise ValidationError(errors)
    adult = None
    if person is not None:
        adult = Person.objects.create(
            first_name=person.first_name.strip(), last_name=person.last_name.strip(), date_of_birth=person.date_of_birth
        )
    row = Relationship.objects.create(
        child=child,
        relationship=relationship,
        person=adult,
        related_child=related,
        lives_with_child=lives_with_child,
        parental_responsibility=parental_responsibility,
        started_on=started_on,
    )
    if related is None:
        _audit_relationship_added(row, who=str(adult), by=by)
    else:
        _audit_relationship_added(row, who=_related_child_label(related), by=by)
        reverse = Relationship.objects.create(
            child=related,
            relationship=relationship,
            related_child=child,
            lives_with_child=lives_with_child,
            parental_responsibility=False,
            started_on=started_on,
        )
        _audit_relationship_added(reverse, who=_related_child_label(child), by=by)
    signals_evaluate_household(child=child)
    return row


def _audit_relationship_added(row: Relationship, *, who: str, by: User) -> None:
    detail: dict[str, Any] = {
        "event": "relationship_add",
        "who": {"old": None, "new": who},
        "relationship": {"old": None, "new": row.relationship},
        "lives_with_child": {"old": None, "new": row.lives_with_child},
        "parental_responsibility": {"old": None, "new": row.parental_responsibility},
    }
    if row.started_on is not None:
        detail["started_on"] = {"old": None, "new": row.started_on}
    audit_record(actor=by, action=Action.CREATE, child=row.child, obj=row, detail=detail)


def relationship_who(row: Relationship) -> str:
    if row.person is not None:
        return f"{row.person.first_name} {row.person.last_name}"
    assert row.related_child is not None
    return row.related_child.display_name or row.related_child.la_child_id


@transaction.atomic
def relationship_end(*, relationship: Relationship, ended_on: date | None, reason: str, by: User) -> Relationship:
    """Someone has left the household. The relationship keeps its history (when it started
    and ended); between two children both sides end."""
    _require_amender(by)
    row = (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("child", "person", "related_child")
        .get(pk=relationship.pk)
    )
    if row.ended_on is not None:
        raise ValidationError(f"This was already recorded as ended on {_long(row.ended_on)}")
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = "Enter the date they left"
    elif ended_on > timezone.localdate():
        errors["ended_on"] = "The date they left must be today or in the past"
    elif row.started_on is not None and ended_on < row.started_on:
        errors["ended_on"] = (
            f"The date they left must be the same as or after {_long(row.started_on)}, when this started"
        )
    if not reason.strip():
        errors["reason"] = "Enter the reason"
    if errors:
        raise ValidationError(errors)
    rows = [row]
    if row.related_child_id is not None:
        rows += list(
            Relationship.objects.select_for_update(of=("self",))
            .select_related("child", "person", "related_child")
            .filter(child_id=row.related_child_id, related_child_id=row.child_id, ended_on__isnull=True)
        )
    for r in rows:
        r.ended_on = ended_on
        r.save(update_fields=["ended_on"])
        audit_record(
            actor=by,
            action=Action.AMEND,
            child=r.child,
            obj=r,
            reason=reason.strip(),
            detail={
                "event": "relationship_end",
                "about": f"{relationship_who(r)} ({r.get_relationship_display().lower()})",
                "ended_on": {"old": None, "new": ended_on},
            },
        )
    signals_evaluate_household(child=row.child)
    return row


@transaction.atomic
def status_start(*, child: Child, status: str, started_on: date, category: str = "", by: User | None) -> StatusPeriod:
    """The child takes a status (child in need, CP plan, early help) from `started_on`.

    Written by the pathway's services only; a status already open is not opened twice.
    """
    open_period = StatusPeriod.objects.filter(child=child, status=status, ended_on__isnull=True).first()
    if open_period is not None:
        return open_period
    period = StatusPeriod.objects.create(child=child, status=status, started_on=started_on, category=category)
    audit_record(actor=by, action=Action.CREATE, child=child, obj=period, detail={"status": status})
    return period


@transaction.atomic
def status_end(*, child: Child, status: str, ended_on: date, by: User | None) -> StatusPeriod | None:
    """End the child's open period of `status` on `ended_on` (no-op if none is open)."""
    period = (
        StatusPeriod.objects.select_for_update()
        .filter(child=child, status=status, ended_on__isnull=True)
        .order_by("-started_on")
        .first()
    )
    if period is None:
        return None
    if ended_on < period.started_on:
        raise ValidationError("A status cannot end before it started.")
    period.ended_on = ended_on
    period.save(update_fields=["ended_on"])
    audit_record(
        actor=by, action=Action.AMEND, child=child, obj=period, detail={"status": status, "ended_on": ended_on}
    )
    return period
