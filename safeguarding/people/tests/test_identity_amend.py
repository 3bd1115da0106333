"""Correcting and extending a child's identity record: by amendment with a reason, never a
silent overwrite. Only roles covering the whole local authority (the front door) may.

Services: each rule in plain words, the audit row with old and new values. Views: each with
the front door (may), the entitled school DSL, another agency and an outsider (all 403,
audited as refused), a rejected form keeping what was typed, and the history page.
"""

import datetime as dt
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChildSignal
from safeguarding.people.identifiers import nhs_number_check_digit, upn_check_letter
from safeguarding.people.models import (
    Address,
    Child,
    ChildAddress,
    ChildName,
    ChildStatus,
    NameKind,
    Person,
    Relationship,
    StatusPeriod,
)
from safeguarding.people.selectors import SearchQuery, search_children
from safeguarding.people.services import (
    PersonDetails,
    child_address_move,
    child_identity_amend,
    child_name_add,
    child_name_change,
    relationship_add,
    relationship_end,
)
from safeguarding.people.tests.helpers import concern
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def nhs(first_nine: str) -> str:
    check = nhs_number_check_digit(first_nine)
    assert check is not None
    return f"{first_nine}{check}"


NHS_A = nhs("943476591")
NHS_B = nhs("401023213")
UPN_A = upn_check_letter("201300124001") + "201300124001"
UPN_B = upn_check_letter("201300124002") + "201300124002"


def errors_of(call, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.message_dict if hasattr(refused.value, "error_dict") else {"__all__": refused.value.messages}


def amend_events(child: Child, object_type: str = "people.child"):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(child=child, action=Action.AMEND, object_type=object_type)


@pytest.fixture
def home(child):  # type: ignore[no-untyped-def]
    address = Address.objects.create(line1="14 Ashgrove Close", town="Brookford", postcode="BK3 4QT")
    ChildAddress.objects.create(child=child, address=address, moved_in=dt.date(2020, 5, 1))
    Child.objects.filter(pk=child.pk).update(current_postcode="BK3 4QT")
    child.refresh_from_db()
    return address


@pytest.fixture
def sibling(db):  # type: ignore[no-untyped-def]
    return ChildFactory(display_name="Jack Jones", date_of_birth=dt.date(2012, 2, 2))


# --- child_identity_amend -------------------------------------------------------------------


def test_identity_amend_changes_only_what_differs_and_audits_old_and_new(child, front_door) -> None:
    child_identity_amend(
        child=child,
        changes={
            "date_of_birth": dt.date(2015, 6, 2),
            "sex": "F",  # unchanged
            "ethnicity": "WIRI",
            "disabilities": ["HEAR", "AUT", "HEAR"],
            "nhs_number": NHS_A[:3] + " " + NHS_A[3:6] + " " + NHS_A[6:],
            "upn": UPN_A.lower(),
        },
        reason="Birth certificate seen at the home visit",
        by=front_door,
    )
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2015, 6, 2)
    assert child.ethnicity == "WIRI"
    assert child.disabilities == ["HEAR", "AUT"]  # stored in the census order, once each
    assert child.nhs_number == NHS_A
    assert child.upn == UPN_A
    [event] = amend_events(child)
    assert event.actor == front_door
    assert event.reason == "Birth certificate seen at the home visit"
    assert event.object_id == str(child.pk)
    assert event.detail["date_of_birth"] == {"old": "2015-06-01", "new": "2015-06-02"}
    assert event.detail["ethnicity"] == {"old": "NOBT", "new": "WIRI"}
    assert event.detail["disabilities"] == {"old": [], "new": ["HEAR", "AUT"]}
    assert event.detail["nhs_number"] == {"old": None, "new": NHS_A}
    assert event.detail["upn"] == {"old": None, "new": UPN_A}
    assert "sex" not in event.detail


def test_identity_amend_needs_a_reason_and_a_change(child, front_door) -> None:
    assert errors_of(child_identity_amend, child=child, changes={"sex": "M"}, reason="  ", by=front_door) == {
        "reason": ["Enter the reason for the change"]
    }
    assert errors_of(
        child_identity_amend,
        child=child,
        changes={"sex": "F", "date_of_birth": child.date_of_birth, "nhs_number": ""},
        reason="Checked",
        by=front_door,
    ) == {"__all__": ["Nothing has changed: change at least one detail, or cancel"]}
    assert not amend_events(child).exists()


