"""child_create: validation in plain words, the LA child ID sequence, search keys, and
the audit row written in the same transaction as the child."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.identifiers import upn_check_letter
from safeguarding.people.models import Address, Child, ChildAddress, ChildName, NameKind
from safeguarding.people.services import NewChild, child_create, name_row, next_la_child_id, normalise_postcode
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

DOB = dt.date(2016, 4, 2)
UPN = upn_check_letter("201300124001") + "201300124001"


def new(**overrides: object) -> NewChild:
    values: dict[str, object] = {"first_name": "Jayden", "last_name": "Smith", "date_of_birth": DOB}
    values.update(overrides)
    return NewChild(**values)  # type: ignore[arg-type]


def errors_of(data: NewChild) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        child_create(data=data, by=None)
    return refused.value.message_dict


@pytest.fixture
def worker(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="sw", password="x")


def test_creates_child_with_name_keys_address_and_audit(worker) -> None:  # type: ignore[no-untyped-def]
    child = child_create(
        data=new(
            first_name="  Zoë ",
            last_name=" O'Brien-Smith ",
            middle_names=" Mae ",
            nhs_number="943 476 5919",
            upn=UPN.lower(),
            address_line1="1 High Street",
            town="Leeds",
            postcode="ls14ap",
        ),
        by=worker,
    )
    child.refresh_from_db()
    assert child.display_name == "Zoë O'Brien-Smith"
    assert child.current_postcode == "LS1 4AP"
    assert child.nhs_number == "9434765919"
    assert child.upn == UPN
    assert child.created_by == worker
    name = ChildName.objects.get(child=child)
    assert (name.kind, name.first_name, name.middle_names, name.last_name) == (
        NameKind.LEGAL,
        "Zoë",
        "Mae",
        "O'Brien-Smith",
    )
    assert (name.first_key, name.last_key) == ("zoe", "obriensmith")
    assert name.first_sound and name.last_sound
    address = ChildAddress.objects.select_related("address").get(child=child).address
    assert (address.line1, address.town, address.postcode) == ("1 High Street", "Leeds", "LS1 4AP")
    event = AuditEvent.objects.get(child=child)
    assert event.action == Action.CREATE
    assert event.actor == worker
    assert event.object_type == "people.child"
    assert event.object_id == str(child.pk)
    assert event.detail == {"la_child_id": child.la_child_id}


def test_without_address_no_address_rows(worker) -> None:  # type: ignore[no-untyped-def]
    child = child_create(data=new(), by=worker)
    assert child.current_postcode == ""
    assert not ChildAddress.objects.filter(child=child).exists()
    assert not Address.objects.exists()


def test_blank_identifiers_are_stored_as_null() -> None:
    first = child_create(data=new(nhs_number="  ", upn=" "), by=None)
    second = child_create(data=new(first_name="Ava"), by=None)
    assert first.nhs_number is None and first.upn is None
    assert second.nhs_number is None  # unique, so blanks must be NULL not ""


def test_unborn_child_with_expected_date() -> None:
    child = child_create(data=new(date_of_birth=None, expected_date_of_birth=dt.date(2030, 1, 1)), by=None)
    assert child.is_unborn


def test_system_can_create_without_a_person() -> None:
    child = child_create(data=new(), by=None)
    event = AuditEvent.objects.get(child=child)
    assert event.actor is None and event.actor_label == "system"


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"first_name": ""}, "first_name", "Enter the child's first name"),
        ({"first_name": "   "}, "first_name", "Enter the child's first name"),
        ({"last_name": ""}, "last_name", "Enter the child's last name"),
        (
            {"date_of_birth": None},
            "date_of_birth",
            "Enter a date of birth, or an expected date of birth for an unborn child",
        ),
        ({"date_of_birth": dt.date(2099, 1, 1)}, "date_of_birth", "Date of birth must be today or in the past"),
        ({"nhs_number": "9434765918"}, "nhs_number", "Enter a valid NHS number, like 943 476 5919"),
        ({"nhs_number": "94347659"}, "nhs_number", "Enter a valid NHS number, like 943 476 5919"),
        ({"upn": "A20130012400"}, "upn", "Enter a valid UPN: 13 characters starting with a check letter"),
        ({"upn": "B201300124001"}, "upn", "Enter a valid UPN: 13 characters starting with a check letter"),
    ],
)
def test_validation_messages(overrides, field, message) -> None:  # type: ignore[no-untyped-def]
    assert errors_of(new(**overrides)) == {field: [message]}
    assert not Child.objects.exists()
    assert not AuditEvent.objects.exists()


def test_every_error_is_reported_at_once() -> None:
    errors = errors_of(new(first_name="", last_name="", date_of_birth=None, nhs_number="1", upn="x"))
    assert set(errors) == {"first_name", "last_name", "date_of_birth", "nhs_number", "upn"}


def test_duplicate_nhs_number_and_upn_are_refused_in_any_spelling() -> None:
    child_create(data=new(nhs_number="9434765919", upn=UPN), by=None)
    errors = errors_of(new(first_name="Ava", nhs_number="943-476-5919", upn=UPN.lower()))
    assert errors == {
        "nhs_number": ["A child with this NHS number is already in the index: search for them"],
        "upn": ["A child with this UPN is already in the index: search for them"],
    }
    assert Child.objects.count() == 1


def test_la_child_id_sequence() -> None:
    assert next_la_child_id() == "C0000001"
    ids = [child_create(data=new(first_name=f"Child{i}"), by=None).la_child_id for i in range(3)]
    assert ids == ["C0000001", "C0000002", "C0000003"]


def test_la_child_id_ignores_ids_loaded_from_other_systems() -> None:
    ChildFactory(la_child_id="CX12345")  # another system's ID that happens to start with C
    ChildFactory(la_child_id="C12")
    ChildFactory(la_child_id="T0000099")
    assert next_la_child_id() == "C0000001"
    assert child_create(data=new(), by=None).la_child_id == "C0000001"


def test_la_child_id_counts_numerically_past_seven_digits() -> None:
    ChildFactory(la_child_id="C9999999")
    assert next_la_child_id() == "C10000000"
    ChildFactory(la_child_id="C10000000")
    assert next_la_child_id() == "C10000001"


def test_la_child_id_clash_is_retried(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Someone else took C0000001 between our reading the sequence and our insert.
    ChildFactory(la_child_id="C0000001")
    calls = iter(["C0000001", "C0000002"])
    monkeypatch.setattr("safeguarding.people.services.next_la_child_id", lambda: next(calls))
    assert child_create(data=new(), by=None).la_child_id == "C0000002"


def test_audit_is_rolled_back_with_the_child() -> None:
    """The CREATE audit row lives and dies with the child: a later failure in the caller's
    transaction leaves neither behind."""

    class Later(Exception):
        pass

    with pytest.raises(Later), transaction.atomic():
        child_create(data=new(), by=None)
        assert Child.objects.count() == 1
        assert AuditEvent.objects.filter(action=Action.CREATE).count() == 1
        raise Later
    assert not Child.objects.exists()
    assert not ChildName.objects.exists()
    assert not AuditEvent.objects.exists()


def test_failure_inside_child_create_leaves_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(**kwargs: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("safeguarding.people.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        child_create(data=new(postcode="LS1 4AP"), by=None)
    assert not Child.objects.exists()
    assert not ChildName.objects.exists()
    assert not Address.objects.exists()


@time_machine.travel(dt.datetime(2025, 3, 12, 23, 30, tzinfo=dt.UTC), tick=False)
def test_born_today_is_accepted() -> None:
    # 23:30 UTC on 12 March is still 12 March in London (GMT).
    child = child_create(data=new(date_of_birth=dt.date(2025, 3, 12)), by=None)
    assert child.date_of_birth == dt.date(2025, 3, 12)


def test_name_row_keys_and_kind() -> None:
    child = ChildFactory()
    row = name_row(child=child, first_name=" Łukasz ", last_name="Nowak-Kowalski", kind=NameKind.FORMER)
    assert row.pk is None
    assert (row.first_name, row.first_key, row.last_key, row.kind) == ("Łukasz", "lukasz", "nowakkowalski", "former")


@pytest.mark.parametrize(
    "raw,clean", [("ls14ap", "LS1 4AP"), (" SW1A  1AA ", "SW1A 1AA"), ("m11aa", "M1 1AA"), ("", ""), ("ab", "AB")]
)
def test_normalise_postcode(raw: str, clean: str) -> None:
    assert normalise_postcode(raw) == clean
