"""The child protection plan once made: its core group, statutory visits, and its end."""

from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, ChildTeamMembership, User
from safeguarding.access.services import team_member_end
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.core.calendar import day_moment as at_nine
from safeguarding.core.errors import DomainError
from safeguarding.pathway.projection import refreshes_clocks
from safeguarding.people.models import ChildStatus
from safeguarding.people.services import status_end
from safeguarding.protection.models import (
    Conference,
    ConferenceDecision,
    ConferenceKind,
    CoreGroupMeeting,
    CoreGroupMember,
    Discipline,
    PlanEnd,
    PlanEndReason,
    ProtectionPlan,
    StatutoryVisit,
)
from safeguarding.protection.selectors import plan_membership_ids
from safeguarding.protection.services._common import (
    CORE_GROUP_CAPACITY,
    check_date,
    check_text,
    join_team,
    long_date,
    plan_open_memberships,
    raise_if,
    require_recorder,
)
from safeguarding.sharing.models import LetterKind
from safeguarding.sharing.services import letter_create

PLAN_END_LETTER = "sharing/letters/plan_end_notice.txt"


def require_plan_open(plan: ProtectionPlan, what: str) -> None:
    ended = PlanEnd.objects.filter(plan=plan).only("ended_on").first()
    if ended is not None:
        raise DomainError(f"This plan ended on {long_date(ended.ended_on)}: {what} needs an open plan.")


def _locked_plan(plan: ProtectionPlan) -> ProtectionPlan:
    return (
        ProtectionPlan.objects.select_for_update(of=("self",))
        .select_related("child", "initial_conference", "lead_social_worker")
        .get(pk=plan.pk)
    )


def _membership_end(plan: ProtectionPlan, ended_on: date, by: User) -> int:
    """The plan's invitees and core group leave the child's team when it ends: at once, or at
    the end of the day the plan ended if that is already past."""
    end_of_day = timezone.make_aware(datetime.combine(ended_on, time(23, 59)))
    ended_at = min(timezone.now(), end_of_day)
    memberships = ChildTeamMembership.objects.filter(pk__in=plan_membership_ids(plan), ended_at__isnull=True)
    count = 0
    for membership in memberships:
        team_member_end(membership=membership, ended_at=ended_at, by=by)
        count += 1
    return count


@transaction.atomic
@refreshes_clocks
def plan_end(
    *,
    plan: ProtectionPlan,
    ended_on: date | None,
    reason: str,
    note: str,
    by: User,
    conference: Conference | None = None,
) -> PlanEnd:
    """End the plan, once. Only a review conference decides that a child is no longer at
    risk; the other reasons (transfer, 18, death, leaving the UK) are recorded directly.
    Everyone invited to the initial conference is told in writing."""
    require_recorder(by, "the end of a child protection plan")
    plan = _locked_plan(plan)
    ended = PlanEnd.objects.filter(plan=plan).only("ended_on").first()
    if ended is not None:
        raise DomainError(f"This plan already ended on {long_date(ended.ended_on)}.")
    if reason not in PlanEndReason.values:
        raise ValidationError({"reason": "Select why the plan is ending"})
    if reason == PlanEndReason.NO_LONGER_AT_RISK:
        if conference is None:
            raise DomainError(
                "Only a review conference can decide that a child is no longer at risk: record the review conference."
            )
        if (
            conference.plan_id != plan.pk
            or conference.kind != ConferenceKind.REVIEW
            or conference.decision != ConferenceDecision.END
        ):
            raise DomainError("The conference that ends a plan must be a review of that plan that decided to end it.")
    elif conference is not None:
        raise DomainError("A review conference ends a plan only because the child is no longer at risk.")

    errors: dict[str, str] = {}
    last = Conference.objects.filter(plan=plan).order_by("-held_on", "-id").first()
    last_conference = (
        (last.held_on, "the last review conference")
        if last
        else (plan.initial_conference.held_on, "the initial conference")
    )
    check_date(
        errors,
        "ended_on",
        ended_on,
        enter="Enter the date the plan ended",
        label="The date the plan ended",
        not_before=[(plan.started_on, "the date the plan started"), last_conference],
    )
    child = plan.child
    if ended_on and reason == PlanEndReason.TURNED_18 and child.date_of_birth is not None:
        eighteenth = child.date_of_birth + relativedelta(years=18)
        if ended_on < eighteenth:
            errors["reason"] = f"The child turns 18 on {long_date(eighteenth)}: the plan cannot end for that reason yet"
    raise_if(errors)
    assert ended_on is not None

    end = PlanEnd.objects.create(
        plan=plan, ended_on=ended_on, reason=reason, conference=conference, note=(note or "").strip(), ended_by=by
    )
    status_end(child=child, status=ChildStatus.CHILD_PROTECTION_PLAN, ended_on=ended_on, by=by)
    left_team = _membership_end(plan, ended_on, by)
    chronology_record(
        child=child,
        kind_key="cp_plan_ended",
        source=end,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(ended_on),
        summary=f"Child protection plan ended: {PlanEndReason(reason).label}.",
    )
    letters = 0
    for invitee in plan.initial_conference.invitees.select_related("agency", "practitioner"):
        letter_create(
            child=child,
            kind=LetterKind.PLAN_END_NOTICE,
            source=end,
            recipient_name=invitee.name,
            subject="Child protection plan ended",
            template=PLAN_END_LETTER,
            context={"plan": plan, "end": end, "reason": PlanEndReason(reason).label, "invitee": invitee},
            recipient_agency=invitee.agency,
            recipient_user=invitee.practitioner,
            by=by,
        )
        letters += 1
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=end,
        detail={"reason": reason, "ended_on": ended_on, "letters": letters, "left_team": left_team},
    )
    return end