def test_identity_amend_validates_and_keeps_identifiers_unique(child, front_door) -> None:
    ChildFactory(display_name="Other Child", nhs_number=NHS_B, upn=UPN_B)
    errors = errors_of(
        child_identity_amend,
        child=child,
        changes={"nhs_number": "9434765918", "upn": "A12345678901X"},
        reason="Typo",
        by=front_door,
    )
    assert errors == {
        "nhs_number": ["Enter a valid NHS number, like 943 476 5919"],
        "upn": ["Enter a valid UPN: 13 characters starting with a check letter"],
    }
    errors = errors_of(
        child_identity_amend, child=child, changes={"nhs_number": NHS_B, "upn": UPN_B}, reason="Typo", by=front_door
    )
    assert errors["nhs_number"][0].startswith("Another child in the index has this NHS number")
    assert errors["upn"][0].startswith("Another child in the index has this UPN")
    child.refresh_from_db()
    assert child.nhs_number is None and child.upn is None


def test_identity_amend_date_rules(child, front_door) -> None:
    tomorrow = TODAY() + timedelta(days=1)
    assert errors_of(
        child_identity_amend, child=child, changes={"date_of_birth": tomorrow}, reason="x", by=front_door
    ) == {"date_of_birth": ["Date of birth must be today or in the past"]}
    assert errors_of(child_identity_amend, child=child, changes={"date_of_birth": None}, reason="x", by=front_door) == {
        "date_of_birth": ["Enter a date of birth, or an expected date of birth for an unborn child"]
    }
    assert errors_of(
        child_identity_amend, child=child, changes={"date_of_death": dt.date(2014, 1, 1)}, reason="x", by=front_door
    ) == {"date_of_death": ["Date of death must be the same as or after the date of birth"]}
    assert errors_of(
        child_identity_amend, child=child, changes={"disabilities": ["NONE", "VIS"]}, reason="x", by=front_door
    ) == {"disabilities": ["Select 'No disability', or the child's disabilities, not both"]}
    assert errors_of(child_identity_amend, child=child, changes={"ethnicity": "XXXX"}, reason="x", by=front_door) == {
        "ethnicity": ["Select the child's ethnicity"]
    }


def test_an_unborn_child_is_born(front_door) -> None:
    unborn = ChildFactory(display_name="Baby Cole", date_of_birth=None, expected_date_of_birth=TODAY())
    child_identity_amend(
        child=unborn,
        changes={"date_of_birth": TODAY(), "sex": "M"},
        reason="Born today, midwife told us",
        by=front_door,
    )
    unborn.refresh_from_db()
    assert not unborn.is_unborn
    assert unborn.expected_date_of_birth == TODAY()  # the due date is kept (census ExpectedPersonBirthDate)


def test_a_detail_not_changed_is_not_judged_again(child, front_door) -> None:
    # Loaded from another system with an NHS number that fails the check digit.
    Child.objects.filter(pk=child.pk).update(nhs_number="1234567890")
    child_identity_amend(child=child, changes={"nhs_number": "123 456 7890", "sex": "M"}, reason="x", by=front_door)
    child.refresh_from_db()
    assert child.sex == "M"


def test_only_the_front_door_may_amend_identity(child, entitled, other_agency, outsider) -> None:
    for user in (entitled, other_agency, outsider):
        with pytest.raises(PermissionDenied):
            child_identity_amend(child=child, changes={"sex": "M"}, reason="x", by=user)
    child.refresh_from_db()
    assert child.sex == "F"


# --- Names ----------------------------------------------------------------------------------


def test_a_change_of_legal_name_keeps_the_old_as_former_and_search_finds_both(child, front_door) -> None:
    old = child.names.get()
    new = child_name_change(
        child=child, first_name="Amelia", last_name="Okafor", reason="Deed poll seen", by=front_door
    )
    old.refresh_from_db()
    child.refresh_from_db()
    assert (old.kind, old.used_to) == (NameKind.FORMER, TODAY())
    assert (new.kind, new.used_from, new.last_key) == (NameKind.LEGAL, TODAY(), "okafor")
    assert child.display_name == "Amelia Okafor"
    for typed in ("Amelia Jones", "Amelia Okafor"):
        results = search_children(SearchQuery(name=typed))
        assert results and results[0].child.pk == child.pk, typed
    [superseded] = amend_events(child, "people.childname")
    assert superseded.detail["kind"] == {"old": "legal", "new": "former"}
    assert superseded.detail["used_to"] == {"old": None, "new": TODAY().isoformat()}
    assert superseded.reason == "Deed poll seen"
    added = AuditEvent.objects.get(child=child, action=Action.CREATE, object_type="people.childname")
    assert added.detail["name"] == {"old": "Amelia Jones", "new": "Amelia Okafor"}
    assert added.detail["display_name"] == {"old": "Amelia Jones", "new": "Amelia Okafor"}


