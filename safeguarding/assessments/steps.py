"""What the assessment and plan services share: dates and their messages, the open referral,
and joining the child's team."""

from datetime import date

from safeguarding.access.models import ChildTeamMembership, User
from safeguarding.access.services import team_member_add
from safeguarding.assessments.models import Assessment, AssessmentCompletion
from safeguarding.core import calendar
from safeguarding.core.calendar import long_date
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import Referral, ReferralClosure
from safeguarding.people.models import Child

LEAD_CAPACITY = "assessment lead practitioner"
SUPERVISOR_CAPACITY = "assessment supervisor"
PLAN_LEAD_CAPACITY = "child in need plan lead practitioner"


def check_date(errors: dict[str, str], field: str, value: date, *, what: str, after: tuple[date, str]) -> None:
    """`what` must be today or earlier, and not before `after` (a date, and how to name it)."""
    if value > calendar.today():
        errors[field] = f"{what} must be today or in the past"
    elif value < after[0]:
        errors[field] = f"{what} must be the same as or after {after[1]}, {long_date(after[0])}"


def lock_open_referral(referral: Referral) -> Referral:
    """The referral, locked, if it is still open (the CIN episode has not been closed)."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("child").get(pk=referral.pk)
    closure = ReferralClosure.objects.filter(referral=referral).first()
    if closure is not None:
        raise DomainError(f"This referral was closed on {long_date(closure.closed_on)}. Make a new referral first.")
    return referral


def join_team(child: Child, practitioner: User, capacity: str, by: User) -> None:
    """Practitioners outside social care join the child's team, so that they can open the record."""
    if practitioner.covers_whole_la:
        return
    if ChildTeamMembership.objects.filter(
        child=child, practitioner=practitioner, capacity=capacity, ended_at__isnull=True
    ).exists():
        return
    team_member_add(child=child, practitioner=practitioner, capacity=capacity, by=by)


def completion_of(assessment: Assessment) -> AssessmentCompletion | None:
    return AssessmentCompletion.objects.filter(assessment=assessment).first()


def who(user: User) -> str:
    return f"{user.display_name} ({user.agency})" if user.agency_id else user.display_name


def usable_practitioner(user: User) -> bool:
    return bool(user.is_active and user.agency_id is not None and user.role_id is not None)
