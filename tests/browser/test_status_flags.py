"""Status flags, as NHS CP-IS gives them to unscheduled care (issue 5, item 2).

Monday 10 March 2025. Amelia Jones has been on a child protection plan since Friday 7 March;
Sam Okafor, a social worker, leads it. A GP at Castle Street Surgery, which has no working
relationship with Amelia, checks her status by NHS number: first with a mistyped number (the
GOV.UK error says what to fix, and what was typed stays), then correctly. The answer says she
is on a child protection plan, since when, who the lead social worker is and how to reach him,
and how to reach the local authority out of hours; it does not say why, and it does not open
her record.

Sam signs in: "Notifications" says one is unread; it says that Castle Street Surgery looked up
Amelia's status, and why. He marks it read, and on Amelia's record sees that the GP checked.

Every new page passes axe (WCAG 2.2 AA): the form, its error state, each kind of answer, the
refusal, and the notifications, with and without any.
"""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from safeguarding.access.models import AgencyKind
from safeguarding.people.models import ChildStatus, StatusPeriod
from safeguarding.sharing.models import FlagLookup, Notification
from safeguarding.sharing.tests.flag_helpers import PURPOSE, put_on_plan, social_worker, with_nhs
from tests.browser.journeys import at
from tests.browser.test_accessibility import Axe, axe_source
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["axe_source"]  # fixture

MONDAY = dt.date(2025, 3, 10)


def nav(page: Any, name: str) -> Any:
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name)


def test_a_gp_checks_a_childs_status_and_the_lead_social_worker_sees_that_they_looked(
    sign_in, live_server, axe_source, entitled, other_agency, social_care, child
):
    gp = other_agency
    with time_machine.travel(at(MONDAY, 9, 30), tick=True):
        sam = social_worker(social_care)
        with_nhs(child)
        put_on_plan(child, referrer=entitled, lead=sam)

        # --- The GP checks Amelia's status, mistyping the number first -----------------------
        page = sign_in(gp)
        axe = Axe(page, live_server.url, axe_source)
        nav(page, "Check a status").click()
        expect(page.get_by_role("heading", name="Check a child's status")).to_be_visible()
        axe.check("check a child's status")
        page.get_by_label("NHS number or UPN").fill("943 476 5918")
        page.get_by_label("Why are you checking?").fill(PURPOSE)
        page.get_by_role("button", name="Check status").click()
        message = "Enter a valid NHS number: check each number, like 943 476 5919"
        summary = page.locator(".govuk-error-summary")
        expect(summary.get_by_role("link", name=message)).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: Check a child's status"))
        expect(page.get_by_label("NHS number or UPN")).to_have_value("943 476 5918")
        expect(page.get_by_label("Why are you checking?")).to_have_value(PURPOSE)
        axe.check("check a child's status, a mistyped NHS number", error=True)
        summary.get_by_role("link", name=message).click()
        expect(page.get_by_label("NHS number or UPN")).to_be_focused()
        assert not FlagLookup.objects.exists()

        page.get_by_label("NHS number or UPN").fill("943 476 5919")
        page.get_by_role("button", name="Check status").click()
        expect(page.get_by_role("heading", name="Amelia Jones", level=1)).to_be_visible()
        statuses = page.locator("#statuses")
        expect(statuses.locator(".govuk-summary-list__row")).to_have_count(1)
        expect(statuses.locator("dt")).to_have_text("Child protection plan")
        expect(statuses.locator("dd")).to_have_text("Since 7 March 2025")
        contact = page.locator("dl").filter(has_text="Lead practitioner")
        expect(contact).to_contain_text("Sam Okafor")
        expect(contact).to_contain_text("Child protection social worker")
        expect(contact).to_contain_text(social_care.name)
        expect(contact).to_contain_text("01632 960123")
        expect(page.get_by_role("link", name="sam.okafor@example.org")).to_be_visible()
        expect(page.get_by_role("heading", name="Out of hours")).to_be_visible()
        expect(page.get_by_text(settings.OUT_OF_HOURS_CONTACT)).to_be_visible()
        # Not why, and not the record: the GP has no working relationship with Amelia.
        expect(page.get_by_text(re.compile("physical abuse", re.I))).to_have_count(0)
        expect(page.get_by_role("link", name="Open the child's record")).to_have_count(0)
        axe.check("check a child's status: on a child protection plan")
        axe.assert_clean()
        lookup = FlagLookup.objects.get()
        assert (lookup.looked_by, lookup.notified) == (gp, sam)

        # --- Sam sees the notification, marks it read, and sees who checked -------------------
        page = sign_in(sam)
        axe = Axe(page, live_server.url, axe_source)
        expect(nav(page, re.compile(r"^Notifications"))).to_have_text(re.compile(r"Notifications\s*1\s*unread"))
        nav(page, re.compile(r"^Notifications")).click()
        expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
        notification = Notification.objects.get()
        row = page.locator(f"#notification-{notification.pk}")
        text = f"Castle Street Surgery looked up Amelia Jones's status on 10 March 2025: {PURPOSE}"
        expect(row).to_contain_text("Unread")
        expect(row).to_contain_text(text)
        axe.check("notifications, one unread")
        row.get_by_role("button", name=re.compile("^Mark as read")).click()
        page.wait_for_url(f"{live_server.url}/notifications/")
        row = page.locator(f"#notification-{notification.pk}")
        expect(row).to_contain_text("Read")
        expect(row).not_to_contain_text("Unread")
        expect(nav(page, re.compile(r"^Notifications"))).to_have_text("Notifications")
        expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
        axe.check("notifications, all read")
        notification.refresh_from_db()
        assert notification.read_at is not None

        row.get_by_role("link", name=re.compile("^Open the child's record")).click()
        page.wait_for_url(re.compile(rf"/children/{child.pk}/#who-looked$"))
        who = page.locator("#who-looked")
        expect(who.get_by_role("heading", name="Who checked this child's status")).to_be_visible()
        checks = who.locator("tbody tr")
        expect(checks).to_have_count(1)
        expect(checks.first).to_contain_text(gp.display_name)
        expect(checks.first).to_contain_text("Castle Street Surgery")
        expect(checks.first).to_contain_text("Web page")
        expect(checks.first).to_contain_text(PURPOSE)
        expect(checks.first).to_contain_text("10 March 2025, 09:")
        axe.check("child's record, with who checked the status")
        axe.assert_clean()


