"""A school DSL shares one concern with the child's GP practice, with a reason and a lawful
basis; the GP, who could not open the child's record before, then sees that entry (and only
that entry) in the chronology."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyShare
from safeguarding.concerns.services import ConcernInput, concern_record

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Amelia says her arm still hurts and she has not seen a doctor; the practice should review her."


def _concern(child, by, what):  # type: ignore[no-untyped-def]
    return concern_record(
        child=child,
        data=ConcernInput(
            occurred_at=timezone.now() - dt.timedelta(days=1),
            what_happened=what,
            action_taken="Spoke to the DSL; called the front door",
            categories=["physical_abuse"],
        ),
        by=by,
    )


def test_a_dsl_shares_a_concern_and_the_gp_sees_it(signed_in_page, live_server, entitled, other_agency, child, gp):
    shared = _concern(child, entitled, "Finger-shaped bruises on her upper arm at PE")
    _concern(child, entitled, "Came to school without a coat in the rain")

    page = signed_in_page(entitled)
    page.goto(f"{live_server.url}/children/{child.pk}/concerns/{shared.pk}/")
    page.get_by_role("link", name="Share with another agency").click()

    expect(page.get_by_role("heading", name="Share this entry with another agency")).to_be_visible()
    expect(page.get_by_text("Share only what is necessary and proportionate")).to_be_visible()
    expect(page.get_by_text("Finger-shaped bruises on her upper arm at PE")).to_be_visible()

    # Without a reason the page says what is missing and keeps the other answers.
    page.get_by_label("Which agency are you sharing it with?").select_option(
        label="Castle Street Surgery (GP practice)"
    )
    page.get_by_label("Public task (UK GDPR Article 6(1)(e))").check()
    page.get_by_role("button", name="Share this entry").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter why you are sharing this entry")).to_be_visible()
    expect(page.get_by_label("Which agency are you sharing it with?")).to_have_value(str(gp.pk))
    expect(page.get_by_label("Public task (UK GDPR Article 6(1)(e))")).to_be_checked()
    assert not ChronologyShare.objects.exists()

    summary.get_by_role("link", name="Enter why you are sharing this entry").click()
    expect(page.get_by_label("Why are you sharing this entry with them?")).to_be_focused()
    page.get_by_label("Why are you sharing this entry with them?").fill(REASON)
    page.get_by_role("button", name="Share this entry").click()

    expect(page.get_by_role("heading", name="Entry shared with Castle Street Surgery")).to_be_visible()
    expect(
        page.get_by_text("Castle Street Surgery will be able to open this child's record and see the entries shared")
    ).to_be_visible()
    share = ChronologyShare.objects.get()
    assert (share.agency, share.shared_by, share.reason) == (gp, entitled, REASON)
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="concerns.chronologyshare").count() == 1

    # The DSL's chronology marks the entry as shared.
    page.get_by_role("link", name="Back to the child's record").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    expect(page.locator("#chronology-results").get_by_text("Shared with Castle Street Surgery")).to_be_visible()

    # The GP signs in and sees that entry, and not the school's other concern.
    page.context.clear_cookies()
    page = signed_in_page(other_agency)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    chronology = page.locator("#chronology-results")
    expect(chronology.get_by_text("Finger-shaped bruises on her upper arm at PE")).to_be_visible()
    expect(chronology.get_by_text("Shared with Castle Street Surgery")).to_be_visible()
    expect(chronology.get_by_text("Came to school without a coat in the rain")).to_have_count(0)
    expect(chronology.get_by_text("Showing 1 to 1 of 1 entry")).to_be_visible()

    # The GP can open the concern but not pass it on.
    chronology.get_by_role("link", name=re.compile("View the full concern")).click()
    expect(page.get_by_text("Finger-shaped bruises on her upper arm at PE")).to_be_visible()
    expect(page.get_by_role("link", name="Share with another agency")).to_have_count(0)
