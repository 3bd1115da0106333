"""The child search, the child's record with its chronology, the PDF print and break-glass.

Each view is tested with the three personas: `entitled` (school DSL, child on the roll),
`other_agency` (GP, no relationship) and `outsider` (no agency); plus `front_door`, whose
role covers the whole local authority.
"""

import datetime as dt
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AgencyKind, BreakGlassAccess
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.models import (
    Address,
    ChildAddress,
    ChildStatus,
    NameKind,
    SchoolEnrolment,
    StatusPeriod,
)
from safeguarding.people.services import name_row
from safeguarding.people.tests.helpers import concern, police, police_incident, police_officer, share
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

__all__ = ["police", "police_officer"]  # fixtures

SEARCH = "/children/"


def record_url(child) -> str:
    return reverse("people:record", args=[child.pk])


def pdf_url(child) -> str:
    return reverse("people:chronology-pdf", args=[child.pk])


def glass_url(child) -> str:
    return reverse("people:break-glass", args=[child.pk])


def events(action, child=None, actor=None):
    qs = AuditEvent.objects.filter(action=action)
    if child is not None:
        qs = qs.filter(child=child)
    if actor is not None:
        qs = qs.filter(actor=actor)
    return qs


# --- Search -------------------------------------------------------------------------------


@pytest.fixture
def jayden(db, school):
    c = ChildFactory(display_name="Jayden Smyth", date_of_birth=dt.date(2014, 3, 9), nhs_number="4010232137")
    address = Address.objects.create(line1="12 Mill Lane", town="Riverton", postcode="RV1 2AB")
    ChildAddress.objects.create(child=c, address=address, moved_in=dt.date(2019, 1, 1))
    SchoolEnrolment.objects.create(child=c, school=school, started_on=dt.date(2019, 9, 1))
    c.current_postcode = "RV1 2AB"
    c.upn = "A123456789012"
    c.save(update_fields=["current_postcode", "upn"])
    return c


def test_search_form_is_shown_without_searching(as_user, entitled):
    response = as_user(entitled).get(SEARCH)
    assert response.status_code == 200
    assert "Find a child" in response.text
    assert 'name="dob_day"' in response.text
    assert not events(Action.SEARCH).exists()  # nothing searched, nothing audited


@pytest.mark.parametrize(
    "typed",
    ["Jaiden Smith", "Smith Jayden", "jayden smyth", "Jayden Smythe"],
    ids=["typo", "swapped", "lower-case", "extra-letter"],
)
def test_search_finds_child_despite_spelling(as_user, entitled, jayden, typed):
    response = as_user(entitled).get(SEARCH, {"name": typed})
    assert response.status_code == 200
    assert "Jayden Smyth" in response.text
    assert record_url(jayden) in response.text


def test_search_nickname_finds_formal_name(as_user, entitled, db):
    ChildFactory(display_name="Alexander Brown", date_of_birth=dt.date(2012, 5, 5))
    response = as_user(entitled).get(SEARCH, {"name": "Alex Brown"})
    assert "Alexander Brown" in response.text


def test_search_former_surname_finds_child_and_shows_the_name_that_matched(as_user, entitled, db):
    lily = ChildFactory(display_name="Lily Evans")
    name_row(child=lily, first_name="Lily", last_name="Potter", kind=NameKind.FORMER).save()
    response = as_user(entitled).get(SEARCH, {"name": "Lily Potter"})
    assert "Lily Evans" in response.text
    assert "Former name: Lily Potter" in response.text


def test_search_by_identifier_is_exact(as_user, entitled, jayden):
    client = as_user(entitled)
    assert "Jayden Smyth" in client.get(SEARCH, {"identifier": "401 023 2137"}).text
    assert "Jayden Smyth" in client.get(SEARCH, {"identifier": "a123456789012"}).text
    assert "Jayden Smyth" in client.get(SEARCH, {"identifier": jayden.la_child_id}).text
    missed = client.get(SEARCH, {"identifier": "4505577104"})
    assert "Jayden Smyth" not in missed.text
    assert "No children match your search" in missed.text