def test_every_kind_of_answer_and_the_refusal_pass_axe(signed_in_page, page, live_server, axe_source, child):
    with time_machine.travel(at(MONDAY, 10), tick=True):
        nurse = UserFactory(
            username="aenurse",
            agency=AgencyFactory(name="County Hospital A&E", kind=AgencyKind.HOSPITAL),
            role=RoleFactory(key="ae-nurse", name="Emergency department nurse"),
        )
        with_nhs(child)
        looked_after = with_nhs(ChildFactory(display_name="Lily Jones"), "4857773457")
        StatusPeriod.objects.create(child=looked_after, status=ChildStatus.LOOKED_AFTER, started_on=dt.date(2024, 6, 3))

        signed_in_page(nurse)
        axe = Axe(page, live_server.url, axe_source)
        axe.read("/notifications/")
        expect(page.get_by_text("You have no notifications.")).to_be_visible()
        axe.read("/flags/")
        page.get_by_role("button", name="Check status").click()
        expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_count(2)
        axe.check("check a child's status, nothing entered", error=True)

        def check(number: str) -> None:
            page.goto(f"{live_server.url}/flags/")
            page.get_by_label("NHS number or UPN").fill(number)
            page.get_by_label("Why are you checking?").fill("Attended A&E with a burn")
            page.get_by_role("button", name="Check status").click()

        check("943 476 5919")
        expect(page.locator("#no-status")).to_be_visible()
        axe.check("check a child's status: no status")
        check("485 777 3457")
        expect(page.locator("#statuses")).to_contain_text("Looked after")
        expect(page.locator("#lead")).to_be_visible()
        expect(page.get_by_text("No lead practitioner: contact")).to_be_visible()
        axe.check("check a child's status: looked after, the front door to contact")
        check("999 999 9999")
        expect(page.locator("#not-in-index")).to_have_text("No child with this NHS number is in the index")
        axe.check("check a child's status: no child found")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{live_server.url}/sign-in/")

        housing = UserFactory(
            username="housing",
            agency=AgencyFactory(name="Riverside Housing", kind=AgencyKind.HOUSING),
            role=RoleFactory(key="housing-officer", name="Housing officer"),
        )
        signed_in_page(housing)
        expect(nav(page, "Check a status")).to_have_count(0)
        response = page.goto(f"{live_server.url}/flags/")
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", name="You cannot check a child's status")).to_be_visible()
        axe.check("check a child's status: refused")
        axe.assert_clean()
