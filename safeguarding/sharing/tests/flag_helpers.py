"""People and rows for the status flag tests (sharing/flags.py).

Most tests run at noon on Monday 10 March 2025. A child protection plan is made through the
protection services, so that its status period and lead social worker are what the services
write: a strategy discussion on 4 March starts a section 47 enquiry, and the initial
conference on 7 March makes the plan (category physical abuse).
"""

import datetime as dt
from typing import Any

from safeguarding.access.models import AgencyKind, User
from safeguarding.people.models import Child
from safeguarding.protection.models import ConferenceDecision, Discipline, ProtectionPlan, StrategyOutcome
from safeguarding.protection.services import (
    AttendeeInput,
    InviteeInput,
    initial_conference_record,
    strategy_discussion_record,
)
from tests.factories import AgencyFactory, ReferralFactory, RoleFactory, UserFactory, aware

NOON = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
TODAY = dt.date(2025, 3, 10)
PLAN_STARTED = dt.date(2025, 3, 7)
NHS = "9434765919"  # valid (modulus 11)
OTHER_NHS = "4857773457"  # valid, and no child has it
UPN = "T801201001012"  # valid (check letter T)
PURPOSE = "Attended A&E with a head injury"


def with_nhs(child: Child, nhs: str = NHS) -> Child:
    child.nhs_number = nhs
    child.save(update_fields=["nhs_number"])
    return child


def social_worker(social_care: Any, username: str = "sam") -> User:
    """A social worker who may lead a section 47 enquiry and a plan, with a direct line."""
    role = RoleFactory(key="sw", name="Social worker", covers_whole_la=True, is_social_worker=True)
    return UserFactory(
        username=username,
        first_name="Sam",
        last_name="Okafor",
        agency=social_care,
        role=role,
        job_title="Child protection social worker",
        phone="01632 960123",
        email="sam.okafor@example.org",
    )


def practitioner(kind: str, username: str, agency_name: str = "") -> User:
    """A practitioner of an agency of `kind` (one agency per name)."""
    agency = AgencyFactory(name=agency_name or f"A {kind} agency", kind=kind)
    return UserFactory(username=username, agency=agency, role=RoleFactory(key=f"{kind}-practitioner"))


def hospital_nurse(username: str = "aenurse") -> User:
    return practitioner(AgencyKind.HOSPITAL, username, "County Hospital A&E")


def put_on_plan(child: Child, *, referrer: User, lead: User) -> ProtectionPlan:
    """Referral (3 March), strategy discussion (4 March), section 47, initial conference
    (7 March) making a child protection plan led by `lead`: all through the services."""
    referral = ReferralFactory(
        contact__child=child,
        contact__referrer=referrer,
        contact__received_at=aware(2025, 3, 3, 10, 0),
        decision="strategy_discussion",
    )
    discussion = strategy_discussion_record(
        referral=referral,
        held_on=dt.date(2025, 3, 4),
        chair=lead,
        reason="Bruising seen; the child said her stepfather grabbed her.",
        decisions="Police and social care to visit jointly; medical examination.",
        attendees=[
            AttendeeInput(lead, "", None, Discipline.SOCIAL_CARE),
            AttendeeInput(None, "Dr Patel", None, Discipline.HEALTH),
            AttendeeInput(None, "DC Smith", None, Discipline.POLICE),
        ],
        missing_agencies_reason="",
        outcome=StrategyOutcome.SECTION47,
        lead_social_worker=lead,
        by=lead,
    )
    conference = initial_conference_record(
        section47=discussion.section47,
        held_on=PLAN_STARTED,
        chair=lead,
        childs_views="She wants to feel safe at home; said so to her teacher.",
        summary="Significant harm from physical abuse is likely.",
        decision=ConferenceDecision.PLAN,
        category="PHY",
        invitees=[InviteeInput(None, "Jo Parent", None, Discipline.FAMILY, True, False, "")],
        lead_social_worker=lead,
        outline="Stepfather to leave the home; weekly visits; school to report any marks.",
        by=lead,
    )
    return ProtectionPlan.objects.get(initial_conference=conference)
