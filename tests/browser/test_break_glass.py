"""Emergency access (break-glass): a police officer with no working relationship with a child
finds her, is refused, asks for emergency access with a reason, reads the whole multi-agency
chronology under a banner saying until when; the data protection officer then sees that
access, with the reason, in the emergency access report."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.access.models import AgencyKind, BreakGlassAccess
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import AgencyEventKind
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_record
from tests.factories import AgencyFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Amelia was found alone at the bus station at night; the front door is closed and we need her address."


@pytest.fixture
def officer(db):  # type: ignore[no-untyped-def]
    police = AgencyFactory(name="County Police", kind=AgencyKind.POLICE)
    role = RoleFactory(key="police-officer", name="Police officer", may_break_glass=True)
    return UserFactory(username="pc", first_name="Priya", last_name="Constable", agency=police, role=role)


def test_an_officer_uses_emergency_access_and_the_dpo_sees_it(
    signed_in_page, live_server, officer, entitled, dpo, child
):
    concern_record(
        child=child,
        data=ConcernInput(
            occurred_at=timezone.now() - dt.timedelta(days=3),
            what_happened="Said she is scared of her mum's new boyfriend",
            action_taken="Spoke to the DSL",
            categories=["emotional_abuse"],
        ),
        by=entitled,
    )
    ae = AgencyFactory(name="County Hospital A&E", kind=AgencyKind.HOSPITAL)
    agency_event_record(
        child=child,
        agency=ae,
        kind=AgencyEventKind.AE_ATTENDANCE,
        occurred_at=timezone.now() - dt.timedelta(days=5),
        summary="Attended A&E with a cut to the forehead",
        categories=["physical_abuse"],
    )

    page = signed_in_page(officer)
    page.get_by_role("link", name="Find a child").first.click()
    page.get_by_label("Name", exact=True).fill("Amelia Jones")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    page.get_by_role("link", name="Amelia Jones").click()

    # Refused, with nothing of the child shown, and the emergency access offer.
    expect(page.get_by_role("heading", name="You do not have a working relationship with this child")).to_be_visible()
    expect(page.get_by_text("Said she is scared of her mum's new boyfriend")).to_have_count(0)
    expect(page.get_by_text("Amelia Jones")).to_have_count(0)
    assert AuditEvent.objects.filter(actor=officer, action=Action.DENIED, child=child).exists()
    page.get_by_role("link", name="Ask for emergency access").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/emergency-access/$"))
    expect(page.get_by_role("heading", name="Ask for emergency access to this child's record")).to_be_visible()

    # No reason: refused, with an error summary that leads to the box.
    page.get_by_role("button", name="Open the record with emergency access").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Explain why you need emergency access")).to_be_visible()
    assert page.title().startswith("Error: ")
    # A reason too short to mean anything: refused, and what was typed is kept.
    page.get_by_label("Why do you need emergency access?").fill("urgent")
    page.get_by_role("button", name="Open the record with emergency access").click()
    expect(summary.get_by_role("link", name=re.compile("at least 10 characters"))).to_be_visible()
    expect(page.get_by_label("Why do you need emergency access?")).to_have_value("urgent")
    assert not BreakGlassAccess.objects.exists()

    summary.get_by_role("link", name=re.compile("at least 10 characters")).click()
    expect(page.get_by_label("Why do you need emergency access?")).to_be_focused()
    page.get_by_label("Why do you need emergency access?").fill(REASON)
    page.get_by_role("button", name="Open the record with emergency access").click()

    page.wait_for_url(f"{live_server.url}/children/{child.pk}/")
    grant = BreakGlassAccess.objects.get()
    assert (grant.practitioner, grant.child, grant.reason) == (officer, child, REASON)
    until = timezone.localtime(grant.expires_at).strftime("%H:%M")
    expect(page.get_by_text(f"You are using emergency access until {until}")).to_be_visible()
    expect(page.get_by_role("heading", name="Amelia Jones", level=1)).to_be_visible()
    # The whole chronology: the school's and the hospital's entries, though neither shared them.
    chronology = page.locator("#chronology-results")
    expect(chronology.get_by_text("Showing 1 to 2 of 2 entries")).to_be_visible()
    expect(chronology.get_by_text("Said she is scared of her mum's new boyfriend")).to_be_visible()
    expect(chronology.get_by_text("Attended A&E with a cut to the forehead")).to_be_visible()
    expect(chronology.get_by_role("cell", name="Riverside Primary School", exact=True)).to_be_visible()
    expect(chronology.get_by_role("cell", name="County Hospital A&E", exact=True)).to_be_visible()
    assert AuditEvent.objects.filter(actor=officer, action=Action.BREAK_GLASS, child=child, reason=REASON).exists()

    # The school's concern opens in full; emergency access reads, it does not amend or share.
    chronology.get_by_role("link", name=re.compile("View the full concern")).click()
    expect(page.get_by_text("Said she is scared of her mum's new boyfriend")).to_be_visible()
    expect(page.get_by_role("link", name="Amend this concern")).to_have_count(0)
    expect(page.get_by_role("link", name="Share with another agency")).to_have_count(0)

    # The data protection officer finds it in the emergency access report.
    page.context.clear_cookies()
    page = signed_in_page(dpo)
    page.get_by_role("link", name="Who looked").first.click()
    page.get_by_role("link", name="Emergency access (break-glass) report").click()
    page.wait_for_url(f"{live_server.url}/audit/break-glass/")
    expect(page.get_by_role("heading", name="Emergency access report")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.get_by_text("Priya Constable (pc)")).to_be_visible()
    expect(row.get_by_text("County Police")).to_be_visible()
    expect(row.get_by_role("link", name=re.compile("Amelia Jones"))).to_be_visible()
    expect(row.get_by_role("cell", name=REASON)).to_be_visible()
    expect(row.get_by_text("Still open")).to_be_visible()
    expect(row.get_by_text(timezone.localtime(grant.expires_at).strftime("%-d %b %Y, %H:%M"))).to_be_visible()
    expect(row.locator("td").last).to_have_text("2")  # the officer opened the record, then the concern

    # From the report to the child's own audit, narrowed to emergency access.
    row.get_by_role("link", name=re.compile("Amelia Jones")).click()
    page.wait_for_url(f"{live_server.url}/audit/children/{child.pk}/")
    page.get_by_label("Show").select_option("break-glass")
    page.get_by_role("button", name="Show").click()
    event = AuditEvent.objects.get(action=Action.BREAK_GLASS)
    audit_row = page.locator(f"#event-{event.pk}")
    expect(audit_row.get_by_text("Emergency access")).to_be_visible()
    expect(audit_row.get_by_text("County Police")).to_be_visible()
    expect(audit_row.get_by_role("cell", name=REASON)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
