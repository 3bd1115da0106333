"""Reads of child protection: the plan and its clocks, computed from the rows (never stored)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from safeguarding.core import calendar
from safeguarding.core.clocks import ClockStatus, clock_status
from safeguarding.protection.models import (
    Category,
    Conference,
    ConferenceInvitee,
    CoreGroupMeeting,
    CoreGroupMember,
    PlanEnd,
    ProtectionPlan,
    Section47Enquiry,
    Section47Outcome,
    StatutoryVisit,
)


def plan_membership_ids(plan: ProtectionPlan) -> set[int]:
    """The child's team memberships the plan created: its conferences' invitees and its core group."""
    invitees = ConferenceInvitee.objects.filter(
        Q(conference_id=plan.initial_conference_id) | Q(conference__plan=plan), team_membership__isnull=False
    ).values_list("team_membership_id", flat=True)
    core = CoreGroupMember.objects.filter(plan=plan, team_membership__isnull=False).values_list(
        "team_membership_id", flat=True
    )
    return {pk for pk in [*invitees, *core] if pk is not None}


@dataclass
class Section47Clocks:
    enquiry: ClockStatus
    # The initial conference, when the enquiry may still lead to one (not after NFA or CIN plan).
    initial_conference: ClockStatus | None


def section47_clocks(enquiry: Section47Enquiry, *, today: date | None = None) -> Section47Clocks:
    """The enquiry's own (local) clock, and the ICPC's: 15 working days from the strategy
    discussion that started the enquiry (CIN census InitialCPCtarget)."""
    today = today or calendar.today()
    completion = getattr(enquiry, "completion", None)
    conference = getattr(enquiry, "initial_conference", None)
    own = clock_status(
        "section47_enquiry",
        enquiry.started_on,
        completed_on=completion.completed_on if completion else None,
        today=today,
    )
    icpc = None
    if conference is not None or completion is None or completion.outcome == Section47Outcome.INITIAL_CONFERENCE:
        icpc = clock_status(
            "initial_conference",
            enquiry.strategy_discussion.held_on,
            completed_on=conference.held_on if conference else None,
            today=today,
        )
    return Section47Clocks(enquiry=own, initial_conference=icpc)


@dataclass
class ReviewRow:
    conference: Conference
    clock: ClockStatus


@dataclass
class PlanView:
    """Everything the plan page shows, read in a fixed number of queries."""

    plan: ProtectionPlan
    end: PlanEnd | None
    reviews: list[ReviewRow]
    core_group: list[CoreGroupMember]
    meetings: list[CoreGroupMeeting]
    visits: list[StatutoryVisit]
    latest_category: str
    latest_category_label: str
    first_core_group: ClockStatus | None
    next_review: ClockStatus | None
    next_visit: ClockStatus | None
    last_seen_on: date | None = None
    clocks: list[ClockStatus] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.end is None


def plan_view(plan: ProtectionPlan, *, today: date | None = None) -> PlanView:
    today = today or calendar.today()
    end = PlanEnd.objects.filter(plan=plan).select_related("conference", "ended_by").first()
    conferences = list(Conference.objects.filter(plan=plan).select_related("chair").order_by("held_on", "id"))
    reviews = []
    previous = plan.initial_conference.held_on
    for n, conference in enumerate(conferences):
        key = "first_review_conference" if n == 0 else "review_conference"
        reviews.append(ReviewRow(conference, clock_status(key, previous, completed_on=conference.held_on)))
        previous = conference.held_on
    core_group = list(CoreGroupMember.objects.filter(plan=plan).select_related("agency", "practitioner"))
    meetings = list(CoreGroupMeeting.objects.filter(plan=plan).select_related("recorded_by"))
    visits = list(StatutoryVisit.objects.filter(plan=plan).select_related("visited_by"))

    latest = plan.initial_category
    for conference in conferences:
        if conference.category:
            latest = conference.category
    is_open = end is None
    first_meeting = min((m.held_on for m in meetings), default=None)
    first_core_group = None
    if is_open or first_meeting is not None:
        first_core_group = clock_status("first_core_group", plan.started_on, completed_on=first_meeting, today=today)
    next_review = None
    if is_open:
        key = "review_conference" if conferences else "first_review_conference"
        next_review = clock_status(key, previous, today=today)
    seen = [v.visited_on for v in visits if v.child_seen]
    last_seen_on = max(seen, default=None)
    next_visit = None
    if is_open:
        next_visit = clock_status("cp_visit", max(plan.started_on, last_seen_on or plan.started_on), today=today)
    return PlanView(
        plan=plan,
        end=end,
        reviews=reviews,
        core_group=core_group,
        meetings=meetings,
        visits=visits,
        latest_category=latest,
        latest_category_label=_category_label(latest),
        first_core_group=first_core_group,
        next_review=next_review,
        next_visit=next_visit,
        last_seen_on=last_seen_on,
        clocks=[c for c in (first_core_group, next_review, next_visit) if c is not None],
    )


def _category_label(code: str) -> str:
    return Category(code).label if code in Category.values else code