def test_a_change_of_legal_name_needs_a_new_name_and_a_reason(child, front_door) -> None:
    assert errors_of(
        child_name_change, child=child, first_name="Amelia", last_name="Jones", reason="x", by=front_door
    ) == {"__all__": ["Nothing has changed: change at least one detail, or cancel"]}
    assert errors_of(child_name_change, child=child, first_name="", last_name="Okafor", reason="", by=front_door) == {
        "first_name": ["Enter the first name"],
        "reason": ["Enter the reason for the change of name"],
    }
    assert child.names.count() == 1


def test_adding_an_alias_makes_the_child_findable_by_it(child, front_door) -> None:
    row = child_name_add(
        child=child,
        first_name="Millie",
        last_name="Smith",
        kind=NameKind.ALIAS,
        used_from=dt.date(2024, 1, 1),
        reason="Name she gave to police",
        by=front_door,
    )
    assert (row.kind, row.first_key, row.last_key) == (NameKind.ALIAS, "millie", "smith")
    child.refresh_from_db()
    assert child.display_name == "Amelia Jones"  # the legal name is still the one shown
    results = search_children(SearchQuery(name="Millie Smith"))
    assert results[0].child.pk == child.pk
    assert results[0].matched_name == row
    event = AuditEvent.objects.get(child=child, action=Action.CREATE, object_type="people.childname")
    assert event.detail["name"] == {"old": None, "new": "Millie Smith"}
    assert event.detail["kind"] == {"old": None, "new": "alias"}
    assert event.reason == "Name she gave to police"


def test_adding_a_name_refuses_a_legal_kind_a_duplicate_and_a_future_date(child, front_door) -> None:
    assert errors_of(
        child_name_add,
        child=child,
        first_name="Amy",
        last_name="Jones",
        kind=NameKind.LEGAL,
        used_from=TODAY() + timedelta(days=1),
        reason="x",
        by=front_door,
    ) == {
        "kind": ["Select what kind of name this is"],
        "used_from": ["The date they started using this name must be today or in the past"],
    }
    assert errors_of(
        child_name_add, child=child, first_name="amelia", last_name="JONES", kind="preferred", reason="x", by=front_door
    ) == {"first_name": ["This name is already on the child's record"]}
    assert ChildName.objects.filter(child=child).count() == 1


# --- Addresses ------------------------------------------------------------------------------


def test_a_move_keeps_the_old_address_with_its_end_date(child, home, front_door) -> None:
    moved = dt.date(2025, 2, 14)
    new = child_address_move(
        child=child, line1="Flat 6 Heron Court", town="Brookford", postcode="bk41ds", moved_in=moved, by=front_door
    )
    child.refresh_from_db()
    old = ChildAddress.objects.get(child=child, address=home)
    assert old.moved_out == moved
    assert (new.moved_in, new.moved_out, new.address.postcode) == (moved, None, "BK4 1DS")
    assert child.current_postcode == "BK4 1DS"
    assert ChildAddress.objects.filter(child=child).count() == 2
    assert search_children(SearchQuery(postcode="BK4 1DS", name="Amelia Jones"))[0].child.pk == child.pk
    closed = amend_events(child, "people.childaddress").get()
    assert closed.detail["moved_out"] == {"old": None, "new": "2025-02-14"}
    assert closed.detail["about"] == "14 Ashgrove Close, Brookford, BK3 4QT"
    opened = AuditEvent.objects.get(child=child, action=Action.CREATE, object_type="people.childaddress")
    assert opened.detail["address"] == {
        "old": "14 Ashgrove Close, Brookford, BK3 4QT",
        "new": "Flat 6 Heron Court, Brookford, BK4 1DS",
    }
    assert opened.detail["current_postcode"] == {"old": "BK3 4QT", "new": "BK4 1DS"}


