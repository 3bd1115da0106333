"""Operation Encompass in the browser (issue 5, item 3), as each person sees it.

Friday 11 December 2026, 22:30: PC Sam Ward of Brookford Police records a domestic abuse
incident at Amelia Jones's home; Amelia was present. The form first refuses an empty
incident, every problem listed; then the platform checks the children already in the index
and offers Amelia, with her school, and PC Ward chooses her. Riverside Primary School is told
at once, due before the school day starts on the next school day: Monday 14 December, 08:30.

Monday 08:05: the school's designated safeguarding lead signs in, finds the notification on
the Operation Encompass queue from the home page ("To acknowledge", due before 08:30 that
morning), opens it, acknowledges it and records the support the school gave (after being told
to write something first). The acknowledgement is on Amelia's chronology.

axe (WCAG 2.2 AA) runs over every new page, the rejected forms included, with the helper of
tests/browser/test_accessibility.py. Time passes with time_machine (process-wide, so the live
server sees it too).
"""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from safeguarding.access.models import AgencyKind
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.encompass.models import EncompassAcknowledgement, EncompassNotification, EncompassSupport, SchoolTerm
from safeguarding.people.models import SchoolEnrolment
from tests.browser.journeys import at, fill_date
from tests.browser.test_accessibility import Axe, axe_source
from tests.factories import AgencyFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["axe_source"]  # fixture

FRIDAY = dt.date(2026, 12, 11)
MONDAY = dt.date(2026, 12, 14)


def banner(page: Any) -> Any:
    return page.locator(".govuk-notification-banner--success .govuk-notification-banner__heading")


@pytest.fixture
def officer(db: Any) -> Any:
    police = AgencyFactory(name="Brookford Police", kind=AgencyKind.POLICE)
    return UserFactory(
        username="pc-ward", first_name="Sam", last_name="Ward", agency=police, role=RoleFactory(key="police")
    )


@pytest.fixture
def autumn_terms(db: Any) -> None:
    SchoolTerm.objects.all().delete()
    SchoolTerm.objects.create(name="Autumn 2, 2026", first_day=dt.date(2026, 11, 2), last_day=dt.date(2026, 12, 18))
    SchoolTerm.objects.create(name="Spring 1, 2027", first_day=dt.date(2027, 1, 4), last_day=dt.date(2027, 2, 12))