def test_search_results_show_only_what_tells_children_apart(as_user, entitled, jayden):
    response = as_user(entitled).get(SEARCH, {"name": "Jayden Smyth"})
    text = response.text
    assert "Jayden Smyth" in text
    assert "9 March 2014" in text
    assert "RV1 2AB" in text
    assert "Riverside Primary School" in text
    assert "Name 100% similar" in text
    # Not identifiers, not the street, not anything from the record.
    for hidden in ("4010232137", "401 023 2137", "A123456789012", jayden.la_child_id, "12 Mill Lane", "Female"):
        assert hidden not in text


def test_search_results_list_the_current_school_and_postcode_per_child(as_user, entitled, jayden, db):
    other = ChildFactory(display_name="Jayden Smith", date_of_birth=dt.date(2016, 1, 2))
    response = as_user(entitled).get(SEARCH, {"name": "Jayden Smith"})
    assert response.text.index("Jayden Smith<") < response.text.index("Jayden Smyth<")  # exact first
    assert record_url(other) in response.text


def test_every_search_is_audited(as_user, entitled, jayden):
    as_user(entitled).get(SEARCH, {"name": "Jaiden Smith", "dob_day": "9", "dob_month": "3", "dob_year": "2014"})
    event = events(Action.SEARCH, actor=entitled).get()
    assert event.detail["name"] == "Jaiden Smith"
    assert event.detail["date_of_birth"] == "2014-03-09"
    assert event.detail["results"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dob_day": "31", "dob_month": "2", "dob_year": "2015"}, "Date of birth must be a real date"),
        ({"dob_day": "3", "dob_month": "2", "dob_year": ""}, "Date of birth must include a year"),
        ({"dob_day": "", "dob_month": "2", "dob_year": ""}, "Date of birth must include a day and year"),
        ({"dob_day": "3", "dob_month": "2", "dob_year": "15"}, "Year must include 4 numbers"),
        ({"dob_day": "x", "dob_month": "2", "dob_year": "2015"}, "Date of birth must be a real date"),
        ({"identifier": "943476591"}, "An NHS number must be 10 digits"),
        ({"name": "", "postcode": ""}, "Enter at least one detail about the child to search for"),
        ({"postcode": "?"}, "Enter a real postcode"),
    ],
)
def test_search_validation_errors_are_shown_gov_uk_style(as_user, entitled, params, message):
    response = as_user(entitled).get(SEARCH, {"name": "", **params})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert response.text.count(message) == 2  # in the error summary and beside the field
    assert "<title>Error: Find a child - " in response.text
    assert not events(Action.SEARCH).exists()


def test_rejected_search_keeps_what_was_typed(as_user, entitled):
    response = as_user(entitled).get(
        SEARCH, {"name": "Jaiden Smith", "dob_day": "31", "dob_month": "2", "dob_year": "2015"}
    )
    assert 'value="Jaiden Smith"' in response.text
    assert 'value="31"' in response.text
    assert 'href="#id_dob_day"' in response.text


def test_search_empty_state_offers_a_concern_about_a_child_not_in_the_index(as_user, entitled, db):
    response = as_user(entitled).get(SEARCH, {"name": "Zebedee Quartermaine"})
    assert "No children match your search" in response.text
    assert "record a concern about a child not in the index" in response.text
    assert 'href="/concerns/new/"' in response.text


def test_search_by_school(as_user, entitled, jayden, school, db):
    ChildFactory(display_name="Jayden Smyth-Other")
    response = as_user(entitled).get(SEARCH, {"name": "Jayden Smyth", "school": str(school.pk)})
    assert "Jayden Smyth" in response.text
    assert "Smyth-Other" not in response.text
    assert f'value="{school.pk}" selected' in response.text


