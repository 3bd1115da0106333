"""Writes to the child index. Each is atomic and audited."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.people.codes import Ethnicity, Sex
from safeguarding.people.identifiers import nhs_number_valid, normalise_nhs_number, normalise_upn, upn_valid
from safeguarding.people.matching import name_key, sound_key
from safeguarding.people.models import (
    Address,
    Child,
    ChildAddress,
    ChildName,
    NameKind,
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
