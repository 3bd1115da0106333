"""The front door records that a child has moved: the new address is current, the old one
keeps its history with the date it ended, and the change is in "Changes to this child's
details". Every page passes axe (WCAG 2.2 AA), the rejected form included."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.models import Address, Child, ChildAddress
from tests.browser.test_accessibility import Axe, axe_source

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["axe_source"]  # fixture


def test_front_door_records_a_move_and_sees_the_history(signed_in_page, live_server, axe_source, front_door, child):
    old = Address.objects.create(line1="14 Ashgrove Close", town="Brookford", postcode="BK3 4QT")
    ChildAddress.objects.create(child=child, address=old, moved_in=dt.date(2019, 9, 1))
    Child.objects.filter(pk=child.pk).update(current_postcode="BK3 4QT")

    page = signed_in_page(front_door)
    axe = Axe(page, live_server.url, axe_source)
    axe.goto(f"/children/{child.pk}/")
    expect(page.get_by_role("heading", name="Amelia Jones", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Change date of birth")).to_be_visible()

    page.get_by_role("link", name="Record a new address").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/addresses/new/$"))
    axe.check("new address form")
    expect(page.get_by_text("14 Ashgrove Close, Brookford, BK3 4QT", exact=False)).to_be_visible()

    # A date before the current address's is refused, and what was typed stays.
    page.get_by_label("Address line 1").fill("Flat 6 Heron Court")
    page.get_by_label("Town or city").fill("Brookford")
    page.get_by_label("Postcode").fill("bk4 1ds")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("8")
    page.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Save address").click()
    axe.check("new address form, date too early", error=True)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "The date they moved in must be the same as or after 1 September 2019, "
        "when they moved into their current address"
    )
    expect(page.get_by_label("Address line 1")).to_have_value("Flat 6 Heron Court")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Day")).to_be_focused()

    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save address").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    axe.check("record after the move")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The child's new address has been recorded"
    )

    rows = page.locator("#addresses + table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Flat 6 Heron Court, Brookford, BK4 1DS")
    expect(rows.nth(0)).to_contain_text("14 February 2025")
    expect(rows.nth(0)).to_contain_text("Current")
    expect(rows.nth(1)).to_contain_text("14 Ashgrove Close, Brookford, BK3 4QT")
    expect(rows.nth(1)).to_contain_text("1 September 2019")
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("14 February 2025")

    page.get_by_role("link", name="Changes to this child's details").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/details/history/$"))
    axe.check("changes to this child's details")
    expect(page.get_by_role("heading", name="Changes to this child's details", level=1)).to_be_visible()
    moved = page.locator(".app-amendment").first
    expect(moved.get_by_role("heading", name="Moved to a new address")).to_be_visible()
    expect(moved).to_contain_text("Flat 6 Heron Court, Brookford, BK4 1DS")
    expect(moved).to_contain_text("14 Ashgrove Close, Brookford, BK3 4QT")
    expect(moved).to_contain_text(front_door.display_name)
    expect(page.get_by_role("heading", name="Moved out of an address")).to_be_visible()
    axe.assert_clean()

    assert AuditEvent.objects.filter(
        child=child, actor=front_door, action=Action.CREATE, object_type="people.childaddress"
    ).exists()


def test_every_change_form_is_accessible_empty_and_rejected(signed_in_page, live_server, axe_source, front_door, child):
    from safeguarding.people.models import Person, Relationship

    mum = Relationship.objects.create(
        child=child, person=Person.objects.create(first_name="Sarah", last_name="Jones"), relationship="mother"
    )
    page = signed_in_page(front_door)
    axe = Axe(page, live_server.url, axe_source)
    forms = {
        "details/amend/": "Save changes",
        "names/new/": "Add name",
        "name/change/": "Change legal name",
        "family/new/": "Add to family and household",
        f"family/{mum.pk}/end/": "Yes, they have left",
    }
    for path, button in forms.items():
        axe.goto(f"/children/{child.pk}/{path}")
        page.get_by_role("button", name=button).click()
        axe.check(f"{path} rejected", error=True)

    # Adding a sibling from the index: the LA child ID question appears under its answer.
    sibling = Child.objects.create(la_child_id="C7654321", display_name="Jack Jones", date_of_birth=dt.date(2013, 1, 2))
    axe.goto(f"/children/{child.pk}/family/new/")
    expect(page.get_by_label("The child's LA child ID")).to_be_hidden()
    page.get_by_label("A child in the child index").check()
    page.get_by_label("The child's LA child ID").fill("c7654321")
    page.get_by_label("Sibling", exact=True).check()
    page.locator("#id_lives_with_child").check()
    page.locator("#id_parental_responsibility-no").check()
    page.get_by_role("button", name="Add to family and household").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    expect(page.locator("#family + table")).to_contain_text("Jack Jones")
    assert Relationship.objects.filter(child=sibling, related_child=child, relationship="sibling").exists()

    # Sarah has left: confirmed, then gone from the household.
    page.get_by_role("link", name="Remove Sarah Jones: has left the household").click()
    expect(page.get_by_role("heading", name="Are you sure Sarah Jones has left the household?")).to_be_visible()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("How do you know?").fill("Mother moved to a refuge, told us by phone")
    page.get_by_role("button", name="Yes, they have left").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sarah Jones has been recorded")
    expect(page.locator("#family + table")).not_to_contain_text("Sarah Jones")
    axe.assert_clean()


def test_a_school_dsl_is_told_to_ask_the_front_door(signed_in_page, live_server, axe_source, entitled, child):
    page = signed_in_page(entitled)
    axe = Axe(page, live_server.url, axe_source)
    axe.goto(f"/children/{child.pk}/")
    expect(page.get_by_role("link", name="Record a new address")).to_have_count(0)
    response = page.goto(f"{live_server.url}/children/{child.pk}/addresses/new/")
    assert response is not None and response.status == 403
    axe.check("refused")
    expect(page.get_by_text("Ask the front door to correct a child's details")).to_be_visible()
    axe.assert_clean()