def test_a_move_date_is_not_in_the_future_nor_before_the_current_move_in(child, home, front_door) -> None:
    common = {"child": child, "line1": "1 New Road", "town": "Brookford", "postcode": "BK1 1AA", "by": front_door}
    assert errors_of(child_address_move, **common, moved_in=TODAY() + timedelta(days=1)) == {
        "moved_in": ["The date they moved in must be today or in the past"]
    }
    assert errors_of(child_address_move, **common, moved_in=dt.date(2020, 4, 30)) == {
        "moved_in": [
            "The date they moved in must be the same as or after 1 May 2020, when they moved into their current address"
        ]
    }
    assert errors_of(child_address_move, **{**common, "postcode": "NOT A CODE"}, moved_in=dt.date(2024, 1, 1)) == {
        "postcode": ["Enter a real postcode, like SW1A 1AA"]
    }
    assert errors_of(
        child_address_move, **{**common, "line1": "14 ashgrove close", "postcode": "BK3 4QT"}, moved_in=TODAY()
    ) == {"line1": ["This is already the child's current address"]}
    assert ChildAddress.objects.filter(child=child, moved_out__isnull=True).count() == 1


def test_a_first_address_for_a_child_with_none(child, front_door) -> None:
    child_address_move(
        child=child, line1="2 Low Road", town="Brookford", postcode="BK2 2BB", moved_in=TODAY(), by=front_door
    )
    child.refresh_from_db()
    assert child.current_postcode == "BK2 2BB"
    assert not amend_events(child, "people.childaddress").exists()  # nothing was closed


# --- Family and household -------------------------------------------------------------------


def test_adding_an_adult_to_the_household(child, front_door) -> None:
    row = relationship_add(
        child=child,
        relationship="parents_partner",
        person=PersonDetails(first_name="Ryan", last_name="Cole", date_of_birth=dt.date(1995, 3, 3)),
        lives_with_child=True,
        parental_responsibility=False,
        started_on=dt.date(2025, 1, 1),
        by=front_door,
    )
    assert row.person is not None and str(row.person) == "Ryan Cole"
    event = AuditEvent.objects.get(child=child, action=Action.CREATE, object_type="people.relationship")
    assert event.detail["who"] == {"old": None, "new": "Ryan Cole"}
    assert event.detail["relationship"] == {"old": None, "new": "parents_partner"}
    assert event.detail["lives_with_child"] == {"old": None, "new": True}


def test_a_sibling_is_related_in_both_directions(child, sibling, front_door) -> None:
    relationship_add(
        child=child, relationship="sibling", related_child_id=sibling.pk, lives_with_child=True, by=front_door
    )
    assert Relationship.objects.filter(child=child, related_child=sibling, relationship="sibling").exists()
    assert Relationship.objects.filter(child=sibling, related_child=child, relationship="sibling").exists()
    assert AuditEvent.objects.filter(child=sibling, action=Action.CREATE, object_type="people.relationship").exists()
    assert Person.objects.count() == 0


def test_relating_two_children_refuses_what_cannot_be(child, sibling, front_door) -> None:
    assert errors_of(
        relationship_add,
        child=child,
        relationship="mother",
        related_child_id=sibling.pk,
        lives_with_child=True,
        parental_responsibility=True,
        by=front_door,
    ) == {
        "relationship": [
            "A child in the index can be recorded as a sibling, half-sibling, other relative or other household member"
        ],
        "parental_responsibility": [
            "Select no: parental responsibility is recorded for parents and carers, not another child"
        ],
    }
    assert errors_of(
        relationship_add,
        child=child,
        relationship="sibling",
        related_child_id=child.pk,
        lives_with_child=True,
        by=front_door,
    ) == {"related_child": ["Enter another child's LA child ID, not this child's"]}
    assert errors_of(
        relationship_add,
        child=child,
        relationship="sibling",
        related_child_id=999999,
        lives_with_child=True,
        by=front_door,
    ) == {"related_child": ["No child whose record you can open has this LA child ID"]}
    Relationship.objects.create(child=sibling, related_child=child, relationship="half_sibling")
    assert errors_of(
        relationship_add,
        child=child,
        relationship="sibling",
        related_child_id=sibling.pk,
        lives_with_child=True,
        by=front_door,
    ) == {"related_child": ["These children are already recorded as related"]}
    assert errors_of(
        relationship_add,
        child=child,
        relationship="father",
        person=PersonDetails(first_name="", last_name="Cole"),
        lives_with_child=False,
        by=front_door,
    ) == {"first_name": ["Enter their first name"]}


