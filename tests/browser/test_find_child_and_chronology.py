"""A front door social worker finds a child despite a misspelling, reads the multi-agency
chronology, narrows it to one agency and prints it."""

import re

import pytest

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.tests.helpers import concern, police, police_incident

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["police"]  # fixture


def test_front_door_finds_child_reads_filters_and_prints_the_chronology(
    signed_in_page, live_server, front_door, entitled, child, police
):
    concern(child, entitled, days_ago=2, what="Came to school with a bruised cheek", categories=("physical_abuse",))
    police_incident(child, police, days_ago=4, summary="Police attended a domestic incident at the home")

    page = signed_in_page(front_door)
    page.get_by_role("link", name="Find a child").first.click()
    page.get_by_label("Name", exact=True).fill("Amelia Jonse")
    page.get_by_role("button", name="Search").click()

    assert page.get_by_role("heading", name="1 child found").is_visible()
    page.get_by_role("link", name="Amelia Jones").click()
    page.wait_for_url(re.compile(r"/children/\d+/$"))

    chronology = page.locator("#chronology-results")
    assert chronology.get_by_text("Came to school with a bruised cheek").is_visible()
    assert chronology.get_by_text("Police attended a domestic incident at the home").is_visible()
    assert chronology.get_by_role("cell", name="Riverside Primary School", exact=True).is_visible()
    assert chronology.get_by_role("cell", name="County Police", exact=True).is_visible()

    # Filtering swaps the results in place (htmx) and puts the filter in the address bar.
    page.evaluate("window.notReloaded = true")
    page.get_by_label("County Police").check()
    page.get_by_role("button", name="Apply filters").click()
    chronology.get_by_text("filtered by agency: County Police").wait_for()
    assert chronology.get_by_text("Came to school with a bruised cheek").count() == 0
    assert chronology.get_by_text("Police attended a domestic incident at the home").is_visible()
    assert f"agency={police.pk}" in page.url
    assert page.evaluate("window.notReloaded === true")  # the page was not reloaded

    with page.expect_download() as download_info:
        chronology.get_by_role("link", name="Download these entries as a PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"chronology-{child.la_child_id}-")
    with open(download.path(), "rb") as f:
        assert f.read(4) == b"%PDF"
    assert AuditEvent.objects.filter(action=Action.PRINT, child=child, actor=front_door).exists()
