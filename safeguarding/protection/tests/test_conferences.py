"""Initial and review child protection conferences: the rules, in plain words."""

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
    Conference,
    ConferenceDecision,
    ConferenceInvitee,
    Discipline,
    PlanEnd,
    PlanEndReason,
    ProtectionPlan,
    Section47Outcome,
)
from safeguarding.protection.selectors import plan_view
from safeguarding.protection.services import review_conference_record, section47_complete
from safeguarding.protection.services.conferences import INVITEE_CAPACITY
from safeguarding.protection.tests.conftest import invitees_for, record_icpc, start_enquiry
from safeguarding.sharing.models import Letter, LetterKind

pytestmark = pytest.mark.django_db


def review(plan, by, held_on, **kwargs):  # type: ignore[no-untyped-def]
    values = {
        "plan": plan,
        "held_on": held_on,
        "chair": by,
        "childs_views": "She feels safer.",
        "summary": "Progress made.",
        "decision": ConferenceDecision.CONTINUE,
        "category": "",
        "invitees": invitees_for(("Jo Parent", Discipline.FAMILY)),
        "by": by,
    }
    values.update(kwargs)
    return review_conference_record(**values)


class TestInitialConference:
    def test_a_decision_to_make_a_plan_makes_it_with_its_category_and_lead(self, enquiry, front_door, child):
        conference = record_icpc(enquiry, front_door)
        plan = ProtectionPlan.objects.get(initial_conference=conference)
        assert plan.started_on == conference.held_on == dt.date(2025, 3, 7)
        assert plan.initial_category == "PHY"
        assert plan.lead_social_worker == front_door
        assert plan.referral == enquiry.strategy_discussion.referral
        period = StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_PROTECTION_PLAN)
        assert (period.started_on, period.category, period.ended_on) == (dt.date(2025, 3, 7), "PHY", None)
        kinds = set(ChronologyEntry.objects.filter(child=child).values_list("kind", flat=True))
        assert {"initial_conference", "cp_plan_started"} <= kinds
        assert AuditEvent.objects.filter(object_type="protection.protectionplan", object_id=str(plan.pk)).exists()

    def test_a_conference_needs_a_section_47_enquiry_behind_it(self, front_door):
        with pytest.raises(DomainError, match="needs a section 47 enquiry behind it"):
            record_icpc(None, front_door)

    @pytest.mark.parametrize(
        ("outcome", "words"),
        [
            (Section47Outcome.NO_FURTHER_ACTION, "no further action"),
            (Section47Outcome.CIN_PLAN, "a child in need plan"),
        ],
    )
    def test_an_enquiry_that_did_not_recommend_a_conference_cannot_have_one(self, enquiry, front_door, outcome, words):
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 6), findings="x", outcome=outcome, by=front_door
        )
        with pytest.raises(DomainError) as exc:
            record_icpc(enquiry, front_door)
        assert str(exc.value) == (
            f"This enquiry ended with {words}; an initial conference needs a section 47 enquiry that recommends one."
        )

    def test_an_enquiry_that_recommended_one_may_have_it_but_not_before_it_was_completed(self, enquiry, front_door):
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 6), findings="x", outcome="initial_conference", by=front_door
        )
        with pytest.raises(ValidationError) as exc:
            record_icpc(enquiry, front_door, held_on=dt.date(2025, 3, 5))
        assert exc.value.message_dict["held_on"] == [
            "The date of the conference must be on or after the date the section 47 enquiry was completed, 6 March 2025"
        ]
        record_icpc(enquiry, front_door, held_on=dt.date(2025, 3, 6))

    def test_one_initial_conference_per_enquiry(self, enquiry, front_door):
        record_icpc(enquiry, front_door)
        with pytest.raises(DomainError, match="was held on 7 March 2025"):
            record_icpc(enquiry, front_door, held_on=dt.date(2025, 3, 10))

    def test_it_cannot_be_held_before_the_strategy_discussion(self, enquiry, front_door):
        with pytest.raises(ValidationError) as exc:
            record_icpc(enquiry, front_door, held_on=dt.date(2025, 3, 3))
        assert exc.value.message_dict["held_on"] == [
            "The date of the conference must be on or after the strategy discussion, 4 March 2025"
        ]

    def test_a_plan_needs_a_category_a_social_worker_lead_and_an_outline(self, enquiry, front_door, business_support):
        with pytest.raises(ValidationError) as exc:
            record_icpc(enquiry, front_door, category="", lead_social_worker=business_support, outline=" ")
        errors = exc.value.message_dict
        assert errors["category"] == ["Select the category of abuse or neglect"]
        assert errors["lead_social_worker"] == ["The lead for a child protection plan must be a social worker"]
        assert "outline" in errors
        assert not Conference.objects.exists()

    @pytest.mark.parametrize("decision", [ConferenceDecision.CIN_PLAN, ConferenceDecision.NO_FURTHER_ACTION])
    def test_no_plan_decisions_make_no_plan_and_nobody_joins_the_team(
        self, enquiry, front_door, health_visitor, child, decision
    ):
        conference = record_icpc(
            enquiry, front_door, decision=decision, category="NEG", invitees=invitees_for(health_visitor)
        )
        assert conference.category == ""
        assert not ProtectionPlan.objects.exists()
        assert not StatusPeriod.objects.filter(status=ChildStatus.CHILD_PROTECTION_PLAN).exists()
        assert not ChildTeamMembership.objects.filter(child=child).exists()

    def test_invitees_on_the_platform_join_the_child_s_team(
        self, enquiry, front_door, health_visitor, detective, child
    ):
        assert basis_for(health_visitor, child.pk) is Basis.NONE
        conference = record_icpc(
            enquiry,
            front_door,
            invitees=invitees_for(health_visitor, detective, ("Jo Parent", Discipline.FAMILY)),
        )
        invitees = list(ConferenceInvitee.objects.filter(conference=conference))
        assert [i.team_membership is not None for i in invitees] == [True, True, False]
        membership = invitees[0].team_membership
        assert membership.practitioner == health_visitor
        assert membership.capacity == INVITEE_CAPACITY == "child protection conference invitee"
        assert basis_for(health_visitor, child.pk) is Basis.CHILDS_TEAM

    def test_a_child_already_on_a_plan_cannot_be_given_a_second(self, referral, enquiry, front_door):
        record_icpc(enquiry, front_door)
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 7), findings="x", outcome="initial_conference", by=front_door
        )
        from safeguarding.protection.tests.conftest import start_enquiry as again

        second = again(referral, front_door, held_on=dt.date(2025, 3, 8))
        with pytest.raises(DomainError, match="has been on a child protection plan since 7 March 2025"):
            record_icpc(second, front_door, held_on=dt.date(2025, 3, 10))


