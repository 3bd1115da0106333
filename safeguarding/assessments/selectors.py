"""Reads for the assessment and child in need plan pages: the rows, their clocks, and who
can be chosen as lead practitioner or supervisor."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import dateformat

from safeguarding.access.models import AgencyKind, User
from safeguarding.assessments.models import (
    Assessment,
    AssessmentAuthorisation,
    AssessmentCompletion,
    CINPlan,
    CINPlanEnd,
    CINPlanReview,
)
from safeguarding.core import calendar, clocks
from safeguarding.core.clocks import ClockState, ClockStatus, Unit
from safeguarding.people.models import Child
from safeguarding.sharing.models import Letter

_TAGS = {
    ClockState.OVERDUE: ("Overdue", "govuk-tag--red"),
    ClockState.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    ClockState.DUE: ("In time", "govuk-tag--blue"),
    ClockState.MET: ("{done} in time", "govuk-tag--green"),
    ClockState.MET_LATE: ("{done} late", "govuk-tag--orange"),
}


@dataclass(frozen=True)
class ClockTag:
    status: ClockStatus
    text: str
    css: str
    detail: str


def _days(n: int, unit: Unit) -> str:
    word = "working day" if unit is Unit.WORKING_DAYS else "day"
    return f"{n} {word}{'' if n == 1 else 's'}"


def clock_tag(status: ClockStatus, *, done: str = "Completed") -> ClockTag:
    text, css = _TAGS[status.state]
    due = dateformat.format(status.due, "j F Y")
    if status.state is ClockState.OVERDUE:
        detail = f"Was due by {due}: {_days(status.days_late, status.days_unit)} overdue"
    elif status.state is ClockState.MET_LATE:
        detail = f"Was due by {due}: {_days(status.days_late, status.days_unit)} late"
    elif status.state is ClockState.MET:
        detail = f"Was due by {due}"
    else:
        detail = f"Due by {due}: {_days(status.days_remaining, status.days_unit)} left"
    return ClockTag(status=status, text=text.format(done=done), css=css, detail=detail)


def assessment_clock(assessment: Assessment, completion: AssessmentCompletion | None) -> ClockTag:
    """45 working days from the referral date (not from the day the assessment started)."""
    status = clocks.clock_status(
        "child_and_family_assessment",
        assessment.referral.referral_date,
        completion.completed_on if completion else None,
    )
    return clock_tag(status)


def loaded_completion(assessment: Assessment) -> AssessmentCompletion | None:
    """The completion, if any, without a query when fetched with assessments_for_page."""
    try:
        return assessment.completion
    except AssessmentCompletion.DoesNotExist:
        return None


def loaded_authorisation(assessment: Assessment) -> AssessmentAuthorisation | None:
    try:
        return assessment.authorisation
    except AssessmentAuthorisation.DoesNotExist:
        return None


def assessments_for_page(child: Child) -> QuerySet[Assessment]:
    return Assessment.objects.filter(child=child).select_related(
        "referral",
        "lead_practitioner__agency",
        "lead_practitioner__role",
        "supervisor__agency",
        "completion__completed_by",
        "authorisation__authorised_by",
    )


def letters_about(completion: AssessmentCompletion | None) -> list[Letter]:
    if completion is None:
        return []
    return list(
        Letter.objects.filter(source_type=completion._meta.label_lower, source_id=completion.pk)
        .select_related("recipient_agency")
        .order_by("kind", "recipient_agency__name", "id")
    )


def plans_for_page(child: Child) -> QuerySet[CINPlan]:
    return (
        CINPlan.objects.filter(child=child)
        .select_related("referral", "lead_practitioner__agency", "end__ended_by")
        .prefetch_related(
            Prefetch("reviews", queryset=CINPlanReview.objects.select_related("recorded_by").order_by("held_on", "id"))
        )
    )


def plan_end_of(plan: CINPlan) -> CINPlanEnd | None:
    try:
        return plan.end
    except CINPlanEnd.DoesNotExist:
        return None


@dataclass(frozen=True)
class ReviewRow:
    review: CINPlanReview
    tag: ClockTag


def plan_reviews(plan: CINPlan) -> tuple[list[ReviewRow], ClockTag | None]:
    """Each review with whether it was held in time, and the clock to the next (while the plan is open)."""
    rows = []
    start = plan.started_on
    for review in plan.reviews.all():
        rows.append(
            ReviewRow(
                review=review,
                tag=clock_tag(clocks.clock_status("cin_plan_review", start, review.held_on), done="Held"),
            )
        )
        start = review.held_on
    if plan_end_of(plan) is not None:
        return rows, None
    return rows, clock_tag(clocks.clock_status("cin_plan_review", start, None))


# --- Who can be chosen -------------------------------------------------------------------------

SOCIAL_CARE = "Children's social care"
EARLY_HELP = "Early help"


def practitioner_groups(child: Child, *, social_workers_only: bool = False) -> tuple[list, dict[int, User]]:
    """Practitioners to choose a lead or supervisor from, as select options with groups.

    Social care staff first, then early help, then practitioners of agencies working with the
    child (their agency is involved, or they are in the child's team): a lead who is not a
    social worker is usually someone who already knows the family. One query.
    """
    today = calendar.today()
    working_with = Q(
        agency__involvements__child=child,
    ) & (Q(agency__involvements__ended_on__isnull=True) | Q(agency__involvements__ended_on__gte=today))
    in_team = Q(child_teams__child=child, child_teams__ended_at__isnull=True)
    qs = User.objects.filter(is_active=True, agency__isnull=False, role__isnull=False).filter(
        Q(agency__kind__in=[AgencyKind.LA_SOCIAL_CARE, AgencyKind.LA_EARLY_HELP]) | working_with | in_team
    )
    if social_workers_only:
        qs = qs.filter(role__is_social_worker=True)
    users = list(qs.distinct().select_related("agency", "role").order_by("last_name", "first_name", "username"))
    groups: dict[str, list[tuple[int, str]]] = {SOCIAL_CARE: [], EARLY_HELP: []}
    other = f"Working with {child.display_name}" if child.display_name else "Working with the child"
    for user in users:
        assert user.agency is not None
        if user.agency.kind == AgencyKind.LA_SOCIAL_CARE:
            group = SOCIAL_CARE
        elif user.agency.kind == AgencyKind.LA_EARLY_HELP:
            group = EARLY_HELP
        else:
            group = other
        what = user.job_title or (user.role.name if user.role else "")
        label = f"{user.display_name}, {what} ({user.agency.name})" if what else f"{user.display_name} ({user.agency})"
        groups.setdefault(group, []).append((user.pk, label))
    choices = [(name, options) for name, options in groups.items() if options]
    return choices, {u.pk: u for u in users}
