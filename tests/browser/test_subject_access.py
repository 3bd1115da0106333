"""Subject access: the data protection officer finds a child, enters the request, checks
who was found, produces the export and downloads it as JSON; every page passes axe."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.sharing.models import SubjectAccessRequest
from safeguarding.sharing.tests.subject_access_helpers import PUBLIC_REFERRER, seed_record
from tests.browser.journeys import fill_date
from tests.browser.test_accessibility import Axe, axe_source  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dpo_produces_a_childs_export_and_downloads_the_json(
    signed_in_page,
    live_server,
    dpo,
    child,
    entitled,
    front_door,
    axe_source,  # noqa: F811
):
    seed_record(child, dsl=entitled, front_door=front_door)
    page = signed_in_page(dpo)
    axe = Axe(page, live_server.url, axe_source)

    page.get_by_role("link", name="Subject access requests").click()
    expect(page.get_by_role("heading", name="Subject access requests")).to_be_visible()
    expect(page.locator("#no-subject-access-requests")).to_be_visible()
    axe.check("the list, empty")

    page.get_by_role("button", name="Start a subject access request").click()
    expect(page.get_by_role("heading", name="Start a subject access request")).to_be_visible()
    axe.check("the start page")
    # Nothing entered: GOV.UK errors, and what was typed is kept.
    page.get_by_label("Request reference").fill("SAR-2026-014")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the request is about")
    expect(page.get_by_label("Request reference")).to_have_value("SAR-2026-014")
    axe.check("the start page with errors", error=True)

    page.get_by_label("A child", exact=True).check()
    page.get_by_label("The child's LA child ID, NHS number or UPN").fill(child.la_child_id)
    received = timezone.localdate() - dt.timedelta(days=3)
    fill_date(page, "When was the request received?", received)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check before you produce the export")).to_be_visible()
    expect(page.locator("#subject-name")).to_contain_text("Amelia Jones")
    axe.check("the confirmation page")
    assert not SubjectAccessRequest.objects.exists()

    page.get_by_role("button", name="Produce the export").click()
    expect(page.get_by_role("heading", name="Export produced")).to_be_visible()
    axe.check("the result page")
    row = SubjectAccessRequest.objects.get()
    assert row.reference == "SAR-2026-014" and row.subject_child == child and row.received_on == received

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the export as JSON").click()
    download = info.value
    assert download.suggested_filename == "subject-access-SAR-2026-014.json"
    export = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert export["subject"]["name"] == "Amelia Jones"
    contact = next(
        i for s in export["sections"] if s["key"] == "records" for i in s["items"] if i["record"] == "frontdoor.contact"
    )
    referrer = next(f for f in contact["fields"] if f["name"] == "referrer_name")
    assert referrer["value"] == PUBLIC_REFERRER and referrer["redaction"]["recommended"] is True
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail__what="subject access download").count() == 1

    page.get_by_role("link", name="Back to subject access requests").click()
    expect(page.locator("#subject-access-requests")).to_contain_text("SAR-2026-014")
    axe.check("the list")
    axe.assert_clean()
