"""A school DSL corrects a concern: the amendment needs a reason, the concern then reads as
corrected, the original stays in its amendment history with who changed it and why, and the
chronology marks the entry as amended."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import Concern, ConcernAmendment
from safeguarding.concerns.services import ConcernInput, concern_record

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = "Bruise on her right arm; said she fell off her bike"
AFTER = "Bruise on her left arm; said she fell off her bike"
REASON = "I wrote the wrong arm: the class teacher saw the bruise on her left arm"


def test_a_dsl_amends_a_concern_with_a_reason(signed_in_page, live_server, entitled, child):
    concern = concern_record(
        child=child,
        data=ConcernInput(
            occurred_at=timezone.now() - dt.timedelta(days=2),
            what_happened=BEFORE,
            action_taken="Spoke to Amelia and her mum at pick-up",
            categories=["physical_abuse"],
        ),
        by=entitled,
    )

    page = signed_in_page(entitled)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    chronology = page.locator("#chronology-results")
    expect(chronology.get_by_text("Amended", exact=True)).to_have_count(0)
    chronology.get_by_role("link", name=re.compile("View the full concern")).click()
    page.wait_for_url(f"{live_server.url}/children/{child.pk}/concerns/{concern.pk}/")
    expect(page.get_by_text("This concern has not been amended.")).to_be_visible()

    page.get_by_role("link", name="Amend this concern").click()
    expect(page.get_by_role("heading", name="Amend this concern")).to_be_visible()
    what = page.get_by_label("What did you see or hear?")
    expect(what).to_have_value(BEFORE)
    what.fill(AFTER)

    # Without a reason: refused, the change kept, nothing saved.
    page.get_by_role("button", name="Save amendment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the reason for the amendment")).to_be_visible()
    assert page.title().startswith("Error: ")
    expect(page.get_by_label("What did you see or hear?")).to_have_value(AFTER)
    concern.refresh_from_db()
    assert concern.what_happened == BEFORE
    assert not ConcernAmendment.objects.exists()

    summary.get_by_role("link", name="Enter the reason for the amendment").click()
    expect(page.get_by_label("Reason for the amendment")).to_be_focused()
    page.get_by_label("Reason for the amendment").fill(REASON)
    page.get_by_role("button", name="Save amendment").click()

    # The concern as it now stands, and the history of what it said before.
    page.wait_for_url(f"{live_server.url}/children/{child.pk}/concerns/{concern.pk}/")
    expect(page.locator(".govuk-notification-banner").get_by_text("Concern amended")).to_be_visible()
    expect(page.get_by_role("heading", name="Concern Amended", level=1)).to_be_visible()
    current = page.locator(".govuk-summary-list__row", has_text="What was seen or heard")
    expect(current.locator("dd")).to_have_text(AFTER)
    amendment = ConcernAmendment.objects.get()
    history = page.locator(".app-amendment")
    expect(history).to_have_count(1)
    when = timezone.localtime(amendment.amended_at).strftime("%-d %B %Y, %H:%M")
    expect(history.get_by_role("heading", name=f"Amended on {when} by {entitled.display_name}")).to_be_visible()
    expect(history.get_by_text(f"Reason: {REASON}")).to_be_visible()
    change = history.get_by_role("row", name=re.compile("What was seen or heard"))
    expect(change.get_by_role("cell")).to_have_text([BEFORE, AFTER])
    assert AuditEvent.objects.filter(actor=entitled, action=Action.AMEND, child=child, reason=REASON).exists()
    assert Concern.objects.get().what_happened == AFTER

    # The chronology shows the corrected text, marked as amended.
    page.get_by_role("link", name="Back to the child's record").click()
    page.wait_for_url(f"{live_server.url}/children/{child.pk}/")
    row = page.locator("#chronology-results tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_text("Amended", exact=True)).to_be_visible()
    expect(row.get_by_text(AFTER)).to_be_visible()
    expect(row.get_by_text(BEFORE)).to_have_count(0)
