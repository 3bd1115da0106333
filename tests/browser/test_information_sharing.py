"""A school DSL keeps the record of every share (issue 5, item 4): a phone call to the GP
(shared; consent not sought, and why; the family not told, and why telling them would put
the child at risk), then a decision not to share with its reasons, then a correction by
amendment with a reason. The first attempt misses answers: the GOV.UK error summary says
which, and what was typed stays. Each record is on the child's record and the chronology.
Every page passes axe (WCAG 2.2 AA), its error states included."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare
from safeguarding.sharing.models import InformationShare, InformationShareAmendment
from tests.browser.journeys import fill_date
from tests.browser.test_accessibility import Axe, axe_source

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["axe_source"]  # fixture

WHAT = "Amelia's attendance this term and the bruising her class teacher saw on her upper arm"
WHY = "Dr Patel is reviewing Amelia's injuries and asked whether school had seen anything"
NOT_SOUGHT = "Asking her stepfather, who may have caused the injuries, could put Amelia at risk"
NOT_TOLD = "Her stepfather would learn that the GP is looking at her injuries before the strategy discussion"
NOT_SHARED_WHAT = "A solicitor acting for Amelia's father asked for her school reports and attendance"
NOT_SHARED_WHY = "The request is for a private family court dispute; it is not needed to keep Amelia safe"
AMEND_REASON = "It was a meeting at the surgery, not a phone call"


def test_a_dsl_records_a_share_a_decision_not_to_share_and_an_amendment(
    signed_in_page, live_server, axe_source, entitled, child, gp
):
    day = timezone.localdate() - dt.timedelta(days=1)
    page = signed_in_page(entitled)
    axe = Axe(page, live_server.url, axe_source)
    axe.goto(f"/children/{child.pk}/")
    expect(page.get_by_text("No information sharing has been recorded that you can see.")).to_be_visible()

    # What are you recording? Continuing without an answer is an error.
    page.get_by_role("link", name="Record information sharing").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/information-sharing/new/$"))
    axe.check("record information sharing: start")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="Select whether you shared information or decided not to share")
    ).to_be_visible()
    axe.check("record information sharing: start, no answer", error=True)
    page.get_by_label("Information I shared, or my agency shared").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/information-sharing/new/shared/$"))
    expect(page.get_by_role("heading", name="Record information you shared")).to_be_visible()
    expect(page.get_by_role("heading", name="The seven golden rules for sharing information")).to_be_visible()
    axe.check("record information shared")

    # The first try misses why, and why the family was not told.
    page.get_by_label("Which agency did you share it with?").select_option(label="Castle Street Surgery (GP practice)")
    page.get_by_label("Name and role of the person you shared it with").fill("Dr Amir Patel, GP partner")
    fill_date(page, "When did you share it?", day)
    page.get_by_label("Phone call").check()
    page.get_by_label("What did you share?").fill(WHAT)
    page.get_by_label("Public task (UK GDPR Article 6(1)(e))").check()
    special = page.get_by_role("group", name="Does it include special category information?")
    special.get_by_label("No", exact=True).check()
    page.get_by_label("Not sought").check()
    page.get_by_label("Why did you not seek consent?").fill(NOT_SOUGHT)
    page.get_by_label("No: telling them would put the child at risk").check()
    page.get_by_role("button", name="Record information shared").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(2)
    expect(summary.get_by_role("link", name="Enter why you shared it")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter why telling the family would put the child at risk")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert not InformationShare.objects.exists()
    # What was typed stays.
    expect(page.get_by_label("Which agency did you share it with?")).to_have_value(str(gp.pk))
    expect(page.get_by_label("Name and role of the person you shared it with")).to_have_value(
        "Dr Amir Patel, GP partner"
    )
    expect(page.get_by_role("group", name="When did you share it?").get_by_label("Day")).to_have_value(str(day.day))
    expect(page.get_by_label("Phone call")).to_be_checked()
    expect(page.get_by_label("What did you share?")).to_have_value(WHAT)
    expect(page.get_by_label("Public task (UK GDPR Article 6(1)(e))")).to_be_checked()
    expect(special.get_by_label("No", exact=True)).to_be_checked()
    expect(page.get_by_label("Not sought")).to_be_checked()
    expect(page.get_by_label("Why did you not seek consent?")).to_have_value(NOT_SOUGHT)
    expect(page.get_by_label("No: telling them would put the child at risk")).to_be_checked()
    axe.check("record information shared, answers missing", error=True)

    summary.get_by_role("link", name="Enter why you shared it").click()
    expect(page.get_by_label("Why did you share it?")).to_be_focused()
    page.get_by_label("Why did you share it?").fill(WHY)
    page.get_by_label("Why would telling the family put the child at risk?").fill(NOT_TOLD)
    page.get_by_role("button", name="Record information shared").click()

    # Back on the child's record: the share and its chronology entry.
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    heading = "Shared with Dr Amir Patel, GP partner (Castle Street Surgery)"
    expect(
        page.get_by_text("Information shared with Dr Amir Patel, GP partner (Castle Street Surgery) recorded")
    ).to_be_visible()
    section = page.locator("#information-sharing-list")
    expect(section.get_by_role("link", name=heading)).to_be_visible()
    expect(section.get_by_text(re.compile(r"phone call, recorded by"))).to_be_visible()
    chronology = page.locator("#chronology-results")
    expect(chronology.get_by_text(f"{heading}: {WHAT}")).to_be_visible()
    expect(chronology.get_by_text("Information sharing record", exact=True)).to_be_visible()
    axe.check("child record with information sharing")
    share = InformationShare.objects.get()
    assert (share.with_agency, share.channel, share.consent, share.family_told) == (
        gp,
        "phone",
        "not_sought",
        "not_told",
    )
    assert (share.consent_reason, share.family_not_told_reason) == (NOT_SOUGHT, NOT_TOLD)
    assert not ChronologyShare.objects.exists()  # a phone call: the GP is not sent the entry
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="sharing.informationshare").count() == 1

    # A decision not to share, with its reasons.
    page.get_by_role("link", name="Record information sharing").click()
    page.get_by_label("A decision not to share information").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Record a decision not to share")).to_be_visible()
    expect(page.get_by_text("Did you seek consent to share?")).to_have_count(0)
    axe.check("record a decision not to share")
    page.get_by_label("Name and role of the person").fill("Ms Jane Hale, solicitor")
    fill_date(page, "When did you decide?", day)
    page.get_by_label("What information was asked for or considered?").fill(NOT_SHARED_WHAT)
    page.get_by_label("Why did you decide not to share?").fill(NOT_SHARED_WHY)
    page.get_by_role("button", name="Record decision not to share").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    expect(page.get_by_text("Decision not to share with Ms Jane Hale, solicitor recorded")).to_be_visible()
    expect(section.get_by_role("link", name="Decided not to share with Ms Jane Hale, solicitor")).to_be_visible()
    expect(
        chronology.get_by_text(f"Decided not to share with Ms Jane Hale, solicitor: {NOT_SHARED_WHAT}")
    ).to_be_visible()
    refused = InformationShare.objects.get(decision="not_shared")
    assert (refused.why, refused.lawful_basis, refused.consent) == (NOT_SHARED_WHY, "", "")

    # Every record, then the phone call's record.
    page.get_by_role("link", name="See all information sharing for this child").click()
    expect(page.get_by_role("heading", name="Information sharing", level=1)).to_be_visible()
    expect(page.locator("#information-shares tbody tr")).to_have_count(2)
    axe.check("information sharing list")
    page.get_by_role("link", name=heading).click()
    page.wait_for_url(re.compile(rf"/information-sharing/{share.pk}/$"))
    expect(page.get_by_text("Public task (UK GDPR Article 6(1)(e))")).to_be_visible()
    expect(page.get_by_text(NOT_SOUGHT)).to_be_visible()
    expect(page.get_by_text(NOT_TOLD)).to_be_visible()
    expect(page.get_by_text("This record has not been amended.")).to_be_visible()
    axe.check("information sharing record")

    # Amend: without a reason it is refused and the change stays; with one it is saved.
    page.get_by_role("link", name="Amend this record").click()
    expect(page.get_by_role("heading", name="Amend this record of information shared")).to_be_visible()
    expect(page.get_by_label("Phone call")).to_be_checked()
    expect(page.get_by_label("Why did you share it?")).to_have_value(WHY)
    axe.check("amend information sharing record")
    page.get_by_label("Meeting").check()
    page.get_by_role("button", name="Save amendment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter the reason for the amendment")).to_be_visible()
    expect(page.get_by_label("Meeting")).to_be_checked()
    assert not InformationShareAmendment.objects.exists()
    axe.check("amend information sharing record, no reason", error=True)
    summary.get_by_role("link", name="Enter the reason for the amendment").click()
    expect(page.get_by_label("Reason for the amendment")).to_be_focused()
    page.get_by_label("Reason for the amendment").fill(AMEND_REASON)
    page.get_by_role("button", name="Save amendment").click()

    page.wait_for_url(re.compile(rf"/information-sharing/{share.pk}/$"))
    expect(page.get_by_text("Record amended")).to_be_visible()
    expect(page.get_by_text(AMEND_REASON)).to_be_visible()
    history = page.get_by_role("table", name=re.compile("What changed on"))
    row = history.get_by_role("row", name=re.compile("^How"))
    expect(row.get_by_role("cell").nth(0)).to_have_text("Phone call")
    expect(row.get_by_role("cell").nth(1)).to_have_text("Meeting")
    axe.check("information sharing record with its amendment history")
    amendment = InformationShareAmendment.objects.get()
    assert (amendment.reason, amendment.changes) == (AMEND_REASON, {"channel": {"old": "phone", "new": "meeting"}})

    # The chronology marks the entry as amended.
    page.get_by_role("link", name="Back to the child's record").click()
    page.wait_for_url(re.compile(rf"/children/{child.pk}/$"))
    entry_row = page.locator("#chronology-results tr", has_text=f"{heading}: {WHAT}")
    expect(entry_row.get_by_text("Amended", exact=True)).to_be_visible()
    expect(page.locator("#information-sharing-list").get_by_text("meeting, recorded by", exact=False)).to_be_visible()
    assert ChronologyEntry.objects.get(source_type="sharing.informationshare", source_id=share.pk).amended
    axe.assert_clean()
