"""Every child protection step appears in the child's chronology, linked to its record."""

import datetime as dt

import pytest
from django.urls import reverse

from safeguarding.concerns import chronology
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.protection.apps import CHRONOLOGY_KINDS
from safeguarding.protection.models import PlanEndReason, ProtectionPlan
from safeguarding.protection.services import (
    core_group_meeting_record,
    plan_end,
    section47_complete,
    statutory_visit_record,
)
from safeguarding.protection.tests.conftest import record_icpc, start_enquiry
from safeguarding.protection.tests.test_conferences import review

pytestmark = pytest.mark.django_db


def test_every_kind_is_registered_with_a_page_that_takes_the_child_and_the_row():
    for key, label, url_name in CHRONOLOGY_KINDS:
        kind = chronology.kind(key)
        assert (kind.label, kind.detail_url_name) == (label, url_name)
        assert reverse(url_name, args=[1, 2]).startswith("/children/1/")


def test_the_whole_pathway_writes_one_entry_per_step_and_each_link_opens(as_user, referral, front_door, child):
    enquiry = start_enquiry(referral, front_door)
    section47_complete(
        enquiry=enquiry, completed_on=dt.date(2025, 3, 5), findings="x", outcome="initial_conference", by=front_door
    )
    plan = ProtectionPlan.objects.get(initial_conference=record_icpc(enquiry, front_door))
    core_group_meeting_record(plan=plan, held_on=dt.date(2025, 3, 7), attendees="SW", summary="x", by=front_door)
    statutory_visit_record(
        plan=plan, visited_on=dt.date(2025, 3, 8), child_seen=True, seen_alone=True, note="x", by=front_door
    )
    review(plan, front_door, dt.date(2025, 3, 9))
    plan_end(plan=plan, ended_on=dt.date(2025, 3, 10), reason=PlanEndReason.LEFT_UK, note="", by=front_door)

    entries = list(ChronologyEntry.objects.filter(child=child).order_by("occurred_at", "id"))
    assert [e.kind for e in entries] == [
        "strategy_discussion",
        "section47_started",
        "section47_completed",
        "initial_conference",
        "cp_plan_started",
        "core_group_meeting",
        "statutory_visit",
        "review_conference",
        "cp_plan_ended",
    ]
    assert all(e.agency_id == front_door.agency_id and e.author_id == front_door.pk for e in entries)
    client = as_user(front_door)
    for entry in entries:
        url = reverse(chronology.kind(entry.kind).detail_url_name, args=[child.pk, entry.source_id])
        response = client.get(url, follow=True)
        assert response.status_code == 200, entry.kind
    record = client.get(reverse("people:record", args=[child.pk])).content.decode()
    assert reverse("protection:plan", args=[child.pk, plan.pk]) in record
    assert "Child protection plan ended" in record
