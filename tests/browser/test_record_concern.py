"""A school DSL records a concern in the browser: a rejected form keeps everything typed, the
body map follows the ticked boxes, and the concern lands in the child's record."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.concerns.models import Concern

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dsl_records_a_concern_after_fixing_a_rejected_form(signed_in_page, live_server, entitled, child):
    page = signed_in_page(entitled)
    page.goto(f"{live_server.url}/children/{child.pk}/concerns/new/")
    expect(page.get_by_role("heading", name="Record a concern")).to_be_visible()

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.get_by_label("Day").fill(str(yesterday.day))
    page.get_by_label("Month").fill(str(yesterday.month))
    page.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time it happened").fill("14:30")
    # "What did you see or hear?" is left empty.
    page.get_by_label("The child's own words (optional)").fill("Daddy grabbed me")
    page.get_by_role("checkbox", name="Physical abuse").check()
    page.get_by_role("checkbox", name="Domestic abuse").check()
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_label("What action have you taken?").fill("Told the DSL; called the front door")
    page.get_by_role("checkbox", name="Left arm").check()
    expect(page.locator("#body-map-left_arm")).to_have_class("app-body-map__region app-body-map__region--marked")
    page.locator("#body-map-upper_back").click()  # clicking the map ticks the box too
    expect(page.get_by_role("checkbox", name="Upper back")).to_be_checked()

    page.get_by_role("button", name="Record concern").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Enter what you saw or heard")).to_be_visible()
    assert not Concern.objects.exists()
    expect(page.get_by_label("Day")).to_have_value(str(yesterday.day))
    expect(page.get_by_label("Time it happened")).to_have_value("14:30")
    expect(page.get_by_label("The child's own words (optional)")).to_have_value("Daddy grabbed me")
    expect(page.get_by_label("What action have you taken?")).to_have_value("Told the DSL; called the front door")
    expect(page.get_by_role("checkbox", name="Physical abuse")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Domestic abuse")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Neglect")).not_to_be_checked()
    expect(page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Left arm")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Upper back")).to_be_checked()
    expect(page.locator("#body-map-upper_back")).to_have_class("app-body-map__region app-body-map__region--marked")

    summary.get_by_role("link", name="Enter what you saw or heard").click()
    expect(page.get_by_label("What did you see or hear?")).to_be_focused()
    page.get_by_label("What did you see or hear?").fill("Finger-shaped bruises on her upper arm at drop-off")
    page.get_by_role("button", name="Record concern").click()

    page.wait_for_url(f"{live_server.url}/children/{child.pk}/")
    expect(page.get_by_text("Concern recorded")).to_be_visible()
    expect(page.get_by_text("Finger-shaped bruises on her upper arm at drop-off")).to_be_visible()
    concern = Concern.objects.get()
    assert concern.author == entitled
    assert concern.categories == ["domestic_abuse", "physical_abuse"]
    assert concern.injury_locations == ["left_arm", "upper_back"]
    assert concern.childs_words == "Daddy grabbed me"
