"""A pattern no single agency sees: the school and the GP each record concerns about the
same child; the front door finds the signal, with its reason, on the signals page."""

import datetime as dt

import pytest
from django.utils import timezone

from safeguarding.concerns.services import ConcernInput, concern_record

pytestmark = pytest.mark.django_db(transaction=True)


def record(child, by, days_ago):
    concern_record(
        child=child,
        by=by,
        data=ConcernInput(
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            what_happened="Arrived hungry, with a bruise on the arm",
            action_taken="Spoke to the child and recorded it",
            categories=["neglect"],
        ),
    )


def test_the_front_door_sees_a_multi_agency_signal_with_its_reason(
    signed_in_page, live_server, child, entitled, other_agency, front_door
):
    record(child, entitled, 10)
    record(child, other_agency, 6)

    page = signed_in_page(front_door)
    page.get_by_role("link", name="Signals", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/signals/")
    assert page.get_by_role("heading", name="Signals", level=1).is_visible()
    assert page.get_by_role("cell", name="Concerns from several agencies").count() == 0  # two are not a pattern yet

    record(child, entitled, 2)  # a third concern completes the pattern
    page.reload()
    table = page.get_by_role("table")
    row = table.get_by_role("row").filter(has_text="Amelia Jones")
    assert row.get_by_role("cell", name="Concerns from several agencies").is_visible()
    assert row.get_by_text("3 concerns from 2 agencies (Riverside Primary School, Castle Street Surgery)").is_visible()

    page.get_by_label("Type of signal").select_option(label="Repeated A&E attendances")
    page.get_by_role("button", name="Show signals").click()
    assert page.get_by_role("heading", name="No active signals").is_visible()

    page.get_by_label("Type of signal").select_option(label="Concerns from several agencies")
    page.get_by_role("button", name="Show signals").click()
    page.get_by_role("link", name="Amelia Jones").click()
    page.wait_for_url(f"{live_server.url}/children/{child.pk}/")
    assert page.get_by_text("This is a pattern for a person to look at, not a decision.").first.is_visible()
