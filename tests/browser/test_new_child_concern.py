"""A GP records a concern about a child the index does not seem to know: the search finds
nobody, the GP describes the child and the concern, and is shown a child already in the
index who may be the same (similar name, same date of birth). Choosing "none of these"
adds a new child; choosing the child shown records against that child, and no new child is
created."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.concerns.models import ChronologyEntry, Concern
from safeguarding.people.codes import Sex
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create

pytestmark = pytest.mark.django_db(transaction=True)

WHAT = "Aimee told me her stepdad locks her in her room without food"
ACTION = "Examined her; no injuries seen. Called the front door"


@pytest.fixture
def amy(db: Any) -> Child:
    """A child already in the index, at her old address; no agency of the GP's knows her."""
    return child_create(
        data=NewChild(
            first_name="Amy",
            last_name="Jones",
            date_of_birth=dt.date(2015, 3, 27),
            sex=Sex.FEMALE,
            address_line1="12 Mill Lane",
            town="Riverside",
            postcode="RV1 2AB",
        ),
        by=None,
    )


def _search_finds_nobody_then_describe_the_child(page: Any, live_server: Any) -> str:
    """Search at the new address, find nobody, follow the empty state's link, fill in the
    child and the concern, and continue. Returns the date the concern was about."""
    page.get_by_role("link", name="Find a child").first.click()
    page.get_by_label("Name", exact=True).fill("Aimee Jones")
    page.get_by_label("Postcode").fill("RV9 9ZZ")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No children match your search")).to_be_visible()
    page.get_by_role("link", name="record a concern about a child not in the index").click()
    page.wait_for_url(f"{live_server.url}/concerns/new/")
    expect(page.get_by_role("heading", name="Record a concern about a child not in the index")).to_be_visible()

    page.get_by_label("First name").fill("Aimee")
    page.get_by_label("Last name").fill("Jones")
    born = page.get_by_role("group", name="Has the child been born?")
    born.get_by_label("Yes", exact=True).check()
    dob = page.locator("#conditional-born-yes")
    dob.get_by_label("Day").fill("27")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("2015")
    page.get_by_role("radio", name="Female").check()
    page.get_by_label("Address line 1 (optional)").fill("Flat 3, 40 Station Road")
    page.get_by_label("Town or city (optional)").fill("Riverside")
    page.get_by_label("Postcode (optional)").fill("RV9 9ZZ")

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    occurred = page.locator("#occurred")
    occurred.get_by_label("Day").fill(str(yesterday.day))
    occurred.get_by_label("Month").fill(str(yesterday.month))
    occurred.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time it happened").fill("10:40")
    page.get_by_label("What did you see or hear?").fill(WHAT)
    page.get_by_label("The child's own words (optional)").fill("He says I'm naughty so I don't get tea")
    page.get_by_role("checkbox", name="Neglect").check()
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_label("What action have you taken?").fill(ACTION)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Is this the same child?")).to_be_visible()
    expect(page.get_by_text("You described Aimee Jones, born 27 March 2015, RV9 9ZZ.")).to_be_visible()
    matches = page.locator(".govuk-summary-card")
    expect(matches).to_have_count(1)
    expect(matches.get_by_role("heading", name="Amy Jones")).to_be_visible()
    expect(matches.get_by_text("27 March 2015")).to_be_visible()
    expect(matches.get_by_text("RV1 2AB")).to_be_visible()
    # The linkage model's reasons: the same surname and date of birth, a different first name
    # and area; less likely, but shown to check before a second record is made.
    expect(matches.get_by_text("Less likely, but check before adding a new child")).to_be_visible()
    expect(matches.get_by_role("cell", name="Same date of birth")).to_be_visible()
    expect(matches.get_by_role("cell", name="Different area")).to_be_visible()
    return str(yesterday)


def test_none_of_these_adds_a_new_child_with_the_concern(signed_in_page, live_server, other_agency, gp, amy):
    page = signed_in_page(other_agency)
    _search_finds_nobody_then_describe_the_child(page, live_server)
    assert Child.objects.count() == 1 and not Concern.objects.exists()  # nothing saved yet

    page.get_by_role("button", name="None of these: create a new child record").click()

    page.wait_for_url(re.compile(r"/children/\d+/$"))
    aimee = Child.objects.exclude(pk=amy.pk).get()
    assert page.url == f"{live_server.url}/children/{aimee.pk}/"
    assert (aimee.display_name, aimee.date_of_birth, aimee.sex) == ("Aimee Jones", dt.date(2015, 3, 27), Sex.FEMALE)
    expect(page.locator(".govuk-notification-banner").get_by_text("Concern recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Aimee Jones", level=1)).to_be_visible()
    expect(page.get_by_text("Flat 3, 40 Station Road")).to_be_visible()
    chronology = page.locator("#chronology-results")
    expect(chronology.get_by_text(WHAT)).to_be_visible()
    expect(chronology.get_by_role("cell", name="Castle Street Surgery", exact=True)).to_be_visible()

    assert Child.objects.count() == 2
    concern = Concern.objects.get()
    assert (concern.child, concern.author, concern.agency) == (aimee, other_agency, gp)
    assert concern.childs_words == "He says I'm naughty so I don't get tea"
    assert not ChronologyEntry.objects.filter(child=amy).exists()


def test_choosing_the_child_shown_records_against_that_child(signed_in_page, live_server, other_agency, gp, amy):
    page = signed_in_page(other_agency)
    occurred_on = _search_finds_nobody_then_describe_the_child(page, live_server)

    # The child's name is visually hidden in the button; the browser reads it as a separate run.
    page.get_by_role("button", name=re.compile(r"^Yes, record against this child\s*: Amy Jones$")).click()

    # What was typed comes across for checking; the GP may record, though not yet read her record.
    page.wait_for_url(f"{live_server.url}/children/{amy.pk}/concerns/new/")
    expect(page.get_by_role("heading", name="Record a concern")).to_be_visible()
    expect(page.get_by_text("Amy Jones, born 27 March 2015")).to_be_visible()
    expect(page.get_by_text("Check what you typed, then record the concern.")).to_be_visible()
    expect(page.get_by_text("You do not have a working relationship with this child yet")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_label("What did you see or hear?")).to_have_value(WHAT)
    expect(page.get_by_label("Time it happened")).to_have_value("10:40")
    expect(page.get_by_role("checkbox", name="Neglect")).to_be_checked()
    expect(page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No")).to_be_checked()
    expect(page.get_by_label("What action have you taken?")).to_have_value(ACTION)
    assert not Concern.objects.exists()

    page.get_by_role("button", name="Record concern").click()

    page.wait_for_url(f"{live_server.url}/children/{amy.pk}/")
    expect(page.locator(".govuk-notification-banner").get_by_text("Concern recorded")).to_be_visible()
    expect(page.get_by_role("heading", name="Amy Jones", level=1)).to_be_visible()
    expect(page.locator("#chronology-results").get_by_text(WHAT)).to_be_visible()

    assert Child.objects.count() == 1  # no new child
    concern = Concern.objects.get()
    assert (concern.child, concern.author, concern.agency) == (amy, other_agency, gp)
    assert str(timezone.localdate(concern.occurred_at)) == occurred_on