def test_police_record_an_incident_and_the_dsl_acknowledges_it_the_next_school_day(
    sign_in, live_server, axe_source, autumn_terms, officer, entitled, child, school
):
    SchoolEnrolment.objects.create(child=child, school=school, started_on=dt.date(2021, 9, 1))
    problems: list[str] = []

    with time_machine.travel(at(FRIDAY, 22, 30), tick=True) as traveller:
        # --- The police record the incident ------------------------------------------------
        page = sign_in(officer)
        axe = Axe(page, live_server.url, axe_source)
        page.get_by_role("link", name="Record a domestic abuse incident (Operation Encompass)").click()
        expect(page.get_by_role("heading", name="Record a domestic abuse incident", level=1)).to_be_visible()
        axe.check("incident form")
        page.get_by_role("button", name="Continue").click()
        axe.check("incident form, nothing entered", error=True)
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter the police incident reference")
        expect(summary).to_contain_text("Select whether the child was present or normally lives at the address")

        page.get_by_label("Police incident reference").fill("DA/2026/0451")
        fill_date(page, "Date of the incident", FRIDAY)
        page.get_by_label("Time of the incident").fill("21:05")
        page.get_by_label("What the school needs to know").fill(
            "Police attended an argument between adults at the home. Amelia was in the room and was "
            "frightened. Nobody was hurt; one adult has left the address."
        )
        page.get_by_label("First name").fill("Amelia")
        page.get_by_label("Last name").fill("Jones")
        fill_date(page, "Date of birth", dt.date(2015, 6, 1))
        page.get_by_role("group", name="Was the child at the incident?").get_by_label("Present at the incident").check()
        page.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", name="Which child is it?")).to_be_visible()
        axe.check("which child is it")
        page.get_by_role("button", name="Record the incident for this child").click()
        axe.check("which child is it, none chosen", error=True)
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Select the child the incident is about, or add a new child"
        )
        choice = page.get_by_label(re.compile(r"^Amelia Jones, born 1 June 2015"))
        expect(page.get_by_text(re.compile("School: Riverside Primary School"))).to_be_visible()
        choice.check()
        page.get_by_role("button", name="Record the incident for this child").click()

        expect(banner(page)).to_have_text("Amelia Jones added: Riverside Primary School has been notified")
        expect(page.get_by_role("heading", name="Incident DA/2026/0451")).to_be_visible()
        children = page.get_by_role("region", name="Children at the incident")
        expect(children).to_contain_text("Acknowledge before 08:30 on Monday 14 December 2026")
        axe.check("incident page")
        page.get_by_role("link", name="Add another child at this incident").click()
        axe.check("add another child")
        page.get_by_role("button", name="Continue").click()
        axe.check("add another child, nothing entered", error=True)
        problems += axe.problems
        page.context.close()
        notification = EncompassNotification.objects.get()
        assert notification.school == school

        # --- Monday, before school: the designated safeguarding lead -----------------------
        traveller.move_to(at(MONDAY, 8, 5))
        page = sign_in(entitled)
        axe = Axe(page, live_server.url, axe_source)
        page.get_by_role("link", name="Operation Encompass notifications to your school").click()
        expect(page.get_by_role("heading", name="Operation Encompass notifications", level=1)).to_be_visible()
        axe.check("queue")
        row = page.locator(f"#notification-{notification.pk}")
        expect(row).to_contain_text("To acknowledge")
        expect(row).to_contain_text("Acknowledge before 08:30 on Monday 14 December 2026")
        row.get_by_role("link", name="Amelia Jones").click()

        expect(page.get_by_role("heading", name="Operation Encompass notification")).to_be_visible()
        expect(page.get_by_text("Amelia was in the room and was frightened", exact=False)).to_be_visible()
        axe.check("notification")
        assert AuditEvent.objects.filter(
            actor=entitled, action=Action.VIEW, child=child, object_type="encompass.encompassnotification"
        ).exists()
        page.get_by_role("button", name="Acknowledge the notification").click()
        expect(banner(page)).to_have_text("Notification acknowledged")
        expect(page.locator("#acknowledged")).to_contain_text(f"Acknowledged by {entitled.display_name} at 08:0")
        expect(page.get_by_text("Acknowledged", exact=True)).to_be_visible()
        axe.check("notification acknowledged")

        page.get_by_role("button", name="Record support").click()
        axe.check("support, nothing entered", error=True)
        page.locator(".govuk-error-summary").get_by_role("link", name="Enter the support the school gave").click()
        expect(page.get_by_label("What support did the school give?")).to_be_focused()
        page.get_by_label("What support did the school give?").fill(
            "Met Amelia at the gate with her class teacher; a quiet start in the nurture room."
        )
        page.get_by_role("button", name="Record support").click()
        expect(banner(page)).to_have_text("Support recorded")
        expect(page.locator("#support-given")).to_contain_text("a quiet start in the nurture room")
        axe.check("notification with support")

        # The acknowledgement and the support are on Amelia's chronology.
        page.get_by_role("link", name="Open the child's record").click()
        chronology = page.get_by_role("table").filter(has_text="What happened")
        expect(
            chronology.get_by_role("cell", name="Acknowledgement of an Operation Encompass notification", exact=True)
        ).to_be_visible()
        expect(
            chronology.get_by_role("cell", name="Support after a domestic abuse incident", exact=True)
        ).to_be_visible()
        problems += axe.problems

    ack = EncompassAcknowledgement.objects.get()
    assert ack.acknowledged_by == entitled and ack.acknowledged_at < at(MONDAY, 8, 30)
    assert EncompassSupport.objects.count() == 1
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)
