"""What became of a referral: the short outcome lines a referrer sees in "My referrals" (the
stage and the date, never the content), and the steps of a CIN episode for its own page.

Both read rows loaded by `with_outcomes` (one prefetch per kind of step), so that a page of
referrals costs the same number of queries whatever its length.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Prefetch, QuerySet

from safeguarding.assessments.models import Assessment, AssessmentOutcome, CINPlan
from safeguarding.core import calendar, clocks
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.frontdoor.models import Contact, Decision, Referral
from safeguarding.frontdoor.selectors import ClockTag, clock_tag, decision_clock, long_date
from safeguarding.protection.models import (
    Category,
    Conference,
    ConferenceDecision,
    ProtectionPlan,
    Section47Outcome,
    StrategyDiscussion,
    StrategyOutcome,
)

STRATEGY_OUTCOME: dict[str, str] = {
    StrategyOutcome.SECTION47: "section 47 enquiry",
    StrategyOutcome.ASSESSMENT: "child and family assessment",
    StrategyOutcome.NO_FURTHER_ACTION: "no further action",
}
CONFERENCE_DECISION: dict[str, str] = {
    ConferenceDecision.PLAN: "child protection plan",
    ConferenceDecision.CIN_PLAN: "child in need plan",
    ConferenceDecision.NO_FURTHER_ACTION: "no further action",
    ConferenceDecision.CONTINUE: "the plan continues",
    ConferenceDecision.END: "the plan ends",
}


def _lower(label: object) -> str:
    text = str(label)
    return text[:1].lower() + text[1:]


def related(obj: Model, name: str) -> Any:
    """A one-to-one that may not be there (a contact's decision, an enquiry's completion)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


def _referral_prefetches(prefix: str) -> list[Prefetch]:
    return [
        Prefetch(f"{prefix}assessments", queryset=Assessment.objects.select_related("completion", "lead_practitioner")),
        Prefetch(
            f"{prefix}strategy_discussions",
            queryset=StrategyDiscussion.objects.select_related(
                "section47",
                "section47__completion",
                "section47__initial_conference",
                "section47__lead_social_worker",
            ).order_by("held_on", "id"),
        ),
        Prefetch(
            f"{prefix}protection_plans",
            queryset=ProtectionPlan.objects.select_related("end").prefetch_related(
                Prefetch("reviews", queryset=Conference.objects.order_by("held_on", "id"))
            ),
        ),
        Prefetch(f"{prefix}cin_plans", queryset=CINPlan.objects.select_related("end")),
        Prefetch(f"{prefix}early_help_episodes", queryset=EarlyHelpEpisode.objects.order_by("started_on", "id")),
    ]


