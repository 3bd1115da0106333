"""A child whose record holds every kind of record, each written through its own service,
for the subject access tests (and the browser journey)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.assessments.services import assessment_start, child_seen_record
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_amend, concern_record
from safeguarding.earlyhelp.services.episode import episode_close, episode_start
from safeguarding.earlyhelp.services.work import plan_action_add, taf_member_add
from safeguarding.encompass.services import ChildAtIncident, IncidentInput, encompass_incident_record
from safeguarding.frontdoor.services import ContactInput, contact_decide, contact_record
from safeguarding.people.models import Child, Person
from safeguarding.people.services import PersonDetails, relationship_add
from safeguarding.protection.models import ConferenceDecision, Discipline, StrategyOutcome
from safeguarding.protection.services._common import AttendeeInput, InviteeInput
from safeguarding.protection.services.conferences import initial_conference_record
from safeguarding.protection.services.strategy import strategy_discussion_record
from safeguarding.sharing.shares import ShareInput, information_share_record
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

CHILDS_WORDS = "Jo's boyfriend Dean hurt my arm"
MOTHER = ("Jo", "Parent")
PARTNER = ("Dean", "Hartley")
SIBLING = "Oliver Jones"
PUBLIC_REFERRER = "Pat Neighbour"


@dataclass
class Seeded:
    child: Child
    mother: Person
    partner: Person
    sibling: Child
    dsl: User
    police: User
    social_worker: User


def _days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def _moment(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def seed_record(child: Child, *, dsl: User, front_door: User, concerns: int = 1) -> Seeded:
    """Early help (closed), concerns (one amended), an A&E attendance, a member of the public's
    contact decided for a strategy discussion, an assessment, a section 47 enquiry, an initial
    conference and plan, a share, a police incident (Operation Encompass) and the family."""
    assert front_door.role is not None
    front_door.role.may_decide_referrals = True
    front_door.role.save(update_fields=["may_decide_referrals"])
    hospital = cast(Agency, AgencyFactory(name="County Hospital", kind=AgencyKind.HOSPITAL))
    police_agency = AgencyFactory(name="County Police", kind=AgencyKind.POLICE)
    police = cast(
        User, UserFactory(username="pc", agency=police_agency, role=RoleFactory(key="pc", name="Police officer"))
    )
    nurse = cast(User, UserFactory(username="nurse", agency=hospital, role=RoleFactory(key="nurse", name="Nurse")))

    mother = relationship_add(
        child=child,
        relationship="mother",
        person=PersonDetails(*MOTHER, date_of_birth=dt.date(1990, 4, 2)),
        lives_with_child=True,
        parental_responsibility=True,
        by=front_door,
    ).person
    partner = relationship_add(
        child=child,
        relationship="parents_partner",
        person=PersonDetails(*PARTNER),
        lives_with_child=True,
        by=front_door,
    ).person
    sibling = cast(Child, ChildFactory(display_name=SIBLING, first_name="Oliver"))
    relationship_add(
        child=child, relationship="sibling", related_child_id=sibling.pk, lives_with_child=True, by=front_door
    )
    assert mother is not None and partner is not None

    episode = episode_start(
        child=child,
        started_on=_days_ago(60),
        lead_practitioner=dsl,
        lead_chosen_with_family=True,
        lead_choice_note="Jo Parent asked for the school to lead",
        consent_given_by="Jo Parent",
        consent_relationship="Mother",
        consent_on=_days_ago(60),
        by=front_door,
    )
    # A member not on the platform has no team membership, which closing the episode trips on
    # (earlyhelp close_locked): a practitioner on the platform here.
    taf_member_add(episode=episode, practitioner=nurse, name="", agency=None, role="School nurse", by=dsl)
    plan_action_add(
        episode=episode, action="Attend the parenting course", owner_name="Jo Parent", owner=None,
        due_on=_days_ago(20), by=dsl,
    )  # fmt: skip
    episode_close(episode=episode, closed_on=_days_ago(40), reason="needs_met", note="Going well", by=dsl)

    for n in range(concerns):
        concern = concern_record(
            child=child,
            data=ConcernInput(
                occurred_at=_moment(30 - n % 20),
                what_happened=f"Bruise on the arm ({n}); Jo Parent said Oliver pushed her",
                action_taken="Told the DSL",
                categories=["physical_abuse"],
                childs_words=CHILDS_WORDS,
            ),
            by=dsl,
        )
    concern_amend(
        concern=concern, changes={"action_taken": "Told the DSL and the front door"}, reason="Missed a step", by=dsl
    )
    agency_event_record(
        child=child, agency=hospital, kind="ae_attendance", occurred_at=_moment(25), summary="Fall at home", by=nurse
    )

    contact = contact_record(
        child=child,
        data=ContactInput(
            concern="Shouting and crying next door; Dean Hartley is often there",
            action_taken="Called the council",
            family_aware=False,
            consent="not_sought",
            consent_reason="A neighbour calling",
            categories=["domestic_abuse"],
            household="Jo Parent, Dean Hartley, Oliver",
            received_at=_moment(10),
            referrer_name=PUBLIC_REFERRER,
            referrer_relationship="Neighbour",
            referrer_contact_details="07700 900123",
            public_source="1B",
        ),
        by=front_door,
        from_public=True,
    )
    contact_decide(contact=contact, decision="strategy_discussion", reason="Risk of significant harm", by=front_door)
    contact.refresh_from_db()
    referral = contact.referral
    assessment = assessment_start(
        referral=referral, started_on=_days_ago(9), lead_practitioner=front_door, supervisor=None, by=front_door
    )
    child_seen_record(
        assessment=assessment, seen_on=_days_ago(8), seen_alone=True, note="Seen at school", by=front_door
    )
    discussion = strategy_discussion_record(
        referral=referral,
        held_on=_days_ago(8),
        chair=front_door,
        reason="Bruising and a disclosure",
        decisions="Section 47 enquiry",
        attendees=[
            AttendeeInput(front_door, "", None, Discipline.SOCIAL_CARE),
            AttendeeInput(nurse, "", None, Discipline.HEALTH),
            AttendeeInput(police, "", None, Discipline.POLICE),
        ],
        missing_agencies_reason="",
        outcome=StrategyOutcome.SECTION47,
        lead_social_worker=front_door,
        by=front_door,
    )
    initial_conference_record(
        section47=discussion.section47,
        held_on=_days_ago(2),
        chair=front_door,
        childs_views="She wants Dean to leave",
        summary="Significant harm is likely",
        decision=ConferenceDecision.PLAN,
        category="PHY",
        invitees=[
            InviteeInput(None, "Jo Parent", None, Discipline.FAMILY, True, False, ""),
            InviteeInput(dsl, "", None, Discipline.EDUCATION, True, True, "Report sent"),
        ],
        lead_social_worker=front_door,
        outline="Dean Hartley to leave the home",
        by=front_door,
    )
    information_share_record(
        child=child,
        data=ShareInput(
            decision="shared",
            decided_on=_days_ago(1),
            what="Attendance this term",
            why="The GP asked",
            with_agency=None,
            with_person="Dr Amir Patel, GP partner",
            channel="phone",
            lawful_basis="public_task",
            consent="not_sought",
            consent_reason="Could put her at risk",
            family_told="not_told",
            family_not_told_reason="Dean would learn of it",
        ),
        by=dsl,
    )
    encompass_incident_record(
        data=IncidentInput(reference="POL/123", occurred_at=_moment(3), summary_for_school="Police attended the home"),
        child=ChildAtIncident(presence="present", child=child),
        by=police,
    )
    return Seeded(child, mother, partner, sibling, dsl, police, front_door)


def kinds_in(export: dict[str, Any]) -> set[str]:
    return {item["record"] for s in export["sections"] for item in s["items"]}


def all_parts(item: dict[str, Any]) -> list[dict[str, Any]]:
    out = [item]
    for part in item.get("parts", []):
        for sub in part["items"]:
            out += all_parts(sub)
    return out


def section(export: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s["items"] for s in export["sections"] if s["key"] == key)
