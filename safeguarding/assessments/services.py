"""Writes of child and family assessments (section 17) and child in need plans.

Each service is atomic, writes its own row (never an edit of an earlier one), the
chronology and the audit in the same transaction, and refuses an impossible step with a
ValidationError keyed by form field, a DomainError (a message safe to show), or
PermissionDenied when the person may not take it (rules in assessments/permissions.py).

Chronology entries of an assessment point at the assessment, and those of a plan at the
plan, so that each entry links to the page that shows the whole of it.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from safeguarding.access.models import User
from safeguarding.assessments import codes
from safeguarding.assessments import permissions as perms
from safeguarding.assessments.cin_plans import cin_plan_end, cin_plan_review, cin_plan_start
from safeguarding.assessments.letters import outcome_letters_write
from safeguarding.assessments.models import (
    Assessment,
    AssessmentAuthorisation,
    AssessmentCompletion,
    AssessmentOutcome,
    ChildSeen,
    PrimaryNeed,
)
from safeguarding.assessments.steps import (
    LEAD_CAPACITY,
    SUPERVISOR_CAPACITY,
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
from safeguarding.core import calendar, clocks
from safeguarding.core.calendar import day_moment as at
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import Referral
from safeguarding.pathway.projection import refreshes_clocks
from safeguarding.people.models import Child, ChildStatus, StatusPeriod

__all__ = [
    "assessment_authorise",
    "assessment_complete",
    "assessment_start",
    "child_seen_record",
    "cin_plan_end",
    "cin_plan_review",
    "cin_plan_start",
]

# '21 No factors identified' is only for when social care takes no further action.
NO_FACTOR_OUTCOMES = frozenset({AssessmentOutcome.NO_FURTHER_ACTION, AssessmentOutcome.EARLY_HELP})


@transaction.atomic
@refreshes_clocks
def assessment_start(
    *, referral: Referral, started_on: date, lead_practitioner: User, supervisor: User | None, by: User
) -> Assessment:
    perms.require(perms.may_start(by), "Only children's social care can start an assessment")
    referral = lock_open_referral(referral)
    if Assessment.objects.filter(referral=referral, completion__isnull=True).exists():
        raise DomainError("An assessment of this referral is already in progress. Complete it first.")
    errors: dict[str, str] = {}
    check_date(
        errors,
        "started_on",
        started_on,
        what="The date the assessment started",
        after=(referral.referral_date, "the referral date"),
    )
    if not usable_practitioner(lead_practitioner):
        errors["lead_practitioner"] = "Select a lead practitioner from the list"
    elif supervisor is not None and supervisor.pk == lead_practitioner.pk:
        errors["supervisor"] = "The supervisor must be someone other than the lead practitioner"
    elif supervisor is None and perms.lead_needs_supervisor(lead_practitioner):
        errors["supervisor"] = (
            f"Select a social-work-qualified supervisor: {lead_practitioner.display_name} is not a social worker, "
            "so the assessment must be supervised by one"
        )
    elif supervisor is not None and not (supervisor.is_active and perms.is_social_worker(supervisor)):
        errors["supervisor"] = "The supervisor must be a qualified social worker"
    if errors:
        raise ValidationError(errors)

    child = referral.child
    assessment = Assessment.objects.create(
        child=child,
        referral=referral,
        started_on=started_on,
        lead_practitioner=lead_practitioner,
        supervisor=supervisor,
        created_by=by,
    )
    join_team(child, lead_practitioner, LEAD_CAPACITY, by)
    if supervisor is not None:
        join_team(child, supervisor, SUPERVISOR_CAPACITY, by)
    summary = f"Child and family assessment started. Lead practitioner: {who(lead_practitioner)}"
    if supervisor is not None:
        summary += f"; supervised by {supervisor.display_name}"
    chronology_record(
        child=child,
        kind_key="assessment_started",
        source=assessment,
        agency=by.agency,
        author=by,
        occurred_at=at(started_on),
        summary=summary + ".",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=assessment,
        detail={
            "referral": referral.pk,
            "started_on": started_on,
            "lead_practitioner": lead_practitioner.pk,
            "supervisor": supervisor.pk if supervisor else None,
        },
    )
    return assessment


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("child", "referral", "lead_practitioner__agency")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def child_seen_record(*, assessment: Assessment, seen_on: date, seen_alone: bool, note: str, by: User) -> ChildSeen:
    perms.require(
        perms.may_record(by, assessment), "Only social care or the lead practitioner can record the child was seen"
    )
    assessment = _lock(assessment)
    completion = completion_of(assessment)
    errors: dict[str, str] = {}
    what = "The date the child was seen"
    check_date(errors, "seen_on", seen_on, what=what, after=(assessment.started_on, "the start of the assessment"))
    if not errors and completion is not None and seen_on > completion.completed_on:
        errors["seen_on"] = f"{what} must be on or before the day the assessment was completed, " + long_date(
            completion.completed_on
        )
    if errors:
        raise ValidationError(errors)
    seen = ChildSeen.objects.create(
        assessment=assessment, seen_on=seen_on, seen_alone=seen_alone, note=note.strip(), recorded_by=by
    )
    chronology_record(
        child=assessment.child,
        kind_key="child_seen",
        source=assessment,
        agency=by.agency,
        author=by,
        occurred_at=at(seen_on),
        summary=f"Child seen{' alone' if seen_alone else ''} during the child and family assessment.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=assessment.child,
        obj=seen,
        detail={"assessment": assessment.pk, "seen_on": seen_on, "seen_alone": seen_alone},
    )
    return seen


def _validate_factors(factors: list[str], outcome: str) -> str:
    chosen = set(factors)
    if not chosen:
        return "Select the factors identified at the end of the assessment, or 'No factors identified'"
    if chosen - codes.SELECTABLE:
        return "Select factors from the list"
    if codes.NO_FACTORS in chosen and len(chosen) > 1:
        return "'No factors identified' cannot be selected with other factors"
    if codes.NO_FACTORS in chosen and outcome in AssessmentOutcome.values and outcome not in NO_FACTOR_OUTCOMES:
        return "'No factors identified' can only be used when social care is taking no further action"
    return ""


def _on_protection_plan(child: Child, on: date) -> bool:
    return StatusPeriod.objects.filter(
        child=child,
        status__in=[ChildStatus.CHILD_PROTECTION_PLAN, ChildStatus.UNBORN_PLAN],
        started_on__lte=on,
        ended_on__isnull=True,
    ).exists()


@transaction.atomic
@refreshes_clocks
def assessment_complete(
    *,
    assessment: Assessment,
    completed_on: date,
    factors: list[str],
    primary_need: str,
    analysis: str,
    outcome: str,
    late_reason: str,
    by: User,
) -> AssessmentCompletion:
    perms.require(
        perms.may_complete(by, assessment), "Only the lead practitioner or a social worker can complete the assessment"
    )
    assessment = _lock(assessment)
    done = completion_of(assessment)
    if done is not None:
        raise DomainError(f"This assessment was completed on {long_date(done.completed_on)}.")
    child, referral = assessment.child, assessment.referral
    errors: dict[str, str] = {}
    check_date(
        errors,
        "completed_on",
        completed_on,
        what="The date the assessment was completed",
        after=(assessment.started_on, "the date it started"),
    )
    factor_error = _validate_factors(factors, outcome)
    if factor_error:
        errors["factors"] = factor_error
    if primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Select the child's primary need"
    if not analysis.strip():
        errors["analysis"] = "Enter the findings and analysis of the assessment"
    if outcome not in AssessmentOutcome.values:
        errors["outcome"] = "Select the outcome of the assessment"
    elif outcome == AssessmentOutcome.CONTINUE_CP_PLAN and not _on_protection_plan(child, completed_on):
        errors["outcome"] = "The child is not on a child protection plan: select another outcome"
    late = False
    if "completed_on" not in errors:
        status = clocks.clock_status("child_and_family_assessment", referral.referral_date, completed_on)
        late = status.state is clocks.ClockState.MET_LATE
        if late and not late_reason.strip():
            errors["late_reason"] = "Enter why the assessment was completed late"
    if errors:
        raise ValidationError(errors)
    # The child must have been seen (an unborn baby cannot be).
    if not child.is_unborn and not assessment.seen.filter(seen_on__lte=completed_on).exists():
        raise ValidationError("Record a date the child was seen before completing the assessment")

    completion = AssessmentCompletion.objects.create(
        assessment=assessment,
        completed_on=completed_on,
        factors=sorted(set(factors), key=codes.sort_key),
        primary_need=primary_need,
        analysis=analysis.strip(),
        outcome=outcome,
        late_reason=late_reason.strip() if late else "",
        completed_by=by,
    )
    letters = outcome_letters_write(assessment=assessment, completion=completion, by=by)
    summary = f"Child and family assessment completed. Outcome: {AssessmentOutcome(outcome).label}"
    summary += "; completed after the 45 working days." if late else "."
    chronology_record(
        child=child,
        kind_key="assessment_completed",
        source=assessment,
        agency=by.agency,
        author=by,
        occurred_at=at(completed_on),
        summary=summary,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=completion,
        detail={
            "assessment": assessment.pk,
            "completed_on": completed_on,
            "outcome": outcome,
            "primary_need": primary_need,
            "factors": completion.factors,
            "late": late,
            "letters": [letter.pk for letter in letters],
        },
    )
    return completion


@transaction.atomic
def assessment_authorise(*, assessment: Assessment, note: str, by: User) -> AssessmentAuthorisation:
    if by.pk == assessment.lead_practitioner_id:
        raise PermissionDenied("The lead practitioner cannot authorise their own assessment")
    perms.require(perms.may_authorise(by, assessment), "Only the supervisor or a social work manager can authorise")
    assessment = _lock(assessment)
    if completion_of(assessment) is None:
        raise DomainError("The assessment cannot be authorised before it is completed.")
    existing = AssessmentAuthorisation.objects.filter(assessment=assessment).first()
    if existing is not None:
        when = long_date(calendar.local_date(existing.authorised_at))
        raise DomainError(f"This assessment was authorised on {when}.")
    authorisation = AssessmentAuthorisation.objects.create(assessment=assessment, note=note.strip(), authorised_by=by)
    chronology_record(
        child=assessment.child,
        kind_key="assessment_authorised",
        source=assessment,
        agency=by.agency,
        author=by,
        occurred_at=authorisation.authorised_at,
        summary=f"Child and family assessment authorised by {by.display_name}.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=assessment.child,
        obj=authorisation,
        detail={"assessment": assessment.pk, "as": "supervisor" if by.pk == assessment.supervisor_id else "manager"},
    )
    return authorisation