class TestInitialConferenceClock:
    """15 working days from the strategy discussion (CIN census InitialCPCtarget), counted
    without England's bank holidays: from Thursday 10 April 2025, Good Friday, Easter Monday
    and the early May bank holiday move the due date from 1 May to 6 May."""

    @pytest.fixture
    def april_enquiry(self, referral, front_door, frozen_today):  # type: ignore[no-untyped-def]
        frozen_today.move_to(dt.datetime(2025, 5, 12, 12, 0, tzinfo=dt.UTC))
        return start_enquiry(referral, front_door, held_on=dt.date(2025, 4, 10))

    def test_held_on_the_due_day_is_met(self, april_enquiry, front_door):
        conference = record_icpc(april_enquiry, front_door, held_on=dt.date(2025, 5, 6))
        entry = ChronologyEntry.objects.get(kind="initial_conference", source_id=conference.pk)
        assert "Held within 15 working days" in entry.summary

    def test_held_the_day_after_is_met_late_but_allowed(self, april_enquiry, front_door):
        conference = record_icpc(april_enquiry, front_door, held_on=dt.date(2025, 5, 7))
        entry = ChronologyEntry.objects.get(kind="initial_conference", source_id=conference.pk)
        assert "Held 1 working day late" in entry.summary


@pytest.fixture
def plan(enquiry, front_door):  # type: ignore[no-untyped-def]
    return ProtectionPlan.objects.get(initial_conference=record_icpc(enquiry, front_door))