def test_only_the_front_door_may_add_to_the_family(child, sibling, entitled) -> None:
    with pytest.raises(PermissionDenied):
        relationship_add(
            child=child, relationship="sibling", related_child_id=sibling.pk, lives_with_child=True, by=entitled
        )
    assert not Relationship.objects.exists()


def test_a_sibling_on_a_plan_raises_the_household_signal_when_added(child, sibling, entitled, front_door) -> None:
    StatusPeriod.objects.create(
        child=sibling, status=ChildStatus.CHILD_PROTECTION_PLAN, started_on=TODAY() - timedelta(days=30), category="NEG"
    )
    concern(child, entitled, days_ago=3)
    assert not ChildSignal.objects.filter(child=child, rule="household_cp_plan", cleared_at__isnull=True).exists()

    rel = relationship_add(
        child=child, relationship="sibling", related_child_id=sibling.pk, lives_with_child=True, by=front_door
    )

    signal = ChildSignal.objects.get(child=child, rule="household_cp_plan", cleared_at__isnull=True)
    assert signal.reason.startswith("A sibling has had a child protection plan since")

    # The sibling left the household yesterday: both sides end, and the signal clears.
    relationship_end(relationship=rel, ended_on=TODAY() - timedelta(days=1), reason="Moved to dad's", by=front_door)
    assert not ChildSignal.objects.filter(child=child, rule="household_cp_plan", cleared_at__isnull=True).exists()


def test_leaving_the_household_ends_both_sides_and_keeps_the_history(child, sibling, front_door) -> None:
    rel = relationship_add(
        child=child,
        relationship="half_sibling",
        related_child_id=sibling.pk,
        lives_with_child=True,
        started_on=dt.date(2024, 1, 1),
        by=front_door,
    )
    assert errors_of(relationship_end, relationship=rel, ended_on=dt.date(2023, 12, 31), reason="", by=front_door) == {
        "ended_on": ["The date they left must be the same as or after 1 January 2024, when this started"],
        "reason": ["Enter the reason"],
    }
    relationship_end(relationship=rel, ended_on=dt.date(2025, 3, 1), reason="Went to live with dad", by=front_door)
    assert Relationship.objects.filter(ended_on=dt.date(2025, 3, 1)).count() == 2  # both sides, still there
    for who in (child, sibling):
        event = amend_events(who, "people.relationship").get()
        assert event.detail["ended_on"] == {"old": None, "new": "2025-03-01"}
        assert event.reason == "Went to live with dad"
    assert errors_of(relationship_end, relationship=rel, ended_on=TODAY(), reason="x", by=front_door) == {
        "__all__": ["This was already recorded as ended on 1 March 2025"]
    }


# --- Views: who may ---------------------------------------------------------------------------


def amend_urls(child, rel_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("people:amend-details", args=[child.pk]),
        reverse("people:name-add", args=[child.pk]),
        reverse("people:name-change", args=[child.pk]),
        reverse("people:address-move", args=[child.pk]),
        reverse("people:relationship-add", args=[child.pk]),
        reverse("people:relationship-end", args=[child.pk, rel_id]),
        reverse("people:details-history", args=[child.pk]),
    ]


@pytest.fixture
def mum(child):  # type: ignore[no-untyped-def]
    person = Person.objects.create(first_name="Sarah", last_name="Jones")
    return Relationship.objects.create(child=child, person=person, relationship="mother", parental_responsibility=True)


def test_the_front_door_may_open_every_page(child, mum, front_door, as_user) -> None:
    client = as_user(front_door)
    for url in amend_urls(child, mum.pk):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Amelia Jones" in response.text


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider"])
def test_everyone_else_is_told_to_ask_the_front_door(request, persona, child, mum, as_user) -> None:
    user = request.getfixturevalue(persona)
    client = as_user(user)
    urls = amend_urls(child, mum.pk)
    for url in urls:
        for method in ("get", "post") if "history" not in url else ("get",):
            response = getattr(client, method)(url, {"reason": "x", "sex": "M"})
            assert response.status_code == 403, (url, method)
            assert "Ask the front door to correct a child's details" in response.text
            assert "Amelia" not in response.text
    # Each attempt is audited as refused; none is recorded as a view.
    assert AuditEvent.objects.filter(actor=user, child=child, action=Action.DENIED).count() == 13
    assert not AuditEvent.objects.filter(actor=user, child=child, action=Action.VIEW).exists()
    child.refresh_from_db()
    assert child.sex == "F"
    mum.refresh_from_db()
    assert mum.ended_on is None


