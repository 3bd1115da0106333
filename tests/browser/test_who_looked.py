"""Know who looked: a school DSL opens a child's record, then the data protection officer
finds the child on the audit pages and sees that view, with the DSL's agency and the time."""

import re

import pytest
from django.utils import timezone

from safeguarding.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dpo_sees_who_looked_at_a_childs_record(signed_in_page, live_server, entitled, dpo, child):
    page = signed_in_page(entitled)
    page.goto(f"{live_server.url}/children/{child.pk}/")
    assert page.get_by_role("heading", name=re.compile("Amelia Jones")).first.is_visible()
    view = AuditEvent.objects.get(actor=entitled, action=Action.VIEW, child=child)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/sign-in/")

    page = signed_in_page(dpo)
    page.get_by_role("link", name="Who looked").first.click()
    assert page.get_by_role("heading", name="Who looked at a child's record").is_visible()
    page.get_by_label("Child's name, NHS number or LA child ID").fill("Amelia Jones")
    page.get_by_role("button", name="Search").click()
    page.locator("#audit-search-results").get_by_role("link", name=re.compile("Amelia Jones")).click()
    page.wait_for_url(re.compile(rf"/audit/children/{child.pk}/$"))

    assert page.get_by_role("heading", name="Who has looked at this record").is_visible()
    row = page.locator(f"#event-{view.pk}")
    assert row.get_by_text("dsl", exact=True).is_visible()
    assert row.get_by_text("Riverside Primary School").is_visible()
    assert row.get_by_role("cell", name="Viewed").is_visible()
    when = timezone.localtime(view.occurred_at).strftime("%-d %b %Y, %H:%M")
    assert row.get_by_text(when).is_visible()
    assert row.get_by_text("Basis: agency involved with the child").is_visible()
    # The summary counts the DSL (the DPO's own looks at the audit are not views of the record).
    assert page.locator("#audit-summary").get_by_text("1", exact=True).is_visible()

    # Filtering to emergency access shows none: the DSL had a working relationship.
    page.get_by_label("Show").select_option("break-glass")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_text("No activity of this kind has been recorded.").is_visible()