class TestReviewConference:
    def test_a_review_continues_the_plan_and_may_change_its_category(self, plan, front_door, frozen_today):
        frozen_today.move_to(dt.datetime(2025, 6, 10, 12, 0, tzinfo=dt.UTC))
        review(plan, front_door, dt.date(2025, 6, 5), category="MUL")
        view = plan_view(plan)
        assert plan.initial_category == "PHY"
        assert view.latest_category == "MUL"
        assert ChronologyEntry.objects.filter(kind="review_conference").count() == 1

    def test_a_review_cannot_be_held_before_the_plan(self, plan, front_door):
        with pytest.raises(ValidationError) as exc:
            review(plan, front_door, dt.date(2025, 3, 6))
        assert exc.value.message_dict["held_on"] == [
            "The date of the review conference must be after the initial conference, 7 March 2025"
        ]

    def test_reviews_must_be_in_date_order(self, plan, front_door):
        review(plan, front_door, dt.date(2025, 3, 9))
        with pytest.raises(ValidationError) as exc:
            review(plan, front_door, dt.date(2025, 3, 8))
        assert exc.value.message_dict["held_on"] == [
            "The date of the review conference must be after the last review conference, 9 March 2025"
        ]

    def test_a_review_needs_a_plan(self, front_door):
        with pytest.raises(DomainError, match="needs a child protection plan to review"):
            review(None, front_door, dt.date(2025, 3, 9))

    def test_a_review_that_ends_the_plan_tells_everyone_invited_to_the_initial_conference(
        self, enquiry, front_door, health_visitor, detective, child, frozen_today
    ):
        conference = record_icpc(
            enquiry, front_door, invitees=invitees_for(health_visitor, detective, ("Jo Parent", Discipline.FAMILY))
        )
        plan = ProtectionPlan.objects.get(initial_conference=conference)
        frozen_today.move_to(dt.datetime(2025, 6, 10, 12, 0, tzinfo=dt.UTC))
        ending = review(plan, front_door, dt.date(2025, 6, 5), decision=ConferenceDecision.END, category="NEG")
        end = PlanEnd.objects.get(plan=plan)
        assert (end.reason, end.conference, end.ended_on) == (
            PlanEndReason.NO_LONGER_AT_RISK,
            ending,
            dt.date(2025, 6, 5),
        )
        assert ending.category == ""
        letters = Letter.objects.filter(kind=LetterKind.PLAN_END_NOTICE, child=child)
        assert sorted(letters.values_list("recipient_name", flat=True)) == sorted(
            [health_visitor.display_name, detective.display_name, "Jo Parent"]
        )
        to_nurse = letters.get(recipient_user=health_visitor)
        assert to_nurse.recipient_agency == health_visitor.agency
        assert "ended on 5 June 2025" in to_nurse.body
        assert "A review conference decided the child is no longer at risk" in to_nurse.body
        # The invitees leave the child's team with the plan.
        assert basis_for(health_visitor, child.pk) is Basis.NONE
        period = StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_PROTECTION_PLAN)
        assert period.ended_on == dt.date(2025, 6, 5)
        assert ChronologyEntry.objects.filter(kind="cp_plan_ended", source_id=end.pk).exists()

    def test_no_review_of_an_ended_plan(self, plan, front_door):
        review(plan, front_door, dt.date(2025, 3, 8), decision=ConferenceDecision.END)
        with pytest.raises(DomainError, match="This plan ended on 8 March 2025"):
            review(plan, front_door, dt.date(2025, 3, 9))

    def test_review_invitees_join_the_team_once(self, plan, front_door, health_visitor, child):
        review(plan, front_door, dt.date(2025, 3, 8), invitees=invitees_for(health_visitor))
        review(plan, front_door, dt.date(2025, 3, 9), invitees=invitees_for(health_visitor))
        memberships = ChildTeamMembership.objects.filter(child=child, practitioner=health_visitor)
        assert memberships.count() == 1