def test_a_child_that_does_not_exist_is_404(front_door, entitled, as_user) -> None:
    assert as_user(front_door).get(reverse("people:amend-details", args=[999999])).status_code == 404
    assert as_user(entitled).get(reverse("people:amend-details", args=[999999])).status_code == 404


def test_change_links_only_for_those_who_may(child, mum, front_door, entitled, as_user) -> None:
    record = reverse("people:record", args=[child.pk])
    page = as_user(front_door).get(record).text
    assert reverse("people:amend-details", args=[child.pk]) + "#id_dob_day" in page
    assert 'Change<span class="govuk-visually-hidden"> date of birth</span>' in page
    assert reverse("people:relationship-end", args=[child.pk, mum.pk]) in page
    assert reverse("people:details-history", args=[child.pk]) in page
    page = as_user(entitled).get(record).text
    assert "govuk-summary-list__actions" not in page
    assert reverse("people:amend-details", args=[child.pk]) not in page


# --- Views: forms -------------------------------------------------------------------------------


def details_post(child, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "dob_day": "1",
        "dob_month": "6",
        "dob_year": "2015",
        "sex": "F",
        "ethnicity": "NOBT",
        "nhs_number": "",
        "upn": "",
        "reason": "Checked with the school",
    }
    data.update(overrides)
    return data


