"""Front door fixtures: the MASH decider (a front door role that decides on contacts) and
helpers that make contacts through the service, at a frozen moment."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeguarding.frontdoor.services import ContactInput, contact_record
from tests.factories import RoleFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def frozen(year: int, month: int, day: int, hour: int = 10):  # type: ignore[no-untyped-def]
    return time_machine.travel(at(year, month, day, hour), tick=False)


def contact_input(**overrides) -> ContactInput:  # type: ignore[no-untyped-def]
    values = {
        "concern": "Bruising on the upper arm; the child said their stepfather grabbed them.",
        "action_taken": "Spoke to the child and told the designated safeguarding lead.",
        "family_aware": False,
        "consent": "not_sought",
        "consent_reason": "Asking the stepfather could put the child at risk.",
        "categories": ["physical_abuse"],
        "household": "Mother, stepfather, baby brother",
    }
    values.update(overrides)
    return ContactInput(**values)


def refer(child, by, *, when: dt.datetime | None = None, **overrides):  # type: ignore[no-untyped-def]
    """A practitioner's referral, made through the service at `when` (default: now)."""
    if when is None:
        return contact_record(child=child, data=contact_input(**overrides), by=by)
    with time_machine.travel(when, tick=False):
        return contact_record(child=child, data=contact_input(**overrides), by=by)


def queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """How many queries a page runs (after one warm-up request for the session and caches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def decider(db, social_care):  # type: ignore[no-untyped-def]
    """A front door (MASH) social worker: decides on contacts, covers the whole local authority."""
    role = RoleFactory(
        key="mash",
        name="Front door decision maker",
        covers_whole_la=True,
        is_social_worker=True,
        may_decide_referrals=True,
    )
    return UserFactory(username="mash", agency=social_care, role=role, first_name="Priya", last_name="Shah")


@pytest.fixture
def manager(db, social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(key="csc-manager", name="Team manager", covers_whole_la=True, is_manager=True)
    return UserFactory(username="manager", agency=social_care, role=role)
