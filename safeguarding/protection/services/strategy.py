"""Strategy discussions and section 47 enquiries (Working Together 2023, chapter 3).

A strategy discussion includes at least children's social care, health and the police; the
record refuses to be complete without them unless the reason is given. A discussion that
decides on a section 47 enquiry starts it in the same transaction, led by a social worker.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.core.calendar import day_moment as at_nine
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import Referral
from safeguarding.pathway.projection import refreshes_clocks
from safeguarding.protection.models import (
    REQUIRED_DISCIPLINES,
    Discipline,
    Section47Completion,
    Section47Enquiry,
    Section47Outcome,
    StrategyAttendee,
    StrategyDiscussion,
    StrategyOutcome,
)
from safeguarding.protection.permissions import is_social_worker, may_complete_section47
from safeguarding.protection.services._common import (
    AttendeeInput,
    check_date,
    check_text,
    clean_people,
    long_date,
    raise_if,
    require_open_referral,
    require_recorder,
)


def missing_disciplines(disciplines: Iterable[str]) -> list[Discipline]:
    """The statutory partners (social care, health, police) not among `disciplines`."""
    present = set(disciplines)
    return [d for d in REQUIRED_DISCIPLINES if d not in present]


def disciplines_phrase(missing: list[Discipline]) -> str:
    words = {Discipline.SOCIAL_CARE: "children's social care", Discipline.HEALTH: "health", Discipline.POLICE: "police"}
    names = [words.get(d, d.label.lower()) for d in missing]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return text[0].upper() + text[1:]


@transaction.atomic
@refreshes_clocks
def strategy_discussion_record(
    *,
    referral: Referral,
    held_on: date | None,
    chair: User | None,
    reason: str,
    decisions: str,
    attendees: Iterable[AttendeeInput | tuple[Any, ...]],
    missing_agencies_reason: str,
    outcome: str,
    lead_social_worker: User | None = None,
    by: User,
) -> StrategyDiscussion:
    require_recorder(by, "a strategy discussion")
    referral = Referral.objects.select_for_update(of=("self",)).select_related("child").get(pk=referral.pk)
    require_open_referral(referral, "a strategy discussion")
    errors: dict[str, str] = {}
    check_date(
        errors,
        "held_on",
        held_on,
        enter="Enter the date the strategy discussion was held",
        label="The date of the strategy discussion",
        not_before=[(referral.referral_date, "the referral date")],
    )
    if chair is None:
        errors["chair"] = "Select who chaired the strategy discussion"
    reason = check_text(errors, "reason", reason, "Enter why there is reasonable cause to suspect significant harm")
    decisions = check_text(errors, "decisions", decisions, "Enter what the strategy discussion decided")
    people = clean_people(
        errors, "attendees", attendees, AttendeeInput, enter="Enter who took part in the strategy discussion"
    )
    missing = missing_disciplines(p.discipline for p in people)
    missing_agencies_reason = (missing_agencies_reason or "").strip()
    if people and missing and not missing_agencies_reason:
        errors["missing_agencies_reason"] = (
            f"{disciplines_phrase(missing)} did not take part: "
            "enter why the strategy discussion went ahead without them"
        )
    if not missing:
        missing_agencies_reason = ""
    if outcome not in StrategyOutcome.values:
        errors["outcome"] = "Select what the strategy discussion decided to do next"
    elif outcome == StrategyOutcome.SECTION47:
        if lead_social_worker is None:
            errors["lead_social_worker"] = "Select the social worker who will lead the section 47 enquiry"
        elif not is_social_worker(lead_social_worker):
            errors["lead_social_worker"] = "The lead for a section 47 enquiry must be a social worker"
    raise_if(errors)
    assert held_on is not None and chair is not None
    if outcome == StrategyOutcome.SECTION47:
        open_enquiry = Section47Enquiry.objects.filter(
            strategy_discussion__referral=referral, completion__isnull=True
        ).first()
        if open_enquiry is not None:
            raise DomainError(
                f"A section 47 enquiry started on {long_date(open_enquiry.started_on)} is still open for this "
                "referral: complete it before starting another."
            )

    child = referral.child
    discussion = StrategyDiscussion.objects.create(
        child=child,
        referral=referral,
        held_on=held_on,
        chair=chair,
        reason=reason,
        decisions=decisions,
        missing_agencies_reason=missing_agencies_reason,
        outcome=outcome,
        created_by=by,
    )
    StrategyAttendee.objects.bulk_create(
        [
            StrategyAttendee(
                discussion=discussion,
                practitioner=p.practitioner,
                name=p.name,
                agency=p.agency,
                discipline=p.discipline,
            )
            for p in people
        ]
    )
    took_part = (
        "Social care, health and police took part."
        if not missing
        else f"{disciplines_phrase(missing)} did not take part: {missing_agencies_reason}"
    )
    chronology_record(
        child=child,
        kind_key="strategy_discussion",
        source=discussion,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(held_on),
        summary=f"Strategy discussion: {StrategyOutcome(outcome).label}. {took_part}",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=discussion,
        detail={
            "held_on": held_on,
            "outcome": outcome,
            "attendees": len(people),
            "missing": [str(d) for d in missing],
        },
    )
    if outcome == StrategyOutcome.SECTION47:
        assert lead_social_worker is not None
        _section47_start(discussion=discussion, lead_social_worker=lead_social_worker, by=by)
    return discussion


def _section47_start(*, discussion: StrategyDiscussion, lead_social_worker: User, by: User) -> Section47Enquiry:
    enquiry = Section47Enquiry.objects.create(
        child=discussion.child,
        strategy_discussion=discussion,
        lead_social_worker=lead_social_worker,
        started_on=discussion.held_on,
        created_by=by,
    )
    chronology_record(
        child=discussion.child,
        kind_key="section47_started",
        source=enquiry,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(enquiry.started_on),
        summary=f"Section 47 enquiry started, led by {lead_social_worker.display_name}.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=discussion.child,
        obj=enquiry,
        detail={"lead_social_worker": lead_social_worker.pk, "started_on": enquiry.started_on},
    )
    return enquiry


@transaction.atomic
@refreshes_clocks
def section47_complete(
    *, enquiry: Section47Enquiry, completed_on: date | None, findings: str, outcome: str, by: User
) -> Section47Completion:
    """The enquiry's outcome, recorded once, by its lead or another social worker."""
    enquiry = Section47Enquiry.objects.select_for_update(of=("self",)).select_related("child").get(pk=enquiry.pk)
    if not may_complete_section47(by, enquiry):
        raise DomainError(
            "Only the social worker leading the enquiry, or another social worker in children's social care, "
            "can complete a section 47 enquiry."
        )
    done = Section47Completion.objects.filter(enquiry=enquiry).first()
    if done is not None:
        raise DomainError(f"This section 47 enquiry was already completed on {long_date(done.completed_on)}.")
    errors: dict[str, str] = {}
    check_date(
        errors,
        "completed_on",
        completed_on,
        enter="Enter the date the enquiry was completed",
        label="The date the enquiry was completed",
        not_before=[(enquiry.started_on, "the date the enquiry started")],
    )
    findings = check_text(errors, "findings", findings, "Enter what the enquiry found")
    if outcome not in Section47Outcome.values:
        errors["outcome"] = "Select the outcome of the enquiry"
    raise_if(errors)
    assert completed_on is not None
    completion = Section47Completion.objects.create(
        enquiry=enquiry, completed_on=completed_on, findings=findings, outcome=outcome, completed_by=by
    )
    chronology_record(
        child=enquiry.child,
        kind_key="section47_completed",
        source=completion,
        agency=by.agency,
        author=by,
        occurred_at=at_nine(completed_on),
        summary=f"Section 47 enquiry completed: {Section47Outcome(outcome).label}.",
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=enquiry.child,
        obj=completion,
        detail={"outcome": outcome, "completed_on": completed_on},
    )
    return completion