def test_amend_details_page_changes_and_shows_the_banner(child, front_door, as_user) -> None:
    client = as_user(front_door)
    url = reverse("people:amend-details", args=[child.pk])
    page = client.get(url).text
    assert 'name="dob_day" type="text" inputmode="numeric" value="1"' in page  # today's values filled in
    response = client.post(url, details_post(child, dob_day="2", disabilities=["HEAR"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:record", args=[child.pk])
    assert "The child&#x27;s details have been changed" in response.text
    assert "govuk-notification-banner--success" in response.text
    child.refresh_from_db()
    assert (child.date_of_birth, child.disabilities) == (dt.date(2015, 6, 2), ["HEAR"])


def test_a_rejected_details_form_keeps_what_was_typed(child, front_door, as_user) -> None:
    url = reverse("people:amend-details", args=[child.pk])
    response = as_user(front_door).post(
        url, details_post(child, dob_day="31", dob_month="2", nhs_number="943 476 5918", upn="A1", reason="")
    )
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert "Date of birth must be a real date" in text
    assert "Enter the reason for the change" in text
    assert 'value="31"' in text and 'value="943 476 5918"' in text and 'value="A1"' in text
    assert '<a href="#id_dob_day">' in text
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2015, 6, 1)


def test_the_service_errors_show_beside_their_questions(child, front_door, as_user) -> None:
    response = as_user(front_door).post(
        reverse("people:amend-details", args=[child.pk]), details_post(child, nhs_number="943 476 5918")
    )
    assert '<a href="#id_nhs_number">Enter a valid NHS number, like 943 476 5919</a>' in response.text
    response = as_user(front_door).post(reverse("people:amend-details", args=[child.pk]), details_post(child))
    assert "Nothing has changed: change at least one detail, or cancel" in response.text


def test_name_pages(child, front_door, as_user) -> None:
    client = as_user(front_door)
    response = client.post(
        reverse("people:name-add", args=[child.pk]),
        {"kind": "preferred", "first_name": "Millie", "last_name": "Jones", "reason": "What she likes to be called"},
        follow=True,
    )
    assert "Known as added" in response.text
    assert "Millie Jones" in response.text
    response = client.post(
        reverse("people:name-change", args=[child.pk]),
        {"first_name": "Amelia", "last_name": "", "reason": ""},
    )
    assert "Enter the last name" in response.text and "Enter the reason for the change of name" in response.text
    assert 'name="first_name" type="text" value="Amelia"' in response.text
    response = client.post(
        reverse("people:name-change", args=[child.pk]),
        {"first_name": "Amelia", "last_name": "Okafor", "reason": "Adoption order"},
        follow=True,
    )
    assert "The child&#x27;s legal name has been changed" in response.text
    assert '<h1 class="govuk-heading-l">Amelia Okafor</h1>' in response.text


def test_address_page_keeps_typed_values_then_records_the_move(child, home, front_door, as_user) -> None:
    client = as_user(front_door)
    url = reverse("people:address-move", args=[child.pk])
    assert "14 Ashgrove Close, Brookford, BK3 4QT" in client.get(url).text
    data = {"line1": "Flat 6 Heron Court", "town": "Brookford", "postcode": "BK4 1DS"}
    response = client.post(url, {**data, "moved_in_day": "30", "moved_in_month": "4", "moved_in_year": "2020"})
    assert "when they moved into their current address" in response.text
    assert 'value="Flat 6 Heron Court"' in response.text and 'value="30"' in response.text
    response = client.post(
        url, {**data, "moved_in_day": "14", "moved_in_month": "2", "moved_in_year": "2025"}, follow=True
    )
    assert "The child&#x27;s new address has been recorded" in response.text
    text = response.text
    assert text.index("Flat 6 Heron Court") < text.index("14 Ashgrove Close")  # current first
    assert "14 February 2025" in text


def test_relationship_pages(child, sibling, front_door, as_user) -> None:
    client = as_user(front_door)
    url = reverse("people:relationship-add", args=[child.pk])
    response = client.post(
        url, {"party": "child", "la_child_id": "NOPE", "relationship": "sibling", "lives_with_child": "yes"}
    )
    assert "No child whose record you can open has this LA child ID" in response.text
    assert "Select yes if they have parental responsibility for the child" in response.text
    assert 'value="NOPE"' in response.text
    response = client.post(
        url,
        {
            "party": "child",
            "la_child_id": sibling.la_child_id.lower(),
            "relationship": "sibling",
            "lives_with_child": "yes",
            "parental_responsibility": "no",
        },
        follow=True,
    )
    assert "The family or household member has been added" in response.text
    rel = Relationship.objects.get(child=child)
    assert Relationship.objects.filter(child=sibling, related_child=child).exists()

    end_url = reverse("people:relationship-end", args=[child.pk, rel.pk])
    page = client.get(end_url).text
    assert "Are you sure Jack Jones has left the household?" in page
    response = client.post(end_url, {"reason": "Moved out"})
    assert "Enter the date they left" in response.text and 'value="Moved out"' not in response.text
    assert "Moved out</textarea>" in response.text
    yesterday = TODAY() - timedelta(days=1)
    response = client.post(
        end_url,
        {
            "ended_day": yesterday.day,
            "ended_month": yesterday.month,
            "ended_year": yesterday.year,
            "reason": "Moved out",
        },
        follow=True,
    )
    assert "Jack Jones has been recorded as having left the household" in response.text
    assert "No family or household members recorded." in response.text


def test_the_history_lists_changes_newest_first(
    child, home, front_door, as_user, django_assert_max_num_queries
) -> None:
    child_identity_amend(child=child, changes={"sex": "M"}, reason="Typed wrongly", by=front_door)
    child_address_move(
        child=child,
        line1="2 Low Road",
        town="Brookford",
        postcode="BK2 2BB",
        moved_in=dt.date(2025, 1, 5),
        by=front_door,
    )
    for i in range(30):
        child_name_add(
            child=child, first_name=f"Alias{i}", last_name="Jones", kind="alias", reason="Police record", by=front_door
        )
    client = as_user(front_door)
    url = reverse("people:details-history", args=[child.pk])
    with django_assert_max_num_queries(17):  # the same for 1 change or 25 (and the unread notifications count)
        page = client.get(url).text
    assert "Changes to this child's details" in page
    assert "Alias29 Jones" in page and "Alias0 Jones" not in page  # newest first, 25 a page
    page = client.get(url + "?page=2").text
    assert page.index("Moved to a new address") < page.index("Details corrected")
    assert "Typed wrongly" in page
    assert "Female" in page and "Male" in page  # sex before and after
    assert "Flat" not in page and "2 Low Road, Brookford, BK2 2BB" in page
    assert "5 January 2025" in page
