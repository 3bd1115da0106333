"""Test helpers for the child record and chronology: a third agency (police), and entries
written through the real services (concern_record, agency_event_record).

Import the fixtures into a test module to use them (`from ...helpers import police`).
Entries from a third agency, not the GP: recording makes the recording agency involved,
and the GP must stay the `other_agency` with no relationship.
"""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.concerns.models import AgencyEventKind, ChronologyEntry, ChronologyShare
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_record
from safeguarding.people.models import Child
from tests.factories import AgencyFactory, RoleFactory, UserFactory


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="County Police", kind=AgencyKind.POLICE)


@pytest.fixture
def police_officer(db, police):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="pc", first_name="Priya", last_name="Constable", agency=police, role=RoleFactory(key="police")
    )


def concern(
    child: Child,
    by: User,
    *,
    days_ago: int = 1,
    what: str = "Bruise on left arm, said she fell",
    categories: tuple[str, ...] = ("physical_abuse",),
    immediate_danger: bool = False,
    occurred_at: datetime | None = None,
) -> ChronologyEntry:
    c = concern_record(
        child=child,
        data=ConcernInput(
            occurred_at=occurred_at or timezone.now() - timedelta(days=days_ago),
            what_happened=what,
            action_taken="Spoke to the DSL",
            categories=list(categories),
            immediate_danger=immediate_danger,
        ),
        by=by,
    )
    return ChronologyEntry.objects.get(source_type="concerns.concern", source_id=c.pk)


def police_incident(
    child: Child,
    police: Agency,
    *,
    days_ago: int = 2,
    summary: str = "Domestic incident at home address, child present",
    by: User | None = None,
    occurred_at: datetime | None = None,
) -> ChronologyEntry:
    event = agency_event_record(
        child=child,
        agency=police,
        kind=AgencyEventKind.POLICE_INCIDENT,
        occurred_at=occurred_at or timezone.now() - timedelta(days=days_ago),
        summary=summary,
        categories=["domestic_abuse"],
        by=by,
    )
    return ChronologyEntry.objects.get(source_type="concerns.agencyevent", source_id=event.pk)


def share(entry: ChronologyEntry, agency: Agency, by: User) -> ChronologyShare:
    # No sharing service exists yet (sharing/ is built later); this is test set-up only.
    return ChronologyShare.objects.create(entry=entry, agency=agency, shared_by=by, reason="Relevant to school")