@transaction.atomic
def core_group_member_add(
    *,
    plan: ProtectionPlan,
    practitioner: User | None,
    name: str,
    agency: Agency | None,
    discipline: str,
    by: User,
) -> CoreGroupMember:
    """Someone joins the core group that carries out the plan; a practitioner on the
    platform joins the child's team with it, until the plan ends."""
    require_recorder(by, "the core group")
    plan = _locked_plan(plan)
    require_plan_open(plan, "adding to the core group")
    errors: dict[str, str] = {}
    name = (name or "").strip() or (practitioner.display_name if practitioner else "")
    if not name:
        errors["name"] = "Enter the name of the core group member"
    if discipline not in Discipline.values:
        errors["discipline"] = "Select which part of the partnership they speak for"
    if practitioner is not None and CoreGroupMember.objects.filter(plan=plan, practitioner=practitioner).exists():
        errors["practitioner"] = f"{practitioner.display_name} is already in the core group"
    raise_if(errors)
    if agency is None and practitioner is not None:
        agency = practitioner.agency
    membership = None
    if practitioner is not None:
        membership = join_team(
            child=plan.child,
            practitioner=practitioner,
            capacity=CORE_GROUP_CAPACITY,
            by=by,
            reuse=plan_open_memberships(plan, CORE_GROUP_CAPACITY),
        )
    member = CoreGroupMember.objects.create(
        plan=plan,
        practitioner=practitioner,
        name=name[:200],
        agency=agency,
        discipline=discipline,
        team_membership=membership,
        added_on=timezone.localdate(),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=plan.child,
        obj=member,
        detail={"plan": plan.pk, "practitioner": practitioner.pk if practitioner else None, "discipline": discipline},
    )
    return member


@transaction.atomic
@refreshes_clocks
def core_group_meeting_record(
    *, plan: ProtectionPlan, held_on: date | None, attendees: str, summary: str, by: User
) -> CoreGroupMeeting:
    require_recorder(by, "a core group meeting")
    plan = _locked_plan(plan)
    require_plan_open(plan, "a core group meeting")
    errors: dict[str, str] = {}
    check_date(
        errors,
        "held_on",
        held_on,
        enter="Enter the date the core group met",
        label="The date of the core group meeting",
        not_before=[(plan.started_on, "the date the plan started")],
    )
    attendees = check_text(errors, "attendees", attendees, "Enter who attended the core group meeting")
    summary = check_text(errors, "summary", summary, "Enter the progress against the plan and the actions agreed")
    raise_if(errors)
    assert held_on is not None
    meeting = CoreGroupMeeting.objects.create(
        plan=plan, held_on=held_on, attendees=attendees, summary=summary, recorded_by=by
    )
    chronology_record(
        child=plan.child,
        kind_key="core_group_meeting",
        source=meeting,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(held_on),
        summary=f"Core group meeting. {summary[:200]}",
    )
    audit_record(actor=by, action=Action.CREATE, child=plan.child, obj=meeting, detail={"held_on": held_on})
    return meeting


@transaction.atomic
@refreshes_clocks
def statutory_visit_record(
    *, plan: ProtectionPlan, visited_on: date | None, child_seen: bool, seen_alone: bool, note: str, by: User
) -> StatutoryVisit:
    require_recorder(by, "a statutory visit")
    plan = _locked_plan(plan)
    require_plan_open(plan, "a statutory visit")
    errors: dict[str, str] = {}
    check_date(
        errors,
        "visited_on",
        visited_on,
        enter="Enter the date of the visit",
        label="The date of the visit",
        not_before=[(plan.started_on, "the date the plan started")],
    )
    if seen_alone and not child_seen:
        errors["seen_alone"] = "A child who was not seen cannot have been seen alone"
    note = check_text(errors, "note", note, "Enter what happened on the visit")
    raise_if(errors)
    assert visited_on is not None
    visit = StatutoryVisit.objects.create(
        plan=plan,
        visited_on=visited_on,
        child_seen=child_seen,
        seen_alone=bool(seen_alone and child_seen),
        note=note,
        visited_by=by,
    )
    seen = "child seen alone" if visit.seen_alone else "child seen" if child_seen else "child not seen"
    chronology_record(
        child=plan.child,
        kind_key="statutory_visit",
        source=visit,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(visited_on),
        summary=f"Statutory visit: {seen}.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=plan.child,
        obj=visit,
        detail={"visited_on": visited_on, "child_seen": child_seen, "seen_alone": visit.seen_alone},
    )
    return visit
