"""Writes of child in need plans: start, reviews, end (CIN census CINPlanDates).

Re-exported by assessments/services.py, where the other apps find them. Same shape as the
assessment services: atomic, one row per step, chronology and audit in the same transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import ChildTeamMembership, User
from safeguarding.access.services import team_member_end
from safeguarding.assessments import permissions as perms
from safeguarding.assessments.models import Assessment, CINPlan, CINPlanEnd, CINPlanReview
from safeguarding.assessments.steps import (
    PLAN_LEAD_CAPACITY,
    check_date,
    completion_of,
    join_team,
    lock_open_referral,
    long_date,
    usable_practitioner,
    who,
)
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.core import clocks
from safeguarding.core.calendar import day_moment as at
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import Referral
from safeguarding.pathway.projection import refreshes_clocks


@transaction.atomic
@refreshes_clocks
def cin_plan_start(
    *,
    referral: Referral,
    started_on: date,
    lead_practitioner: User,
    plan: str,
    by: User,
    assessment: Assessment | None = None,
) -> CINPlan:
    """A child in need plan on an open referral: after an assessment, a section 47 enquiry or
    the end of a child protection plan (CIN census CINPlanDates)."""
    perms.require(perms.may_start(by), "Only children's social care can start a child in need plan")
    referral = lock_open_referral(referral)
    if CINPlan.objects.filter(referral=referral, end__isnull=True).exists():
        raise DomainError("This referral already has a child in need plan that has not ended.")
    after = (referral.referral_date, "the referral date")
    if assessment is not None:
        if assessment.referral_id != referral.pk:
            raise DomainError("The assessment belongs to another referral.")
        completion = completion_of(assessment)
        if completion is None:
            raise DomainError("The assessment has not been completed yet: complete it before starting a plan.")
        after = max(after, (completion.completed_on, "the date the assessment was completed"))
    errors: dict[str, str] = {}
    check_date(errors, "started_on", started_on, what="The date the plan started", after=after)
    if not usable_practitioner(lead_practitioner):
        errors["lead_practitioner"] = "Select a lead practitioner from the list"
    if not plan.strip():
        errors["plan"] = "Enter the plan: the child's needs, what will be done, by whom and by when"
    if errors:
        raise ValidationError(errors)
    child = referral.child
    row = CINPlan.objects.create(
        child=child,
        referral=referral,
        started_on=started_on,
        lead_practitioner=lead_practitioner,
        plan=plan.strip(),
        created_by=by,
    )
    join_team(child, lead_practitioner, PLAN_LEAD_CAPACITY, by)
    chronology_record(
        child=child,
        kind_key="cin_plan_started",
        source=row,
        agency=by.agency,
        author=by,
        occurred_at=at(started_on),
        summary=f"Child in need plan started. Lead practitioner: {who(lead_practitioner)}.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=row,
        detail={
            "referral": referral.pk,
            "assessment": assessment.pk if assessment else None,
            "started_on": started_on,
            "lead_practitioner": lead_practitioner.pk,
        },
    )
    return row


def _lock_plan(plan: CINPlan) -> CINPlan:
    plan = CINPlan.objects.select_for_update(of=("self",)).select_related("child").get(pk=plan.pk)
    ended = CINPlanEnd.objects.filter(plan=plan).first()
    if ended is not None:
        raise DomainError(f"This plan ended on {long_date(ended.ended_on)}.")
    return plan


def _last_review(plan: CINPlan) -> CINPlanReview | None:
    return CINPlanReview.objects.filter(plan=plan).order_by("-held_on", "-id").first()


@transaction.atomic
@refreshes_clocks
def cin_plan_review(*, plan: CINPlan, held_on: date, summary: str, by: User) -> CINPlanReview:
    perms.require(
        perms.may_act_on_plan(by, plan), "Only social care or the plan's lead practitioner can record a review"
    )
    plan = _lock_plan(plan)
    last = _last_review(plan)
    errors: dict[str, str] = {}
    what = "The date of the review"
    check_date(errors, "held_on", held_on, what=what, after=(plan.started_on, "the date the plan started"))
    if "held_on" not in errors and last is not None and held_on <= last.held_on:
        errors["held_on"] = f"{what} must be after the last review, held on {long_date(last.held_on)}"
    if not summary.strip():
        errors["summary"] = "Enter what the review found and what was agreed"
    if errors:
        raise ValidationError(errors)
    review = CINPlanReview.objects.create(plan=plan, held_on=held_on, summary=summary.strip(), recorded_by=by)
    status = clocks.clock_status("cin_plan_review", last.held_on if last else plan.started_on, held_on)
    chronology_record(
        child=plan.child,
        kind_key="cin_plan_review",
        source=plan,
        agency=by.agency,
        author=by,
        occurred_at=at(held_on),
        summary="Child in need plan reviewed"
        + (" (later than the review interval)." if status.state is clocks.ClockState.MET_LATE else "."),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=plan.child,
        obj=review,
        detail={"plan": plan.pk, "held_on": held_on, "in_time": status.state is clocks.ClockState.MET},
    )
    return review


@transaction.atomic
@refreshes_clocks
def cin_plan_end(*, plan: CINPlan, ended_on: date, reason: str, by: User) -> CINPlanEnd:
    perms.require(perms.may_act_on_plan(by, plan), "Only social care or the plan's lead practitioner can end the plan")
    plan = _lock_plan(plan)
    last = _last_review(plan)
    errors: dict[str, str] = {}
    after = (plan.started_on, "the date the plan started")
    if last is not None:
        after = (last.held_on, "the last review")
    check_date(errors, "ended_on", ended_on, what="The date the plan ended", after=after)
    if not reason.strip():
        errors["reason"] = "Enter why the plan is ending"
    if errors:
        raise ValidationError(errors)
    end = CINPlanEnd.objects.create(plan=plan, ended_on=ended_on, reason=reason.strip(), ended_by=by)
    # The plan's lead leaves the child's team in that capacity (other capacities stay).
    now = timezone.now()
    for membership in ChildTeamMembership.objects.filter(
        child=plan.child, practitioner_id=plan.lead_practitioner_id, capacity=PLAN_LEAD_CAPACITY, ended_at__isnull=True
    ):
        team_member_end(membership=membership, ended_at=now, by=by)
    chronology_record(
        child=plan.child,
        kind_key="cin_plan_ended",
        source=plan,
        agency=by.agency,
        author=by,
        occurred_at=at(ended_on),
        summary="Child in need plan ended.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=plan.child,
        obj=end,
        detail={"plan": plan.pk, "ended_on": ended_on, "reason": end.reason},
    )
    return end
