"""The child protection plan: core group, statutory visits, clocks and the end of the plan."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safeguarding.access.models import ChildTeamMembership
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.audit.models import AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.people.models import ChildStatus, StatusPeriod
from safeguarding.protection.models import (
    ConferenceDecision,
    CoreGroupMember,
    Discipline,
    PlanEnd,
    PlanEndReason,
    ProtectionPlan,
)
from safeguarding.protection.selectors import plan_view
from safeguarding.protection.services import (
    core_group_meeting_record,
    core_group_member_add,
    plan_end,
    statutory_visit_record,
)
from safeguarding.protection.tests.conftest import record_icpc, start_enquiry
from safeguarding.protection.tests.test_conferences import review
from safeguarding.sharing.models import Letter, LetterKind

pytestmark = pytest.mark.django_db


def visit(plan, by, on, *, seen=True, alone=False):  # type: ignore[no-untyped-def]
    return statutory_visit_record(
        plan=plan, visited_on=on, child_seen=seen, seen_alone=alone, note="Home visit.", by=by
    )


def meeting(plan, by, on):  # type: ignore[no-untyped-def]
    return core_group_meeting_record(plan=plan, held_on=on, attendees="SW, nurse, DSL", summary="On track.", by=by)


class TestCoreGroup:
    def test_a_member_who_uses_the_service_joins_the_child_s_team(self, plan, front_door, entitled, child):
        member = core_group_member_add(
            plan=plan, practitioner=entitled, name="", agency=None, discipline=Discipline.EDUCATION, by=front_door
        )
        assert member.name == entitled.display_name
        assert member.agency == entitled.agency
        assert member.team_membership.capacity == "core group member"
        assert basis_for(entitled, child.pk) is Basis.CHILDS_TEAM
        assert AuditEvent.objects.filter(object_type="protection.coregroupmember").exists()

    def test_a_member_is_added_once(self, plan, front_door, entitled):
        core_group_member_add(
            plan=plan, practitioner=entitled, name="", agency=None, discipline="education", by=front_door
        )
        with pytest.raises(ValidationError) as exc:
            core_group_member_add(
                plan=plan, practitioner=entitled, name="", agency=None, discipline="education", by=front_door
            )
        assert exc.value.message_dict["practitioner"] == [f"{entitled.display_name} is already in the core group"]

    def test_a_member_needs_a_name_and_a_discipline(self, plan, front_door):
        with pytest.raises(ValidationError) as exc:
            core_group_member_add(plan=plan, practitioner=None, name=" ", agency=None, discipline="", by=front_door)
        assert set(exc.value.message_dict) == {"name", "discipline"}

    def test_the_first_meeting_meets_the_10_working_day_clock(self, plan, front_door, child):
        view = plan_view(plan)
        assert view.first_core_group.due == dt.date(2025, 3, 21)
        assert view.first_core_group.state == "due"
        meeting(plan, front_door, dt.date(2025, 3, 10))
        view = plan_view(plan)
        assert view.first_core_group.state == "met"
        assert view.first_core_group.completed_on == dt.date(2025, 3, 10)
        assert ChronologyEntry.objects.filter(child=child, kind="core_group_meeting").count() == 1

    def test_a_meeting_cannot_be_before_the_plan_or_in_the_future(self, plan, front_door):
        with pytest.raises(ValidationError) as exc:
            meeting(plan, front_door, dt.date(2025, 3, 6))
        assert exc.value.message_dict["held_on"] == [
            "The date of the core group meeting must be on or after the date the plan started, 7 March 2025"
        ]
        with pytest.raises(ValidationError):
            meeting(plan, front_door, dt.date(2025, 3, 11))

    def test_the_first_core_group_clock_skips_bank_holidays(self, referral, front_door, frozen_today):
        # ICPC on Thursday 17 April 2025: Good Friday, Easter Monday and 5 May do not count.
        frozen_today.move_to(dt.datetime(2025, 5, 20, 12, 0, tzinfo=dt.UTC))
        enquiry = start_enquiry(referral, front_door, held_on=dt.date(2025, 4, 16))
        plan = ProtectionPlan.objects.get(
            initial_conference=record_icpc(enquiry, front_door, held_on=dt.date(2025, 4, 17))
        )
        assert plan_view(plan).first_core_group.due == dt.date(2025, 5, 6)
        meeting(plan, front_door, dt.date(2025, 5, 6))
        assert plan_view(plan).first_core_group.state == "met"


class TestStatutoryVisits:
    def test_seen_alone_only_if_the_child_was_seen(self, plan, front_door):
        with pytest.raises(ValidationError) as exc:
            visit(plan, front_door, dt.date(2025, 3, 8), seen=False, alone=True)
        assert exc.value.message_dict["seen_alone"] == ["A child who was not seen cannot have been seen alone"]

    def test_the_visit_clock_runs_from_the_last_visit_at_which_the_child_was_seen(self, plan, front_door, child):
        assert plan_view(plan).next_visit.due == dt.date(2025, 3, 21)
        visit(plan, front_door, dt.date(2025, 3, 10), seen=False)
        # A visit at which the child was not seen does not restart the clock.
        assert plan_view(plan).next_visit.due == dt.date(2025, 3, 21)
        visit(plan, front_door, dt.date(2025, 3, 10), seen=True, alone=True)
        view = plan_view(plan)
        assert view.next_visit.due == dt.date(2025, 3, 24)
        assert [v.seen_alone for v in view.visits] == [False, True]
        summaries = list(
            ChronologyEntry.objects.filter(kind="statutory_visit").order_by("id").values_list("summary", flat=True)
        )
        assert summaries == ["Statutory visit: child not seen.", "Statutory visit: child seen alone."]

    def test_the_visit_clock_is_overdue_after_ten_working_days(self, plan, frozen_today):
        frozen_today.move_to(dt.datetime(2025, 3, 24, 12, 0, tzinfo=dt.UTC))
        assert plan_view(plan).next_visit.state == "overdue"

    def test_a_visit_cannot_be_before_the_plan(self, plan, front_door):
        with pytest.raises(ValidationError) as exc:
            visit(plan, front_door, dt.date(2025, 3, 1))
        assert "on or after the date the plan started" in exc.value.message_dict["visited_on"][0]


class TestReviewClocks:
    def test_first_review_within_3_months_then_6_months_apart(self, plan, front_door, frozen_today):
        assert plan_view(plan).next_review.due == dt.date(2025, 6, 7)
        frozen_today.move_to(dt.datetime(2025, 6, 20, 12, 0, tzinfo=dt.UTC))
        assert plan_view(plan).next_review.state == "overdue"
        review(plan, front_door, dt.date(2025, 6, 10))
        view = plan_view(plan)
        assert view.reviews[0].clock.state == "met_late"
        assert view.next_review.timescale.key == "review_conference"
        assert view.next_review.due == dt.date(2025, 12, 10)


class TestPlanEnd:
    def test_no_longer_at_risk_only_through_a_review_conference(self, plan, front_door):
        with pytest.raises(DomainError) as exc:
            plan_end(
                plan=plan, ended_on=dt.date(2025, 3, 10), reason=PlanEndReason.NO_LONGER_AT_RISK, note="", by=front_door
            )
        assert str(exc.value) == (
            "Only a review conference can decide that a child is no longer at risk: record the review conference."
        )
        assert not PlanEnd.objects.exists()

    def test_a_transfer_ends_the_plan_once_and_tells_every_invitee(
        self, plan, front_door, health_visitor, entitled, child
    ):
        core_group_member_add(
            plan=plan, practitioner=entitled, name="", agency=None, discipline="education", by=front_door
        )
        assert basis_for(entitled, child.pk) is Basis.CHILDS_TEAM
        end = plan_end(
            plan=plan,
            ended_on=dt.date(2025, 3, 10),
            reason=PlanEndReason.TRANSFERRED,
            note="Moved to Leeds.",
            by=front_door,
        )
        letters = Letter.objects.filter(kind=LetterKind.PLAN_END_NOTICE, source_id=end.pk)
        assert sorted(letters.values_list("recipient_name", flat=True)) == sorted(
            [health_visitor.display_name, "Jo Parent"]
        )
        assert "Moved to Leeds." in letters.first().body
        # Everyone the plan brought into the child's team leaves it; the school keeps its own basis.
        assert not ChildTeamMembership.objects.filter(child=child, ended_at__isnull=True).exists()
        assert basis_for(health_visitor, child.pk) is Basis.NONE
        assert basis_for(entitled, child.pk) is Basis.AGENCY
        assert StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_PROTECTION_PLAN).ended_on == dt.date(
            2025, 3, 10
        )
        assert ChronologyEntry.objects.filter(kind="cp_plan_ended", source_id=end.pk).exists()
        with pytest.raises(DomainError, match="This plan already ended on 10 March 2025"):
            plan_end(plan=plan, ended_on=dt.date(2025, 3, 10), reason=PlanEndReason.DIED, note="", by=front_door)

    def test_an_ended_plan_takes_no_more_steps(self, plan, front_door, entitled):
        plan_end(plan=plan, ended_on=dt.date(2025, 3, 10), reason=PlanEndReason.LEFT_UK, note="", by=front_door)
        with pytest.raises(DomainError):
            visit(plan, front_door, dt.date(2025, 3, 10))
        with pytest.raises(DomainError):
            meeting(plan, front_door, dt.date(2025, 3, 10))
        with pytest.raises(DomainError):
            core_group_member_add(
                plan=plan, practitioner=entitled, name="", agency=None, discipline="education", by=front_door
            )
        assert CoreGroupMember.objects.count() == 0
        view = plan_view(plan)
        assert view.next_review is None and view.next_visit is None

    def test_a_plan_cannot_end_before_its_last_conference(self, plan, front_door):
        review(plan, front_door, dt.date(2025, 3, 9))
        with pytest.raises(ValidationError) as exc:
            plan_end(plan=plan, ended_on=dt.date(2025, 3, 8), reason=PlanEndReason.DIED, note="", by=front_door)
        assert exc.value.message_dict["ended_on"] == [
            "The date the plan ended must be on or after the last review conference, 9 March 2025"
        ]

    def test_turned_18_needs_the_child_to_be_18(self, plan, front_door):
        with pytest.raises(ValidationError) as exc:
            plan_end(plan=plan, ended_on=dt.date(2025, 3, 10), reason=PlanEndReason.TURNED_18, note="", by=front_door)
        assert exc.value.message_dict["reason"] == [
            "The child turns 18 on 1 June 2033: the plan cannot end for that reason yet"
        ]

    def test_a_review_s_end_must_come_from_a_review_that_decided_it(self, plan, front_door):
        continuing = review(plan, front_door, dt.date(2025, 3, 9), decision=ConferenceDecision.CONTINUE)
        with pytest.raises(DomainError, match="must be a review of that plan that decided to end it"):
            plan_end(
                plan=plan,
                ended_on=dt.date(2025, 3, 9),
                reason=PlanEndReason.NO_LONGER_AT_RISK,
                note="",
                by=front_door,
                conference=continuing,
            )

    def test_only_children_s_social_care_ends_a_plan(self, plan, entitled):
        with pytest.raises(DomainError, match="Only children's social care"):
            plan_end(plan=plan, ended_on=dt.date(2025, 3, 10), reason=PlanEndReason.DIED, note="", by=entitled)