def with_outcomes(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Contacts with their decision, referral and every step under it, in constant queries."""
    return contacts.select_related("child", "decision", "referral", "referral__closure").prefetch_related(
        *_referral_prefetches("referral__"),
        Prefetch("early_help_episodes", queryset=EarlyHelpEpisode.objects.order_by("started_on", "id")),
    )


def referral_with_steps(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related(
        "child", "contact", "contact__decision", "contact__decision__decided_by", "closure"
    ).prefetch_related(*_referral_prefetches(""))


# My referrals ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    on: dt.date
    text: str


def _line(on: dt.date, what: str, result: str = "") -> Outcome:
    return Outcome(on, f"{what} {long_date(on)}" + (f": {result}" if result else ""))


def _referral_lines(referral: Referral) -> list[Outcome]:
    lines: list[Outcome] = []
    for discussion in referral.strategy_discussions.all():
        lines.append(_line(discussion.held_on, "Strategy discussion", STRATEGY_OUTCOME.get(discussion.outcome, "")))
        enquiry = related(discussion, "section47")
        if enquiry is None:
            continue
        completion = related(enquiry, "completion")
        if completion is not None:
            outcome = _lower(Section47Outcome(completion.outcome).label)
            lines.append(_line(completion.completed_on, "Section 47 enquiry completed", outcome))
        conference = related(enquiry, "initial_conference")
        if conference is not None:
            result = CONFERENCE_DECISION.get(conference.decision, "")
            if conference.decision == ConferenceDecision.PLAN and conference.category:
                result += f" ({_lower(Category(conference.category).label)})"
            lines.append(_line(conference.held_on, "Initial child protection conference", result))
    for plan in referral.protection_plans.all():
        for review in plan.reviews.all():
            lines.append(_line(review.held_on, "Review conference", CONFERENCE_DECISION.get(review.decision, "")))
        end = related(plan, "end")
        if end is not None:
            lines.append(_line(end.ended_on, "Plan ended"))
    for assessment in referral.assessments.all():
        completion = related(assessment, "completion")
        if completion is not None:
            outcome = _lower(AssessmentOutcome(completion.outcome).label)
            lines.append(_line(completion.completed_on, "Assessment completed", outcome))
    for cin_plan in referral.cin_plans.all():
        lines.append(_line(cin_plan.started_on, "Child in need plan started"))
        end = related(cin_plan, "end")
        if end is not None:
            lines.append(_line(end.ended_on, "Child in need plan ended"))
    for episode in referral.early_help_episodes.all():
        lines.append(_line(episode.started_on, "Early help started"))
    closure = related(referral, "closure")
    if closure is not None:
        lines.append(_line(closure.closed_on, "Case closed"))
    return lines


@dataclass(frozen=True)
class MyReferral:
    contact: Contact
    waiting: ClockTag | None
    outcomes: list[Outcome] = field(default_factory=list)
    letter_id: int | None = None


def my_referral(contact: Contact, *, letter_id: int | None = None) -> MyReferral:
    """The decision and every later stage the referrer should see, oldest first."""
    decision = related(contact, "decision")
    if decision is None:
        return MyReferral(contact=contact, waiting=decision_clock(contact))
    lines = [_line(calendar.local_date(decision.decided_at), "Decision", _lower(Decision(decision.decision).label))]
    lines += [_line(e.started_on, "Early help started") for e in contact.early_help_episodes.all()]
    referral = related(contact, "referral")
    if referral is not None:
        lines += _referral_lines(referral)
    order = {id(line): i for i, line in enumerate(lines)}
    lines.sort(key=lambda line: (line.on, order[id(line)]))
    return MyReferral(contact=contact, waiting=None, outcomes=lines, letter_id=letter_id)


# The CIN episode page --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One row of the episode: what, when, its outcome, its page and its clock if it runs one."""

    title: str
    on: dt.date | None
    result: str = ""
    url_name: str = ""
    pk: int | None = None
    clock: ClockTag | None = None


def _status(key: str, start: dt.date, done: dt.date | None, today: dt.date, label: str = "Done") -> ClockTag:
    return clock_tag(clocks.clock_status(key, start, done, today=today), done=label)


def _protection_steps(referral: Referral, today: dt.date) -> list[Step]:
    steps: list[Step] = []
    for discussion in referral.strategy_discussions.all():
        steps.append(
            Step(
                "Strategy discussion",
                discussion.held_on,
                STRATEGY_OUTCOME.get(discussion.outcome, ""),
                "protection:strategy",
                discussion.pk,
            )
        )
        enquiry = related(discussion, "section47")
        if enquiry is None:
            continue
        completion = related(enquiry, "completion")
        steps.append(
            Step(
                "Section 47 enquiry",
                enquiry.started_on,
                _lower(Section47Outcome(completion.outcome).label) if completion else "Open",
                "protection:section47",
                enquiry.pk,
                _status(
                    "section47_enquiry",
                    discussion.held_on,
                    completion.completed_on if completion else None,
                    today,
                    "Completed",
                ),
            )
        )
        conference = related(enquiry, "initial_conference")
        if conference is not None or (completion and completion.outcome == Section47Outcome.INITIAL_CONFERENCE):
            steps.append(
                Step(
                    "Initial child protection conference",
                    conference.held_on if conference else None,
                    CONFERENCE_DECISION.get(conference.decision, "") if conference else "Not held yet",
                    "protection:conference" if conference else "",
                    conference.pk if conference else None,
                    _status(
                        "initial_conference",
                        discussion.held_on,
                        conference.held_on if conference else None,
                        today,
                        "Held",
                    ),
                )
            )
    for plan in referral.protection_plans.all():
        end = related(plan, "end")
        result = _lower(Category(plan.initial_category).label) + (f"; ended {long_date(end.ended_on)}" if end else "")
        steps.append(Step("Child protection plan", plan.started_on, result, "protection:plan", plan.pk))
        steps += [
            Step("Review conference", r.held_on, CONFERENCE_DECISION.get(r.decision, ""), "protection:conference", r.pk)
            for r in plan.reviews.all()
        ]
    return steps


def episode_steps(referral: Referral, *, today: dt.date | None = None) -> list[Step]:
    """Everything under a referral (loaded with `referral_with_steps`), in date order."""
    today = today or calendar.today()
    contact = referral.contact
    decision = related(contact, "decision")
    steps = [Step("Contact received", calendar.local_date(contact.received_at), "", "frontdoor:contact", contact.pk)]
    assessments = list(referral.assessments.all())
    discussions = list(referral.strategy_discussions.all())
    if decision is not None:
        decided_on = calendar.local_date(decision.decided_at)
        steps.append(
            Step(
                "Front door decision",
                decided_on,
                _lower(Decision(decision.decision).label),
                clock=decision_clock(contact, decision.decided_at),
            )
        )
        if decision.decision == Decision.STRATEGY_DISCUSSION and not discussions:
            steps.append(
                Step(
                    "Strategy discussion",
                    None,
                    "Not held yet",
                    clock=_status("strategy_discussion", decided_on, None, today),
                )
            )
    if not assessments and not discussions and (decision is None or decision.decision == Decision.ASSESSMENT):
        clock = _status("child_and_family_assessment", referral.referral_date, None, today)
        steps.append(Step("Child and family assessment", None, "Not started yet", clock=clock))
    for assessment in assessments:
        completion = related(assessment, "completion")
        steps.append(
            Step(
                "Child and family assessment",
                assessment.started_on,
                _lower(AssessmentOutcome(completion.outcome).label) if completion else "Open",
                "assessments:detail",
                assessment.pk,
                _status(
                    "child_and_family_assessment",
                    referral.referral_date,
                    completion.completed_on if completion else None,
                    today,
                    "Completed",
                ),
            )
        )
    steps += _protection_steps(referral, today)
    for plan in referral.cin_plans.all():
        end = related(plan, "end")
        steps.append(
            Step(
                "Child in need plan",
                plan.started_on,
                f"ended {long_date(end.ended_on)}" if end else "Open",
                "assessments:cin-plan",
                plan.pk,
            )
        )
    steps += [
        Step("Early help (stepped down)", e.started_on, "", "earlyhelp:episode", e.pk)
        for e in referral.early_help_episodes.all()
    ]
    closure = related(referral, "closure")
    if closure is not None:
        steps.append(Step("Referral closed", closure.closed_on, f"{closure.get_reason_display()} ({closure.reason})"))
    far = dt.date.max
    order = {id(s): i for i, s in enumerate(steps)}
    return sorted(steps, key=lambda s: (s.on or far, order[id(s)]))
