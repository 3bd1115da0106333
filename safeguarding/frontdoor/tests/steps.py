"""Rows of the later pathway made directly (their own services are other apps' and tested
there): enough to test what the front door reads and refuses."""

import datetime as dt

from safeguarding.assessments.models import Assessment, AssessmentCompletion, CINPlan, CINPlanEnd
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.protection.models import (
    Conference,
    PlanEnd,
    ProtectionPlan,
    Section47Completion,
    Section47Enquiry,
    StrategyDiscussion,
)


def assessment(referral, by, *, started_on: dt.date, completed_on: dt.date | None = None, outcome: str = "cin_plan"):
    row = Assessment.objects.create(
        child=referral.child, referral=referral, started_on=started_on, lead_practitioner=by, created_by=by
    )
    if completed_on:
        AssessmentCompletion.objects.create(
            assessment=row,
            completed_on=completed_on,
            factors=["3B"],
            primary_need="N1",
            analysis="Confidential analysis of the family's situation.",
            outcome=outcome,
            completed_by=by,
        )
    return row


def strategy_discussion(referral, by, *, held_on: dt.date, outcome: str = "section47"):
    return StrategyDiscussion.objects.create(
        child=referral.child,
        referral=referral,
        held_on=held_on,
        chair=by,
        reason="Confidential: disclosure of physical harm.",
        decisions="Section 47 enquiry; police to interview.",
        outcome=outcome,
        created_by=by,
    )


def section47(
    discussion, by, *, started_on: dt.date, completed_on: dt.date | None = None, outcome: str = "initial_conference"
):
    enquiry = Section47Enquiry.objects.create(
        child=discussion.child,
        strategy_discussion=discussion,
        lead_social_worker=by,
        started_on=started_on,
        created_by=by,
    )
    if completed_on:
        Section47Completion.objects.create(
            enquiry=enquiry,
            completed_on=completed_on,
            findings="Confidential findings.",
            outcome=outcome,
            completed_by=by,
        )
    return enquiry


def initial_conference(enquiry, by, *, held_on: dt.date, decision: str = "plan", category: str = "NEG"):
    return Conference.objects.create(
        child=enquiry.child,
        kind="initial",
        section47=enquiry,
        held_on=held_on,
        chair=by,
        childs_views="Confidential views.",
        summary="Confidential summary.",
        decision=decision,
        category=category,
        created_by=by,
    )


def protection_plan(referral, conference, by, *, started_on: dt.date, ended_on: dt.date | None = None):
    plan = ProtectionPlan.objects.create(
        child=referral.child,
        referral=referral,
        initial_conference=conference,
        started_on=started_on,
        initial_category=conference.category or "NEG",
        lead_social_worker=by,
        outline="Confidential plan.",
        created_by=by,
    )
    if ended_on:
        PlanEnd.objects.create(plan=plan, ended_on=ended_on, reason="no_longer_at_risk", ended_by=by)
    return plan


def review_conference(plan, by, *, held_on: dt.date, decision: str = "continue"):
    return Conference.objects.create(
        child=plan.child,
        kind="review",
        plan=plan,
        held_on=held_on,
        chair=by,
        childs_views="Confidential views.",
        summary="Confidential summary.",
        decision=decision,
        created_by=by,
    )


def cin_plan(referral, by, *, started_on: dt.date, ended_on: dt.date | None = None):
    plan = CINPlan.objects.create(
        child=referral.child,
        referral=referral,
        started_on=started_on,
        lead_practitioner=by,
        plan="Confidential plan.",
        created_by=by,
    )
    if ended_on:
        CINPlanEnd.objects.create(plan=plan, ended_on=ended_on, reason="Needs met.", ended_by=by)
    return plan


def early_help(child, by, *, started_on: dt.date, from_contact=None, from_referral=None):
    return EarlyHelpEpisode.objects.create(
        child=child,
        started_on=started_on,
        lead_practitioner=by,
        lead_chosen_with_family=True,
        from_contact=from_contact,
        from_referral=from_referral,
        created_by=by,
    )
