"""People and rows for the child protection tests.

Frozen time: most tests run on Monday 10 March 2025 (`today`). The pathway helpers record
each step through its service, so that the rows are what the services would write.
"""

import datetime as dt

import pytest
import time_machine

from safeguarding.access.models import AgencyKind
from safeguarding.protection.models import (
    ConferenceDecision,
    Discipline,
    ProtectionPlan,
    Section47Enquiry,
    StrategyOutcome,
)
from safeguarding.protection.services import (
    AttendeeInput,
    InviteeInput,
    initial_conference_record,
    strategy_discussion_record,
)
from tests.factories import AgencyFactory, ReferralFactory, RoleFactory, UserFactory, aware

TODAY = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def hospital(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="County Hospital", kind=AgencyKind.HOSPITAL)


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="County Police", kind=AgencyKind.POLICE)


@pytest.fixture
def health_visitor(db, hospital):  # type: ignore[no-untyped-def]
    return UserFactory(username="nurse", agency=hospital, role=RoleFactory(key="nurse", name="Safeguarding nurse"))


@pytest.fixture
def detective(db, police):  # type: ignore[no-untyped-def]
    return UserFactory(username="dc", agency=police, role=RoleFactory(key="dc", name="Detective constable"))


@pytest.fixture
def social_worker(db, social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(key="sw", name="Social worker", covers_whole_la=True, is_social_worker=True)
    return UserFactory(username="sw", agency=social_care, role=role)


@pytest.fixture
def business_support(db, social_care):  # type: ignore[no-untyped-def]
    """Covers the whole local authority but is not a social worker."""
    role = RoleFactory(key="mash-support", name="MASH business support", covers_whole_la=True)
    return UserFactory(username="support", agency=social_care, role=role)


@pytest.fixture
def referral(db, child, entitled):  # type: ignore[no-untyped-def]
    """A school DSL's referral, received on Monday 3 March 2025, decided: strategy discussion."""
    return ReferralFactory(
        contact__child=child,
        contact__referrer=entitled,
        contact__received_at=aware(2025, 3, 3, 10, 0),
        decision="strategy_discussion",
    )


def all_attendees(sw, nurse, dc):  # type: ignore[no-untyped-def]
    return [
        AttendeeInput(sw, "", None, Discipline.SOCIAL_CARE),
        AttendeeInput(nurse, "", None, Discipline.HEALTH),
        AttendeeInput(dc, "", None, Discipline.POLICE),
    ]


def record_strategy(referral, by, *, held_on=dt.date(2025, 3, 4), attendees=None, lead=None, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "referral": referral,
        "held_on": held_on,
        "chair": by,
        "reason": "Bruising seen; the child said her stepfather grabbed her.",
        "decisions": "Police and social care to visit jointly; medical examination.",
        "attendees": attendees
        if attendees is not None
        else [
            AttendeeInput(by, "", None, Discipline.SOCIAL_CARE),
            AttendeeInput(None, "Dr Patel", None, Discipline.HEALTH),
            AttendeeInput(None, "DC Smith", None, Discipline.POLICE),
        ],
        "missing_agencies_reason": "",
        "outcome": StrategyOutcome.SECTION47,
        "lead_social_worker": lead if lead is not None else by,
        "by": by,
    }
    values.update(kwargs)
    return strategy_discussion_record(**values)


def start_enquiry(referral, by, **kwargs) -> Section47Enquiry:  # type: ignore[no-untyped-def]
    return record_strategy(referral, by, **kwargs).section47


def invitees_for(*people):  # type: ignore[no-untyped-def]
    """Invitees: practitioners (who join the child's team) or (name, discipline) pairs."""
    rows = []
    for p in people:
        if isinstance(p, tuple):
            rows.append(InviteeInput(None, p[0], None, p[1], True, False, ""))
        else:
            rows.append(InviteeInput(p, "", None, Discipline.OTHER, True, True, "Report sent"))
    return rows


def record_icpc(enquiry, by, *, held_on=dt.date(2025, 3, 7), invitees=None, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "section47": enquiry,
        "held_on": held_on,
        "chair": by,
        "childs_views": "She wants to feel safe at home; said so to her teacher.",
        "summary": "Significant harm from physical abuse is likely.",
        "decision": ConferenceDecision.PLAN,
        "category": "PHY",
        "invitees": invitees if invitees is not None else invitees_for(("Jo Parent", Discipline.FAMILY)),
        "lead_social_worker": by,
        "outline": "Stepfather to leave the home; weekly visits; school to report any marks.",
        "by": by,
    }
    values.update(kwargs)
    return initial_conference_record(**values)


@pytest.fixture
def enquiry(referral, front_door):  # type: ignore[no-untyped-def]
    return start_enquiry(referral, front_door)


@pytest.fixture
def plan(enquiry, front_door, health_visitor):  # type: ignore[no-untyped-def]
    conference = record_icpc(
        enquiry, front_door, invitees=invitees_for(health_visitor, ("Jo Parent", Discipline.FAMILY))
    )
    return ProtectionPlan.objects.get(initial_conference=conference)