def test_search_by_postcode_alone(as_user, entitled, jayden):
    response = as_user(entitled).get(SEARCH, {"postcode": "rv12ab"})
    assert "Jayden Smyth" in response.text


def test_practitioner_of_another_agency_may_search_the_index(as_user, other_agency, jayden):
    response = as_user(other_agency).get(SEARCH, {"name": "Jayden Smyth"})
    assert response.status_code == 200
    assert "Jayden Smyth" in response.text


def test_outsider_cannot_search(as_user, outsider, jayden):
    response = as_user(outsider).get(SEARCH, {"name": "Jayden Smyth"})
    assert response.status_code == 403
    assert "Jayden Smyth" not in response.text
    assert not events(Action.SEARCH).exists()


def test_search_needs_sign_in(client, jayden):
    response = client.get(SEARCH, {"name": "Jayden Smyth"})
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_search_query_count_does_not_grow_with_results(as_user, entitled, school, django_assert_max_num_queries):
    client = as_user(entitled)
    for i in range(3):
        ChildFactory(display_name=f"Jayden Smyth{'e' * i}")
    client.get(SEARCH, {"name": "Jayden Smyth"})  # warm the session and user caches
    with django_assert_max_num_queries(21) as few:  # 21: with the navigation's unread notifications count
        client.get(SEARCH, {"name": "Jayden Smyth"})
    for i in range(3, 20):
        c = ChildFactory(display_name=f"Jayden Smyth{'e' * (i % 4)}")
        SchoolEnrolment.objects.create(child=c, school=school, started_on=dt.date(2020, 9, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SEARCH, {"name": "Jayden Smyth"})
    assert response.text.count("Riverside Primary School") >= 17


# --- The record ----------------------------------------------------------------------------


@pytest.fixture
def two_agency_chronology(child, entitled, police, police_officer, front_door):
    """A school concern, two police incidents (one shared with the school), a social care concern."""
    school_entry = concern(child, entitled, days_ago=1, what="Came to school hungry and tired", categories=("neglect",))
    shared = police_incident(child, police, days_ago=3, summary="Shared: officers attended a domestic incident")
    private = police_incident(child, police, days_ago=5, summary="Not shared: intelligence report", by=police_officer)
    share(shared, entitled.agency, police_officer)
    sc = concern(child, front_door, days_ago=7, what="Strategy discussion notes held", categories=("domestic_abuse",))
    return {"school": school_entry, "shared": shared, "private": private, "social_care": sc}


def test_entitled_sees_identity_and_only_their_agencys_and_shared_entries(
    as_user, entitled, child, two_agency_chronology
):
    response = as_user(entitled).get(record_url(child))
    assert response.status_code == 200
    text = response.text
    assert "Amelia Jones" in text
    assert child.la_child_id in text
    assert "Came to school hungry and tired" in text
    assert "Shared: officers attended a domestic incident" in text
    assert "Not shared: intelligence report" not in text
    assert "Strategy discussion notes held" not in text
    # The inset says who else holds information, as the issue asks.
    assert "govuk-inset-text" in text
    assert "Other agencies hold information about this child" in text
    assert "County Police" in text
    assert "Children&#x27;s Social Care" in text
    event = events(Action.VIEW, child=child, actor=entitled).get()
    assert event.detail == {"what": "record", "basis": "agency"}


def test_front_door_sees_the_whole_chronology_newest_first(as_user, front_door, child, two_agency_chronology):
    response = as_user(front_door).get(record_url(child))
    assert response.status_code == 200
    text = response.text
    order = [
        "Came to school hungry and tired",
        "Shared: officers attended a domestic incident",
        "Not shared: intelligence report",
        "Strategy discussion notes held",
    ]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Other agencies hold information" not in text
    assert "Showing 1 to 4 of 4 entries" in text
    assert "Police incident" in text  # the kind label
    assert "Neglect" in text  # category tag label


def test_other_agency_is_refused_without_seeing_who_the_child_is(as_user, other_agency, child, two_agency_chronology):
    response = as_user(other_agency).get(record_url(child))
    assert response.status_code == 403
    assert "You do not have a working relationship with this child" in response.text
    assert "Amelia Jones" not in response.text
    assert "hungry" not in response.text
    assert glass_url(child) in response.text  # a GP may ask for emergency access
    assert not events(Action.VIEW, child=child).exists()


def test_refusal_of_the_record_is_audited(as_user, other_agency, outsider, child):
    as_user(other_agency).get(record_url(child))
    as_user(outsider).get(record_url(child))
    assert events(Action.DENIED, child=child, actor=other_agency).get().detail == {"what": "record"}
    assert events(Action.DENIED, child=child, actor=outsider).exists()


def test_outsider_is_refused_and_offered_no_emergency_access(as_user, outsider, child):
    response = as_user(outsider).get(record_url(child))
    assert response.status_code == 403
    assert "Amelia Jones" not in response.text
    assert glass_url(child) not in response.text


def test_unknown_child_is_not_found(as_user, front_door):
    assert as_user(front_door).get("/children/999999/").status_code == 404


def test_identity_panel_shows_names_identifiers_family_status_and_agencies(as_user, front_door, child, school, db):
    from safeguarding.people.models import Person, Relationship

    child.nhs_number = "9434765919"
    child.disabilities = ["LD", "AUT"]
    child.save(update_fields=["nhs_number", "disabilities"])
    name_row(child=child, first_name="Millie", last_name="Jones", kind=NameKind.PREFERRED).save()
    address = Address.objects.create(line1="4 Hill Road", town="Riverton", postcode="RV2 9ZZ")
    ChildAddress.objects.create(child=child, address=address, moved_in=dt.date(2020, 2, 1))
    SchoolEnrolment.objects.create(child=child, school=school, started_on=dt.date(2019, 9, 1))
    mum = Person.objects.create(first_name="Sarah", last_name="Jones", date_of_birth=dt.date(1990, 1, 1))
    Relationship.objects.create(child=child, person=mum, relationship="mother", parental_responsibility=True)
    sibling = ChildFactory(display_name="Tom Jones")
    Relationship.objects.create(child=child, related_child=sibling, relationship="sibling")
    StatusPeriod.objects.create(
        child=child, status=ChildStatus.CHILD_PROTECTION_PLAN, started_on=dt.date(2025, 3, 3), category="NEG"
    )
    StatusPeriod.objects.create(
        child=child, status=ChildStatus.CHILD_IN_NEED, started_on=dt.date(2024, 1, 1), ended_on=dt.date(2025, 3, 2)
    )
    text = as_user(front_door).get(record_url(child)).text
    assert "Millie Jones" in text and "known as" in text
    assert "943 476 5919" in text
    assert "LD (Learning)" in text and "AUT (Autism or Asperger syndrome)" in text
    assert "4 Hill Road, Riverton, RV2 9ZZ" in text
    assert "Sarah Jones" in text and "Mother" in text
    assert record_url(sibling) in text
    assert "Child protection plan since 3 March 2025 (category: neglect)" in text
    assert "Child in need since" not in text  # ended
    assert "Riverside Primary School" in text
    assert "On the school or setting roll" in text


def test_unborn_child_shows_expected_date(as_user, front_door, db):
    unborn = ChildFactory(display_name="Baby Jones", date_of_birth=None, expected_date_of_birth=dt.date(2026, 9, 1))
    text = as_user(front_door).get(record_url(unborn)).text
    assert "Expected date of birth" in text
    assert "1 September 2026 (unborn)" in text


def test_record_links_to_record_a_concern_and_hides_audit_link_from_practitioners(as_user, entitled, child):
    text = as_user(entitled).get(record_url(child)).text
    assert f"/children/{child.pk}/concerns/new/" in text
    assert "Who has looked at this record" not in text


def test_record_links_to_who_has_looked_for_those_who_may_view_the_audit(as_user, child, social_care):
    manager = UserFactory(
        username="manager",
        agency=social_care,
        role=RoleFactory(key="team-manager", covers_whole_la=True, may_view_audit=True),
    )
    text = as_user(manager).get(record_url(child)).text
    assert "Who has looked at this record" in text
    assert reverse("audit:child", args=[child.pk]) in text


def test_record_shows_immediate_danger_and_amended_tags(as_user, front_door, child, entitled):
    from safeguarding.concerns.models import Concern
    from safeguarding.concerns.services import concern_amend

    entry = concern(child, entitled, immediate_danger=True, what="Disclosed being hit")
    concern_amend(
        concern=Concern.objects.get(pk=entry.source_id),
        changes={"what_happened": "Disclosed being hit with a belt"},
        reason="Typo",
        by=entitled,
    )
    text = as_user(front_door).get(record_url(child)).text
    assert "Immediate danger" in text
    assert "Amended" in text
    assert "Disclosed being hit with a belt" in text


# --- Filters, htmx and pagination -------------------------------------------------------------


def test_filter_by_agency(as_user, front_door, child, police, two_agency_chronology):
    text = as_user(front_door).get(record_url(child), {"agency": str(police.pk)}).text
    assert "Shared: officers attended" in text
    assert "Not shared: intelligence report" in text
    assert "Came to school hungry" not in text
    assert "filtered by agency: County Police" in text
    assert f'value="{police.pk}" checked' in text


def test_agency_choices_are_only_agencies_whose_entries_the_user_may_see(
    as_user, entitled, child, two_agency_chronology
):
    text = as_user(entitled).get(record_url(child)).text
    form = text[text.index("Filter the chronology") :]
    assert "County Police" in form  # the shared entry
    assert "Children&#x27;s Social Care" not in form[: form.index("Type of entry")]


def test_filter_by_kind_category_and_dates(as_user, front_door, child, two_agency_chronology):
    client = as_user(front_door)
    text = client.get(record_url(child), {"kind": "police_incident"}).text
    assert "Showing 1 to 2 of 2 entries" in text
    text = client.get(record_url(child), {"category": "neglect"}).text
    assert "Showing 1 to 1 of 1 entry" in text and "hungry" in text
    day = timezone.localdate() - timedelta(days=5)
    text = client.get(
        record_url(child),
        {
            "from_day": day.day,
            "from_month": day.month,
            "from_year": day.year,
            "to_day": "",
            "to_month": "",
            "to_year": "",
        },
    ).text
    assert "Showing 1 to 3 of 3 entries" in text
    assert "Strategy discussion notes held" not in text


def test_invalid_filters_are_explained_and_not_applied(as_user, front_door, child, two_agency_chronology):
    response = as_user(front_door).get(
        record_url(child), {"from_day": "30", "from_month": "2", "from_year": "2024", "agency": "999999"}
    )
    assert response.status_code == 200
    assert "The from date must be a real date" in response.text
    assert "Select an agency from the list" in response.text
    assert "Showing 1 to 4 of 4 entries" in response.text


def test_to_date_before_from_date_is_an_error(as_user, front_door, child, two_agency_chronology):
    response = as_user(front_door).get(
        record_url(child),
        {"from_day": "2", "from_month": "2", "from_year": "2025", "to_day": "1", "to_month": "2", "to_year": "2025"},
    )
    assert "The to date must be the same as or after the from date" in response.text


def test_no_entries_match_filters_empty_state(as_user, front_door, child, two_agency_chronology):
    text = as_user(front_door).get(record_url(child), {"category": "fgm"}).text
    assert "No entries match these filters" in text


def test_empty_chronology_empty_state(as_user, entitled, child):
    text = as_user(entitled).get(record_url(child)).text
    assert "There are no entries in the chronology that you can see yet" in text


def test_htmx_filter_returns_only_the_results(as_user, front_door, child, police, two_agency_chronology):
    response = as_user(front_door).get(
        record_url(child),
        {"agency": str(police.pk)},
        headers={"HX-Request": "true", "HX-Target": "chronology-results"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Identity" not in response.text and "Who the child is" not in response.text
    assert "Not shared: intelligence report" in response.text
    assert "Came to school hungry" not in response.text
    assert "HX-Request" in response["Vary"]
    assert events(Action.VIEW, child=child, actor=front_door).get().detail["what"] == "chronology"


def test_htmx_filter_with_errors_swaps_the_whole_section(as_user, front_door, child, two_agency_chronology):
    response = as_user(front_door).get(
        record_url(child),
        {"from_day": "40", "from_month": "1", "from_year": "2025"},
        headers={"HX-Request": "true", "HX-Target": "chronology-results"},
    )
    assert response["HX-Retarget"] == "#chronology"
    assert "The from date must be a real date" in response.text
    assert "Filter the chronology" in response.text
    # The page title says there is an error, and the next submission swaps the whole section.
    assert "<title>Error: " in response.text
    assert 'hx-target="#chronology"' in response.text


def test_a_corrected_htmx_filter_clears_the_errors(as_user, front_door, child, two_agency_chronology):
    """After an error the form targets the whole section, so fixing it removes the error
    summary and resets the title."""
    response = as_user(front_door).get(
        record_url(child),
        {"from_day": "1", "from_month": "1", "from_year": "2020"},
        headers={"HX-Request": "true", "HX-Target": "chronology"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "There is a problem" not in response.text
    assert "<title>Error" not in response.text and "<title>" in response.text
    assert "Came to school hungry" in response.text
    assert 'hx-target="#chronology-results"' in response.text


def test_htmx_filter_for_other_agency_is_refused(as_user, other_agency, child, two_agency_chronology):
    response = as_user(other_agency).get(
        record_url(child), headers={"HX-Request": "true", "HX-Target": "chronology-results"}
    )
    assert response.status_code == 403
    assert "hungry" not in response.text


def test_chronology_is_paginated(as_user, front_door, child, entitled, monkeypatch):
    from safeguarding.people import views

    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    for i in range(7):
        concern(child, entitled, days_ago=i + 1, what=f"Entry number {i}")
    client = as_user(front_door)
    first = client.get(record_url(child)).text
    assert "Showing 1 to 5 of 7 entries" in first
    assert "govuk-pagination" in first
    assert "?page=2" in first
    second = client.get(record_url(child), {"page": "2"}).text
    assert "Showing 6 to 7 of 7 entries" in second
    assert "Entry number 6" in second and "Entry number 0" not in second


def test_filters_are_kept_in_page_links(as_user, front_door, child, entitled, monkeypatch):
    from safeguarding.people import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for i in range(3):
        concern(child, entitled, days_ago=i + 1, categories=("neglect",))
    text = as_user(front_door).get(record_url(child), {"category": "neglect"}).text
    assert "?category=neglect&amp;page=2" in text


def _entries(child, entitled, police, n):
    for i in range(n):
        if i % 2:
            police_incident(child, police, days_ago=i + 1, summary=f"Incident {i}")
        else:
            concern(child, entitled, days_ago=i + 1, what=f"Concern {i}")


def test_record_page_query_count_does_not_grow_with_entries(
    as_user, front_door, child, entitled, police, django_assert_num_queries
):
    client = as_user(front_door)
    _entries(child, entitled, police, 5)
    client.get(record_url(child))  # warm up
    with CaptureQueriesContext(connection) as five:
        assert "Showing 1 to 5 of 5" in client.get(record_url(child)).text
    _entries(child, entitled, police, 55)
    with django_assert_num_queries(len(five.captured_queries)):
        assert "Showing 1 to 60 of 60" in client.get(record_url(child)).text


def test_record_page_query_count_for_agency_practitioner(
    as_user, entitled, child, police, police_officer, django_assert_num_queries
):
    client = as_user(entitled)
    for i in range(5):
        share(police_incident(child, police, days_ago=i + 1), entitled.agency, police_officer)
    client.get(record_url(child))
    with CaptureQueriesContext(connection) as five:
        client.get(record_url(child))
    for i in range(40):
        share(police_incident(child, police, days_ago=i + 10), entitled.agency, police_officer)
        concern(child, entitled, days_ago=i + 10)
    with django_assert_num_queries(len(five.captured_queries)):
        assert "Showing 1 to 85 of 85" in client.get(record_url(child)).text


def test_record_pages_are_not_cached(as_user, entitled, child):
    response = as_user(entitled).get(record_url(child))
    assert "no-store" in response["Cache-Control"]


# --- PDF ----------------------------------------------------------------------------------------


def test_entitled_downloads_the_chronology_as_pdf_and_it_is_audited(as_user, entitled, child, two_agency_chronology):
    response = as_user(entitled).get(pdf_url(child))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith(f'attachment; filename="chronology-{child.la_child_id}-')
    assert "Amelia" not in response["Content-Disposition"]
    event = events(Action.PRINT, child=child, actor=entitled).get()
    assert event.detail == {"what": "chronology pdf", "basis": "agency"}


def test_filtered_pdf_is_smaller_than_the_whole(as_user, front_door, child, police, two_agency_chronology):
    client = as_user(front_door)
    whole = client.get(pdf_url(child)).content
    filtered = client.get(pdf_url(child), {"agency": str(police.pk), "kind": "police_incident"}).content
    assert filtered.startswith(b"%PDF")
    assert len(filtered) < len(whole)
    assert events(Action.PRINT, child=child).count() == 2


def test_other_agency_gets_no_pdf(as_user, other_agency, child, two_agency_chronology):
    response = as_user(other_agency).get(pdf_url(child))
    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")
    assert not events(Action.PRINT).exists()


def test_refusal_of_the_pdf_is_audited(as_user, other_agency, child):
    as_user(other_agency).get(pdf_url(child))
    assert events(Action.DENIED, child=child, actor=other_agency).get().detail == {"what": "chronology pdf"}


def test_outsider_gets_no_pdf(as_user, outsider, child, two_agency_chronology):
    response = as_user(outsider).get(pdf_url(child))
    assert response.status_code == 403
    assert not events(Action.PRINT).exists()


# --- Break-glass ----------------------------------------------------------------------------------


def test_other_agency_opens_emergency_access_and_sees_the_whole_record(
    as_user, other_agency, child, two_agency_chronology, settings
):
    settings.BREAK_GLASS_MINUTES = 30
    client = as_user(other_agency)
    form = client.get(glass_url(child))
    assert form.status_code == 200
    assert "Emergency access is recorded, reported to the data protection officer and lasts 30 minutes" in form.text
    assert "Amelia Jones" not in form.text

    response = client.post(glass_url(child), {"reason": "Child brought to surgery with injuries, mother absent"})
    assert response.status_code == 302
    assert response["Location"] == record_url(child)
    grant = BreakGlassAccess.objects.get(practitioner=other_agency, child=child)
    assert events(Action.BREAK_GLASS, child=child, actor=other_agency).get().reason.startswith("Child brought")

    page = client.get(record_url(child))
    assert page.status_code == 200
    until = timezone.localtime(grant.expires_at).strftime("%H:%M")
    assert f"You are using emergency access until {until}" in page.text
    assert "Not shared: intelligence report" in page.text  # the whole chronology
    assert events(Action.VIEW, child=child, actor=other_agency).get().detail["basis"] == "break_glass"


def test_emergency_access_reason_is_required_and_kept(as_user, other_agency, child):
    client = as_user(other_agency)
    response = client.post(glass_url(child), {"reason": "urgent"})
    assert response.status_code == 200
    assert "Explain why you need emergency access (at least 10 characters)" in response.text
    assert ">urgent</textarea>" in response.text
    assert "There is a problem" in response.text
    assert not BreakGlassAccess.objects.exists()
    empty = client.post(glass_url(child), {"reason": ""})
    assert "Explain why you need emergency access" in empty.text


def test_entitled_user_does_not_need_emergency_access(as_user, entitled, child):
    response = as_user(entitled).get(glass_url(child))
    assert response.status_code == 302
    assert response["Location"] == record_url(child)


def test_outsider_cannot_use_emergency_access(as_user, outsider, child):
    client = as_user(outsider)
    assert client.get(glass_url(child)).status_code == 403
    assert client.post(glass_url(child), {"reason": "I really need to see this child"}).status_code == 403
    assert not BreakGlassAccess.objects.exists()


def test_role_without_emergency_access_is_refused(as_user, child, gp):
    receptionist = UserFactory(
        username="reception", agency=gp, role=RoleFactory(key="reception", may_break_glass=False)
    )
    client = as_user(receptionist)
    response = client.post(glass_url(child), {"reason": "I really need to see this child"})
    assert response.status_code == 403
    assert "Your role does not allow emergency access" in response.text
    assert not BreakGlassAccess.objects.exists()


def test_emergency_access_to_unknown_child_is_not_found(as_user, other_agency):
    assert as_user(other_agency).get("/children/999999/emergency-access/").status_code == 404


def test_expired_emergency_access_is_refused_again(as_user, other_agency, child, time_machine, settings):
    settings.BREAK_GLASS_MINUTES = 5
    client = as_user(other_agency)
    client.post(glass_url(child), {"reason": "Child brought to surgery with injuries"})
    assert client.get(record_url(child)).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(minutes=6))
    assert client.get(record_url(child)).status_code == 403


def test_hospital_user_sees_status_inset(as_user, child, db):
    hospital = AgencyFactory(name="Riverton General Hospital", kind=AgencyKind.HOSPITAL)
    nurse = UserFactory(username="nurse", agency=hospital, role=RoleFactory(key="nurse"))
    from safeguarding.access.models import InvolvementBasis
    from safeguarding.access.services import involvement_ensure

    involvement_ensure(child=child, agency=hospital, basis=InvolvementBasis.CASELOAD)
    StatusPeriod.objects.create(child=child, status=ChildStatus.CHILD_PROTECTION_PLAN, started_on=dt.date(2025, 1, 6))
    text = as_user(nurse).get(record_url(child)).text
    inset = text[text.index("govuk-inset-text") :]
    assert "Riverside Primary School" in inset[:1000]
    assert "Child protection plan since 6 January 2025" in inset[:1500]


def test_signal_panel_links_only_to_entries_the_practitioner_may_read(
    as_user, child, entitled, front_door, police, police_officer
):
    """A signal raised by several agencies' concerns is shown to the school, but it links
    only to the school's own entries and says that others exist (need to know)."""
    school_a = concern(child, entitled, days_ago=3, what="Hungry at breakfast club", categories=("neglect",))
    school_b = concern(child, entitled, days_ago=2, what="Bruise on the arm", categories=("physical_abuse",))
    police_entry = concern(child, police_officer, days_ago=1, what="Found out late at night", categories=("missing",))

    html = as_user(entitled).get(record_url(child)).content.decode()
    assert "Concerns from several agencies" in html
    assert f'href="#entry-{school_a.pk}"' in html and f'href="#entry-{school_b.pk}"' in html
    assert f'href="#entry-{police_entry.pk}"' not in html
    assert "have not shared them with you" in html

    html = as_user(front_door).get(record_url(child)).content.decode()
    assert f'href="#entry-{police_entry.pk}"' in html
