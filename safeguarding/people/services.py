"""Writes to the child index. Each is atomic and audited."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

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


def next_la_child_id() -> str:
    last = Child.objects.filter(la_child_id__startswith="C").aggregate(m=Max("la_child_id"))["m"]
    number = int(last[1:]) + 1 if last and last[1:].isdigit() else 1
    return f"C{number:07d}"


def _validate(data: NewChild) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.first_name.strip():
        errors["first_name"] = "Enter the child's first name"
    if not data.last_name.strip():
        errors["last_name"] = "Enter the child's last name"
    if data.date_of_birth is None and data.expected_date_of_birth is None:
        errors["date_of_birth"] = "Enter a date of birth, or an expected date of birth for an unborn child"
    if data.nhs_number and not nhs_number_valid(data.nhs_number):
        errors["nhs_number"] = "Enter a valid NHS number, like 943 476 5919"
    elif data.nhs_number and Child.objects.filter(nhs_number=normalise_nhs_number(data.nhs_number)).exists():
        errors["nhs_number"] = "A child with this NHS number is already in the index: search for them"
    if data.upn and not upn_valid(data.upn):
        errors["upn"] = "Enter a valid UPN: 13 characters starting with a check letter"
    elif data.upn and Child.objects.filter(upn=normalise_upn(data.upn)).exists():
        errors["upn"] = "A child with this UPN is already in the index: search for them"
    return errors


@transaction.atomic
def child_create(*, data: NewChild, by: User | None) -> Child:
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    postcode = normalise_postcode(data.postcode)
    child = Child.objects.create(
        la_child_id=next_la_child_id(),
        nhs_number=normalise_nhs_number(data.nhs_number) or None,
        upn=normalise_upn(data.upn) or None,
        date_of_birth=data.date_of_birth,
        expected_date_of_birth=data.expected_date_of_birth,
        sex=data.sex,
        ethnicity=data.ethnicity,
        disabilities=data.disabilities,
        display_name=f"{data.first_name.strip()} {data.last_name.strip()}",
        current_postcode=postcode,
        created_by=by,
    )
    name_row(child=child, first_name=data.first_name, last_name=data.last_name, middle_names=data.middle_names).save()
    if data.address_line1 or postcode:
        address = Address.objects.create(line1=data.address_line1 or "Not known", town=data.town, postcode=postcode)
        ChildAddress.objects.create(child=child, address=address, moved_in=None)
    audit_record(actor=by, action=Action.CREATE, child=child, obj=child, detail={"la_child_id": child.la_child_id})
    return child
