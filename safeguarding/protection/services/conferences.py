"""Child protection conferences: the initial conference, which may make the plan, and the
review conferences, which continue it or end it (Working Together 2023, chapter 3)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.core.calendar import day_moment as at_nine
from safeguarding.core.clocks import ClockState, clock_status
from safeguarding.core.errors import DomainError
from safeguarding.pathway.projection import refreshes_clocks
from safeguarding.people.models import Child, ChildStatus
from safeguarding.people.services import status_start
from safeguarding.protection.models import (
    Category,
    Conference,
    ConferenceDecision,
    ConferenceInvitee,
    ConferenceKind,
    PlanEndReason,
    ProtectionPlan,
    Section47Completion,
    Section47Enquiry,
    Section47Outcome,
)
from safeguarding.protection.permissions import is_social_worker
from safeguarding.protection.services._common import (
    INVITEE_CAPACITY,
    InviteeInput,
    check_date,
    check_text,
    clean_people,
    join_team,
    long_date,
    plan_open_memberships,
    raise_if,
    require_open_referral,
    require_recorder,
)
from safeguarding.protection.services.plans import plan_end, require_plan_open

INITIAL_DECISIONS = (ConferenceDecision.PLAN, ConferenceDecision.CIN_PLAN, ConferenceDecision.NO_FURTHER_ACTION)
REVIEW_DECISIONS = (ConferenceDecision.CONTINUE, ConferenceDecision.END)

_ENDED_WITH = {
    Section47Outcome.NO_FURTHER_ACTION: "no further action",
    Section47Outcome.CIN_PLAN: "a child in need plan",
}


def _common_errors(errors: dict[str, str], *, chair: User | None, childs_views: str, summary: str) -> tuple[str, str]:
    if chair is None:
        errors["chair"] = "Select who chaired the conference"
    childs_views = check_text(
        errors, "childs_views", childs_views, "Enter the child's views, and how they were gathered"
    )
    summary = check_text(errors, "summary", summary, "Enter a summary of the conference")
    return childs_views, summary


def _invitees_create(
    *, conference: Conference, child: Child, people: list[InviteeInput], join: dict[int, Any] | None, by: User
) -> list[ConferenceInvitee]:
    """The invitees; with `join` (the plan's memberships), practitioners join the child's team."""
    rows = []
    for p in people:
        membership = None
        if join is not None and p.practitioner is not None:
            membership = join_team(
                child=child, practitioner=p.practitioner, capacity=INVITEE_CAPACITY, by=by, reuse=join
            )
        rows.append(
            ConferenceInvitee(
                conference=conference,
                practitioner=p.practitioner,
                name=p.name,
                agency=p.agency,
                discipline=p.discipline,
                attended=bool(p.attended),
                report_provided=bool(p.report_provided),
                report_summary=(p.report_summary or "").strip(),
                team_membership=membership,
            )
        )
    return ConferenceInvitee.objects.bulk_create(rows)


@transaction.atomic
@refreshes_clocks
def initial_conference_record(
    *,
    section47: Section47Enquiry | None,
    held_on: date | None,
    chair: User | None,
    childs_views: str,
    summary: str,
    decision: str,
    category: str,
    invitees: Iterable[InviteeInput | tuple[Any, ...]],
    lead_social_worker: User | None,
    outline: str,
    by: User,
) -> Conference:
    """The initial child protection conference. A decision to make a plan makes it, with its
    category and lead social worker; the invitees on the platform then join the child's team
    for as long as the plan lasts."""
    require_recorder(by, "a child protection conference")
    if section47 is None:
        raise DomainError("An initial child protection conference needs a section 47 enquiry behind it.")
    enquiry = (
        Section47Enquiry.objects.select_for_update(of=("self",))
        .select_related("child", "strategy_discussion__referral")
        .get(pk=section47.pk)
    )
    completion = Section47Completion.objects.filter(enquiry=enquiry).first()
    if completion is not None and completion.outcome != Section47Outcome.INITIAL_CONFERENCE:
        raise DomainError(
            f"This enquiry ended with {_ENDED_WITH[Section47Outcome(completion.outcome)]}; "
            "an initial conference needs a section 47 enquiry that recommends one."
        )
    held = Conference.objects.filter(section47=enquiry).first()
    if held is not None:
        raise DomainError(f"The initial conference for this section 47 enquiry was held on {long_date(held.held_on)}.")
    strategy = enquiry.strategy_discussion
    require_open_referral(strategy.referral, "a child protection conference")

    errors: dict[str, str] = {}
    earliest = [(strategy.held_on, "the strategy discussion")]
    if completion is not None:
        earliest.append((completion.completed_on, "the date the section 47 enquiry was completed"))
    check_date(
        errors,
        "held_on",
        held_on,
        enter="Enter the date the conference was held",
        label="The date of the conference",
        not_before=earliest,
    )
    childs_views, summary = _common_errors(errors, chair=chair, childs_views=childs_views, summary=summary)
    people = clean_people(errors, "invitees", invitees, InviteeInput, enter="Enter who was invited to the conference")
    outline = (outline or "").strip()
    if decision not in INITIAL_DECISIONS:
        errors["decision"] = "Select the conference's decision"
    elif decision == ConferenceDecision.PLAN:
        if category not in Category.values:
            errors["category"] = "Select the category of abuse or neglect"
        if lead_social_worker is None:
            errors["lead_social_worker"] = "Select the lead social worker for the plan"
        elif not is_social_worker(lead_social_worker):
            errors["lead_social_worker"] = "The lead for a child protection plan must be a social worker"
        if not outline:
            errors["outline"] = "Enter the outline of the plan: what must change, who will do what, by when"
    raise_if(errors)
    assert held_on is not None and chair is not None
    child = enquiry.child
    if decision == ConferenceDecision.PLAN:
        current = ProtectionPlan.objects.filter(child=child, end__isnull=True).first()
        if current is not None:
            raise DomainError(
                f"The child has been on a child protection plan since {long_date(current.started_on)}: "
                "review that plan instead."
            )
    makes_plan = decision == ConferenceDecision.PLAN
    conference = Conference.objects.create(
        child=child,
        kind=ConferenceKind.INITIAL,
        section47=enquiry,
        held_on=held_on,
        chair=chair,
        childs_views=childs_views,
        summary=summary,
        decision=decision,
        category=category if makes_plan else "",
        created_by=by,
    )
    clock = clock_status("initial_conference", strategy.held_on, completed_on=held_on)
    timeliness = (
        "Held within 15 working days of the strategy discussion."
        if clock.state is ClockState.MET
        else f"Held {clock.days_late} working day{'' if clock.days_late == 1 else 's'} late."
    )
    chronology_record(
        child=child,
        kind_key="initial_conference",
        source=conference,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(held_on),
        summary=f"Initial child protection conference: {ConferenceDecision(decision).label}. {timeliness}",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=conference,
        detail={"kind": "initial", "decision": decision, "category": conference.category, "on_time": clock.state},
    )
    plan = None
    if makes_plan:
        assert lead_social_worker is not None
        plan = _plan_start(
            conference=conference, category=category, lead_social_worker=lead_social_worker, outline=outline, by=by
        )
    _invitees_create(conference=conference, child=child, people=people, join={} if plan else None, by=by)
    return conference


def _plan_start(
    *, conference: Conference, category: str, lead_social_worker: User, outline: str, by: User
) -> ProtectionPlan:
    child = conference.child
    assert conference.section47 is not None
    plan = ProtectionPlan.objects.create(
        child=child,
        referral=conference.section47.strategy_discussion.referral,
        initial_conference=conference,
        started_on=conference.held_on,
        initial_category=category,
        lead_social_worker=lead_social_worker,
        outline=outline,
        created_by=by,
    )
    status_start(
        child=child, status=ChildStatus.CHILD_PROTECTION_PLAN, started_on=plan.started_on, category=category, by=by
    )
    chronology_record(
        child=child,
        kind_key="cp_plan_started",
        source=plan,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(plan.started_on),
        summary=f"Child protection plan started: {Category(category).label.lower()}. "
        f"Lead social worker {lead_social_worker.display_name}.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=plan,
        detail={"category": category, "lead_social_worker": lead_social_worker.pk, "started_on": plan.started_on},
    )
    return plan


@transaction.atomic
@refreshes_clocks
def review_conference_record(
    *,
    plan: ProtectionPlan | None,
    held_on: date | None,
    chair: User | None,
    childs_views: str,
    summary: str,
    decision: str,
    category: str,
    invitees: Iterable[InviteeInput | tuple[Any, ...]],
    by: User,
) -> Conference:
    """A review conference: the plan continues (its category may change) or ends because
    the child is no longer at risk of significant harm."""
    require_recorder(by, "a child protection conference")
    if plan is None:
        raise DomainError("A review conference needs a child protection plan to review.")
    plan = (
        ProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("child", "initial_conference")
        .get(pk=plan.pk)
    )
    require_plan_open(plan, "a review conference")
    errors: dict[str, str] = {}
    after = [(plan.initial_conference.held_on, "the initial conference")]
    last = Conference.objects.filter(plan=plan).order_by("-held_on", "-id").first()
    if last is not None:
        after.append((last.held_on, "the last review conference"))
    check_date(
        errors,
        "held_on",
        held_on,
        enter="Enter the date the review conference was held",
        label="The date of the review conference",
        after=after,
    )
    childs_views, summary = _common_errors(errors, chair=chair, childs_views=childs_views, summary=summary)
    people = clean_people(errors, "invitees", invitees, InviteeInput, enter="Enter who was invited to the conference")
    category = (category or "").strip()
    if decision not in REVIEW_DECISIONS:
        errors["decision"] = "Select whether the plan continues or ends"
    elif decision == ConferenceDecision.END:
        category = ""
    elif category and category not in Category.values:
        errors["category"] = "Select the category of abuse or neglect"
    raise_if(errors)
    assert held_on is not None and chair is not None

    child = plan.child
    conference = Conference.objects.create(
        child=child,
        kind=ConferenceKind.REVIEW,
        plan=plan,
        held_on=held_on,
        chair=chair,
        childs_views=childs_views,
        summary=summary,
        decision=decision,
        category=category,
        created_by=by,
    )
    continues = decision == ConferenceDecision.CONTINUE
    join = plan_open_memberships(plan, INVITEE_CAPACITY) if continues else None
    _invitees_create(conference=conference, child=child, people=people, join=join, by=by)
    changed = f" Category now {Category(category).label.lower()}." if category else ""
    chronology_record(
        child=child,
        kind_key="review_conference",
        source=conference,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(held_on),
        summary=f"Child protection review conference: {ConferenceDecision(decision).label}.{changed}",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=conference,
        detail={"kind": "review", "decision": decision, "category": category},
    )
    if not continues:
        plan_end(
            plan=plan,
            ended_on=held_on,
            reason=PlanEndReason.NO_LONGER_AT_RISK,
            note=summary,
            by=by,
            conference=conference,
        )
    return conference
