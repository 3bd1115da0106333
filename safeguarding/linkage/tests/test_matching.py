"""Matching one record against the index: identifiers win, the model scores the rest, and
only a clear, guarded match links without a person."""

import datetime as dt

import pytest

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.linkage.features import PersonRecord
from safeguarding.linkage.models import LinkageModel, LinkMethod, ReviewPair, SourceRecord
from safeguarding.linkage.services import match_person, source_record_receive
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create

pytestmark = pytest.mark.django_db


def _child(first: str, last: str, dob: dt.date, postcode: str = "BK4 7QT", **extra: str) -> Child:
    return child_create(
        data=NewChild(
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            sex=extra.get("sex", "M"),
            postcode=postcode,
            address_line1=extra.get("address", "12 Mill Lane"),
            nhs_number=extra.get("nhs_number", ""),
        ),
        by=None,
    )


def test_the_reference_model_is_installed_and_active() -> None:
    model = LinkageModel.objects.get(is_active=True)
    assert model.version == 1
    assert model.review_weight < model.auto_link_weight


def test_jayden_smyth_is_offered_jaiden_smith_with_transposed_date_and_the_reasons() -> None:
    jaiden = _child("Jaiden", "Smith", dt.date(2019, 3, 7))
    _child("Olivia", "Brown", dt.date(2019, 3, 7), postcode="BK9 1AA", address="1 High Street", sex="F")
    outcome = match_person(
        PersonRecord(
            first_names=("Jayden",),
            last_names=("Smyth",),
            date_of_birth=dt.date(2019, 7, 3),
            postcode="bk4 7qt",
            address="12 Mill Lane",
        )
    )
    assert [c.child for c in outcome.candidates] == [jaiden]
    reasons = {r["comparison"]: r["level"] for r in outcome.candidates[0].score.reasons()}
    assert reasons["Date of birth"] == "Day and month transposed"
    assert reasons["First name"] == "First names spelt almost the same"
    assert reasons["Surname"] == "Surnames spelt almost the same"
    assert reasons["Address and postcode"] == "Same address and postcode"


def test_a_valid_nhs_number_wins_over_the_model() -> None:
    child = _child("Amelia", "Jones", dt.date(2015, 6, 1), nhs_number="9434765919", sex="F")
    outcome = match_person(
        PersonRecord(first_names=("Millie",), last_names=("Evans",), date_of_birth=None, nhs_number="943 476 5919")
    )
    assert outcome.identifier_match is not None
    assert outcome.identifier_match.child == child
    assert outcome.identifier_match.identifier == "NHS number"


def test_twins_are_never_auto_linked_to_each_other() -> None:
    _child("Jack", "Walker", dt.date(2018, 5, 20))
    outcome = match_person(
        PersonRecord(
            first_names=("Oliver",),
            last_names=("Walker",),
            date_of_birth=dt.date(2018, 5, 20),
            sex="M",
            postcode="BK4 7QT",
            address="12 Mill Lane",
        )
    )
    assert outcome.auto_link is None


def test_a_feed_row_links_above_the_threshold_and_is_idempotent() -> None:
    school = Agency.objects.create(name="Brackenford Primary", kind=AgencyKind.SCHOOL)
    child = _child("Alexander", "Nowak", dt.date(2016, 9, 14), sex="M")
    person = PersonRecord(
        first_names=("Alex",),
        last_names=("Nowak",),
        date_of_birth=dt.date(2016, 9, 14),
        sex="M",
        postcode="BK4 7QT",
        address="12 Mill Lane",
    )
    first = source_record_receive(agency=school, source="school_roll", source_key="row-1", person=person, by=None)
    again = source_record_receive(agency=school, source="school_roll", source_key="row-1", person=person, by=None)
    assert first.record.child == child
    assert first.record.link_method == LinkMethod.AUTO
    assert again.unchanged and again.record == first.record
    assert SourceRecord.objects.count() == 1


def test_a_near_miss_adds_a_new_child_and_queues_the_pair_for_review() -> None:
    police = Agency.objects.create(name="Brackenford Police", kind=AgencyKind.POLICE)
    existing = _child("Jaiden", "Smith", dt.date(2019, 3, 7))
    received = source_record_receive(
        agency=police,
        source="police_incident",
        source_key="P-1",
        person=PersonRecord(first_names=("J",), last_names=("Smith",), date_of_birth=dt.date(2019, 3, 7)),
        by=None,
    )
    assert received.created_child
    assert received.record.link_method == LinkMethod.NEW
    pair = ReviewPair.objects.get()
    assert {pair.child_a, pair.child_b} == {existing, received.record.child}
