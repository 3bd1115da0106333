"""The one definition of each open clock of the pathway: which rows are running, when each
started, whose it is. Computed from the pathway's rows every time, never stored (ADR 7, ADR 8).

A `Rule` is one clock key over one kind of row. Its `rows()` are exactly the clocks that are
running now, each annotated with `c_start`, the start date (or, for the front door, the
moment: a contact received at 23:30 started its clock that day in England). `started_before(b)`
is the same as `c_start < b` but written so that the database can count it without computing
a start per row where that would need a subquery (the last review, the last visit).

Counting at scale uses one fact: a due date never decreases as the start date increases. So
"overdue today" is "started before a threshold date", found once per clock by binary search
(`start_threshold`), and the database counts rows with a start-date filter.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from safeguarding.assessments.models import Assessment, AssessmentCompletion, AssessmentOutcome, CINPlan, CINPlanReview
from safeguarding.core import calendar, clocks
from safeguarding.earlyhelp.models import EarlyHelpEpisode, EarlyHelpReview
from safeguarding.frontdoor.models import Contact, ContactDecision, Decision, Referral
from safeguarding.protection.models import (
    Conference,
    ConferenceKind,
    CoreGroupMeeting,
    ProtectionPlan,
    Section47Enquiry,
    Section47Outcome,
    StatutoryVisit,
    StrategyDiscussion,
    StrategyOutcome,
)

Bound = dt.date | dt.datetime


@dataclasses.dataclass(frozen=True)
class Rule:
    key: str
    # What the clock hangs on (for reminders: "assessments.assessment" and its id).
    source_type: str
    # The page to open, taking (child_id, pk), and the field giving that pk.
    url_name: str
    link: str
    child: str
    # Whose clock it is; None where it belongs to a group (the front door) or to nobody yet.
    owner: str | None
    also_owner: str | None
    rows: Callable[[], QuerySet[Any]]
    started_before: Callable[[Bound], Q] = lambda b: Q(c_start__lt=b)
    # The start is a moment (received_at, decided_at), taken to its date in England.
    moment: bool = False
    note: str = ""

    def bound(self, d: dt.date) -> Bound:
        """The value to compare `c_start` with for "started before day d"."""
        return dt.datetime.combine(d, dt.time.min, tzinfo=calendar.ENGLAND) if self.moment else d


# --- The rules -------------------------------------------------------------------------------


def _contacts_undecided() -> QuerySet[Any]:
    return Contact.objects.filter(decision__isnull=True).annotate(c_start=F("received_at"))


def _decisions_awaiting_strategy_discussion() -> QuerySet[Any]:
    # The referral is made by the decision itself, so any strategy discussion on it is held
    # on or after the decision.
    held = StrategyDiscussion.objects.filter(referral_id=OuterRef("contact__referral"))
    return (
        ContactDecision.objects.filter(
            decision__in=[Decision.STRATEGY_DISCUSSION, Decision.IMMEDIATE_PROTECTION],
            contact__referral__closure__isnull=True,
        )
        .exclude(Exists(held))
        .annotate(c_start=F("decided_at"))
    )


def _assessments_awaiting_strategy_discussion() -> QuerySet[Any]:
    held = StrategyDiscussion.objects.filter(
        referral_id=OuterRef("assessment__referral_id"), held_on__gte=OuterRef("completed_on")
    )
    return (
        AssessmentCompletion.objects.filter(
            outcome=AssessmentOutcome.STRATEGY_DISCUSSION, assessment__referral__closure__isnull=True
        )
        .exclude(Exists(held))
        .annotate(c_start=F("completed_on"))
    )


def _assessments_open() -> QuerySet[Any]:
    return Assessment.objects.filter(completion__isnull=True).annotate(c_start=F("referral__referral_date"))


def _referrals_awaiting_assessment() -> QuerySet[Any]:
    """Referrals that need an assessment (decided so, or a strategy discussion said so) and
    have none yet: the manager has still to allocate a practitioner."""
    needs = Q(contact__decision__decision=Decision.ASSESSMENT) | Exists(
        StrategyDiscussion.objects.filter(referral_id=OuterRef("pk"), outcome=StrategyOutcome.ASSESSMENT)
    )
    return (
        Referral.objects.filter(needs, closure__isnull=True)
        .exclude(Exists(Assessment.objects.filter(referral_id=OuterRef("pk"))))
        .annotate(c_start=F("referral_date"))
    )


def _section47_open() -> QuerySet[Any]:
    # An initial conference held ends the enquiry too, whether or not its end was recorded.
    return Section47Enquiry.objects.filter(completion__isnull=True, initial_conference__isnull=True).annotate(
        c_start=F("started_on")
    )


def _section47_awaiting_conference() -> QuerySet[Any]:
    return (
        Section47Enquiry.objects.filter(initial_conference__isnull=True)
        .filter(Q(completion__isnull=True) | Q(completion__outcome=Section47Outcome.INITIAL_CONFERENCE))
        .annotate(c_start=F("strategy_discussion__held_on"))
    )


def _plans_open() -> QuerySet[Any]:
    return ProtectionPlan.objects.filter(end__isnull=True)


def _reviews() -> QuerySet[Any]:
    return Conference.objects.filter(kind=ConferenceKind.REVIEW, plan_id=OuterRef("pk"))


def _plans_without_core_group() -> QuerySet[Any]:
    meetings = CoreGroupMeeting.objects.filter(plan_id=OuterRef("pk"))
    return _plans_open().exclude(Exists(meetings)).annotate(c_start=F("started_on"))


def _plans_without_review() -> QuerySet[Any]:
    return _plans_open().exclude(Exists(_reviews())).annotate(c_start=F("started_on"))


def _plans_reviewed() -> QuerySet[Any]:
    last = _reviews().order_by("-held_on").values("held_on")[:1]
    return _plans_open().filter(Exists(_reviews())).annotate(c_start=Subquery(last))


def _plans_reviewed_before(b: Bound) -> Q:
    return Q(~Exists(_reviews().filter(held_on__gte=b)))


def _seen_visits() -> QuerySet[Any]:
    return StatutoryVisit.objects.filter(plan_id=OuterRef("pk"), child_seen=True)


def _plans_visits() -> QuerySet[Any]:
    last = _seen_visits().order_by("-visited_on").values("visited_on")[:1]
    return _plans_open().annotate(c_start=Coalesce(Subquery(last), F("started_on")))


def _plans_visited_before(b: Bound) -> Q:
    # Coalesce(last visit, started_on) < b: visits are on or after the plan started.
    return Q(started_on__lt=b) & Q(~Exists(_seen_visits().filter(visited_on__gte=b)))


def _cin_plans_open() -> QuerySet[Any]:
    last = CINPlanReview.objects.filter(plan_id=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    return CINPlan.objects.filter(end__isnull=True).annotate(c_start=Coalesce(Subquery(last), F("started_on")))


def _cin_plans_reviewed_before(b: Bound) -> Q:
    return Q(started_on__lt=b) & Q(~Exists(CINPlanReview.objects.filter(plan_id=OuterRef("pk"), held_on__gte=b)))


def _episodes_open() -> QuerySet[Any]:
    last = EarlyHelpReview.objects.filter(episode_id=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    return EarlyHelpEpisode.objects.filter(closure__isnull=True).annotate(
        c_start=Coalesce(Subquery(last), F("started_on"))
    )


def _episodes_reviewed_before(b: Bound) -> Q:
    later = EarlyHelpReview.objects.filter(episode_id=OuterRef("pk"), held_on__gte=b)
    return Q(started_on__lt=b) & Q(~Exists(later))


def _plan_rule(key: str, rows: Callable[[], QuerySet[Any]], started_before: Callable[[Bound], Q] | None = None) -> Rule:
    extra = {"started_before": started_before} if started_before else {}
    return Rule(
        key=key,
        source_type="protection.protectionplan",
        url_name="protection:plan",
        link="pk",
        child="child",
        owner="lead_social_worker",
        also_owner=None,
        rows=rows,
        **extra,  # type: ignore[arg-type]
    )


def _section47_rule(key: str, rows: Callable[[], QuerySet[Any]]) -> Rule:
    return Rule(
        key=key,
        source_type="protection.section47enquiry",
        url_name="protection:section47",
        link="pk",
        child="child",
        owner="lead_social_worker",
        also_owner=None,
        rows=rows,
    )


RULES: tuple[Rule, ...] = (
    Rule(
        key="referral_decision",
        source_type="frontdoor.contact",
        url_name="frontdoor:contact",
        link="pk",
        child="child",
        owner=None,
        also_owner=None,
        rows=_contacts_undecided,
        moment=True,
        note="Waiting at the front door",
    ),
    Rule(
        key="strategy_discussion",
        source_type="frontdoor.contactdecision",
        url_name="frontdoor:referral",
        link="contact__referral",
        child="contact__child",
        owner="decided_by",
        also_owner=None,
        rows=_decisions_awaiting_strategy_discussion,
        moment=True,
    ),
    Rule(
        key="strategy_discussion",
        source_type="assessments.assessmentcompletion",
        url_name="assessments:detail",
        link="assessment",
        child="assessment__child",
        owner="assessment__lead_practitioner",
        also_owner="assessment__supervisor",
        rows=_assessments_awaiting_strategy_discussion,
    ),
    Rule(
        key="child_and_family_assessment",
        source_type="assessments.assessment",
        url_name="assessments:detail",
        link="pk",
        child="child",
        owner="lead_practitioner",
        also_owner="supervisor",
        rows=_assessments_open,
    ),
    Rule(
        key="child_and_family_assessment",
        source_type="frontdoor.referral",
        url_name="frontdoor:referral",
        link="pk",
        child="child",
        owner=None,
        also_owner=None,
        rows=_referrals_awaiting_assessment,
        note="Not yet allocated",
    ),
    _section47_rule("section47_enquiry", _section47_open),
    _section47_rule("initial_conference", _section47_awaiting_conference),
    _plan_rule("first_core_group", _plans_without_core_group),
    _plan_rule("first_review_conference", _plans_without_review),
    _plan_rule("review_conference", _plans_reviewed, _plans_reviewed_before),
    _plan_rule("cp_visit", _plans_visits, _plans_visited_before),
    Rule(
        key="cin_plan_review",
        source_type="assessments.cinplan",
        url_name="assessments:cin-plan",
        link="pk",
        child="child",
        owner="lead_practitioner",
        also_owner=None,
        rows=_cin_plans_open,
        started_before=_cin_plans_reviewed_before,
    ),
    Rule(
        key="early_help_review",
        source_type="earlyhelp.earlyhelpepisode",
        url_name="earlyhelp:episode",
        link="pk",
        child="child",
        owner="lead_practitioner",
        also_owner=None,
        rows=_episodes_open,
        started_before=_episodes_reviewed_before,
    ),
)


# --- Thresholds --------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _start_threshold(key: str, target: dt.date, _settings: tuple[Any, ...]) -> dt.date:
    hi = target  # due_date(key, d) is after d for every timescale, so d itself qualifies.
    span = 32
    while clocks.due_date(key, target - dt.timedelta(days=span)) >= target:
        span *= 2
    lo_o, hi_o = (target - dt.timedelta(days=span)).toordinal(), hi.toordinal()
    # due(lo) < target <= due(hi); halve until they meet.
    while hi_o - lo_o > 1:
        mid = (lo_o + hi_o) // 2
        if clocks.due_date(key, dt.date.fromordinal(mid)) >= target:
            hi_o = mid
        else:
            lo_o = mid
    return dt.date.fromordinal(hi_o)


def _settings_key(key: str) -> tuple[Any, ...]:
    # Settings are read at call time (ADR 7): the cache must not outlive an override.
    return (clocks.timescale(key), calendar.extra_non_working_days())


def start_threshold(key: str, due_on_or_after: dt.date) -> dt.date:
    """The earliest start date whose due date is on or after `due_on_or_after`.

    Due dates never decrease as the start increases, so `due_date(key, s) >= d` exactly when
    `s >= start_threshold(key, d)`.
    """
    return _start_threshold(key, due_on_or_after, _settings_key(key))


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """For one clock on one day: started before `overdue_before` is overdue; started from
    then and before `due_soon_before` is due soon; later is due."""

    overdue_before: dt.date
    due_soon_before: dt.date


def thresholds(key: str, today: dt.date) -> Thresholds:
    # Overdue: due < today. Due soon: due >= today and at most `warning` working days away,
    # that is due before the (warning + 1)-th working day after today.
    soon_end = calendar.add_working_days(today, clocks.warning_working_days() + 1)
    return Thresholds(start_threshold(key, today), start_threshold(key, soon_end))
