"""The timeliness projection (ClockRow) is exactly what a rebuild from the pathway's rows would
give, after every step a service takes, so a manager's counts never drift from the record."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from safeguarding.access.models import AgencyKind
from safeguarding.frontdoor.models import Decision
from safeguarding.frontdoor.services import ContactInput, contact_decide, contact_record
from safeguarding.pathway.models import ClockRow
from safeguarding.pathway.projection import clock_rows_for, clock_rows_rebuild
from safeguarding.pathway.timeliness import team_timeliness
from safeguarding.protection.models import ConferenceDecision, Discipline, StrategyOutcome
from safeguarding.protection.services import (
    AttendeeInput,
    InviteeInput,
    core_group_meeting_record,
    initial_conference_record,
    review_conference_record,
    strategy_discussion_record,
)
from tests.factories import AgencyFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def rows(child_id: int) -> set[tuple[object, ...]]:
    return {
        (r.key, r.owner_id, r.source_type, r.source_id, r.start_on, r.completed_on)
        for r in ClockRow.objects.filter(child_id=child_id)
    }


def rebuilt(child_id: int) -> set[tuple[object, ...]]:
    return {
        (r.key, r.owner_id, r.source_type, r.source_id, r.start_on, r.completed_on) for r in clock_rows_for([child_id])
    }


def keys(child_id: int, *, running: bool) -> set[str]:
    return set(ClockRow.objects.filter(child_id=child_id, completed_on__isnull=running).values_list("key", flat=True))


@pytest.fixture
def people(db, social_care, entitled):  # type: ignore[no-untyped-def]
    team_role = RoleFactory(key="psw", name="Social worker", covers_whole_la=True, is_social_worker=True)
    decider_role = RoleFactory(
        key="mash", name="Front door", covers_whole_la=True, is_social_worker=True, may_decide_referrals=True
    )
    return {
        "dsl": entitled,
        "decider": UserFactory(username="mash", agency=social_care, role=decider_role),
        "sw": UserFactory(username="psw", agency=social_care, role=team_role),
        "police": AgencyFactory(name="County Police", kind=AgencyKind.POLICE),
    }


def step(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(15), tzinfo=LONDON), tick=False)


def test_every_step_of_a_plan_keeps_the_projection_as_a_rebuild_would(child, people):
    sw, decider = people["sw"], people["decider"]
    with step(dt.date(2025, 3, 3)):
        contact = contact_record(
            child=child,
            data=ContactInput(
                concern="Bruises on her arm; she says her stepfather grabbed her.",
                action_taken="Spoke to her; told the DSL.",
                family_aware=False,
                consent="not_sought",
                consent_reason="Telling the stepfather could put her at risk.",
                categories=["physical_abuse"],
            ),
            by=people["dsl"],
        )
        assert rows(child.pk) == rebuilt(child.pk)
        assert keys(child.pk, running=True) == {"referral_decision"}
        contact_decide(contact=contact, decision=Decision.STRATEGY_DISCUSSION, reason="Harm likely.", by=decider)
        assert rows(child.pk) == rebuilt(child.pk)
        assert keys(child.pk, running=True) == {"strategy_discussion"}
        assert keys(child.pk, running=False) == {"referral_decision"}
    with step(dt.date(2025, 3, 4)):
        discussion = strategy_discussion_record(
            referral=contact.referral,
            held_on=dt.date(2025, 3, 4),
            chair=sw,
            reason="Bruising with an account from the child.",
            decisions="Joint visit; medical.",
            attendees=[
                AttendeeInput(sw, "", None, Discipline.SOCIAL_CARE),
                AttendeeInput(None, "Dr Patel", None, Discipline.HEALTH),
                AttendeeInput(None, "DC Smith", people["police"], Discipline.POLICE),
            ],
            missing_agencies_reason="",
            outcome=StrategyOutcome.SECTION47,
            lead_social_worker=sw,
            by=sw,
        )
        assert rows(child.pk) == rebuilt(child.pk)
        assert keys(child.pk, running=True) == {"section47_enquiry", "initial_conference"}
    with step(dt.date(2025, 3, 20)):
        conference = initial_conference_record(
            section47=discussion.section47,
            held_on=dt.date(2025, 3, 20),
            chair=sw,
            childs_views="She wants to feel safe at home.",
            summary="Physical harm is likely.",
            decision=ConferenceDecision.PLAN,
            category="PHY",
            invitees=[InviteeInput(None, "Jo Parent", None, Discipline.FAMILY, True, False, "")],
            lead_social_worker=sw,
            outline="Weekly visits; school to report any marks.",
            by=sw,
        )
        plan = conference.plan_made
        assert rows(child.pk) == rebuilt(child.pk)
        assert {"first_core_group", "first_review_conference", "cp_visit"} <= keys(child.pk, running=True)
        assert "initial_conference" in keys(child.pk, running=False)
    with step(dt.date(2025, 3, 27)):
        core_group_meeting_record(
            plan=plan, held_on=dt.date(2025, 3, 27), attendees="Social worker, school", summary="On track.", by=sw
        )
        assert rows(child.pk) == rebuilt(child.pk)
        assert "first_core_group" in keys(child.pk, running=False)
    with step(dt.date(2025, 6, 12)):
        review_conference_record(
            plan=plan,
            held_on=dt.date(2025, 6, 12),
            chair=sw,
            childs_views="She feels safe now.",
            summary="No longer at risk.",
            decision=ConferenceDecision.END,
            category="",
            invitees=[InviteeInput(None, "Jo Parent", None, Discipline.FAMILY, True, False, "")],
            by=sw,
        )
        assert rows(child.pk) == rebuilt(child.pk)
        assert not keys(child.pk, running=True) & {"first_core_group", "review_conference", "cp_visit"}
        timeliness = {c.label.split(" ")[0]: c for c in team_timeliness(None, dt.date(2025, 6, 12)).completed}
    assert (timeliness["Decisions"].in_time, timeliness["Decisions"].late) == (1, 0)
    assert (timeliness["Initial"].in_time, timeliness["Initial"].late) == (1, 0)
    assert (timeliness["First"].in_time, timeliness["First"].late) == (1, 0)
    assert (timeliness["Review"].in_time, timeliness["Review"].late) == (1, 0)


def test_a_rebuild_replaces_every_row(child, people):
    with step(dt.date(2025, 3, 3)):
        contact_record(
            child=child,
            data=ContactInput(
                concern="Left alone overnight.",
                action_taken="Called the front door.",
                family_aware=True,
                consent="given",
                categories=["neglect"],
            ),
            by=people["dsl"],
        )
    ClockRow.objects.all().delete()
    assert clock_rows_rebuild() == 1
    assert (
        rows(child.pk)
        == rebuilt(child.pk)
        == {("referral_decision", None, "frontdoor.contact", child.contacts.get().pk, dt.date(2025, 3, 3), None)}
    )


def test_the_check_command_reports_a_projection_out_of_step(child, people):
    with step(dt.date(2025, 3, 3)):
        contact_record(
            child=child,
            data=ContactInput(
                concern="Left alone overnight.",
                action_taken="Called the front door.",
                family_aware=True,
                consent="given",
                categories=["neglect"],
            ),
            by=people["dsl"],
        )
    out = StringIO()
    call_command("clock_rows_rebuild", "--check", stdout=out)
    assert "matches the pathway: 1 clock rows" in out.getvalue()
    ClockRow.objects.all().delete()
    with pytest.raises(CommandError, match="1 missing, 0 stale"):
        call_command("clock_rows_rebuild", "--check")
    call_command("clock_rows_rebuild", stdout=StringIO())
    assert rows(child.pk) == rebuilt(child.pk)
