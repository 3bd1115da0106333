"""Reads of the front door: the queue with its clocks, re-referrals, agency checks, what is
still open under a referral, and early help requests.

List pages run a constant number of queries whatever the number of rows: the page is
fetched with its joins, then one query each for what the page's rows need (their
children's earlier referrals, their checks), and the clocks are computed in Python for the
page only. The due date of "decide within 1 working day" grows with the day received, so
the oldest contact is the nearest due: the queue is ordered by `received_at`, indexed.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.assessments.models import Assessment, AssessmentCompletion, CINPlan, CINPlanEnd
from safeguarding.core import calendar, clocks
from safeguarding.core.calendar import long_date
from safeguarding.core.clocks import ClockState, ClockStatus
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.frontdoor.models import (
    AgencyCheck,
    Contact,
    ContactDecision,
    Decision,
    Referral,
    ReferralClosure,
)
from safeguarding.protection.models import (
    Conference,
    PlanEnd,
    ProtectionPlan,
    Section47Completion,
    Section47Enquiry,
    StrategyDiscussion,
)

QUEUE_PAGE_SIZE = 50
RECENT_DAYS = 7

_TAGS = {
    ClockState.OVERDUE: ("Overdue", "govuk-tag--red"),
    ClockState.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    ClockState.DUE: ("Due", "govuk-tag--grey"),
    ClockState.MET: ("{done} in time", "govuk-tag--green"),
    ClockState.MET_LATE: ("{done} late", "govuk-tag--orange"),
}


@dataclass(frozen=True)
class ClockTag:
    status: ClockStatus
    text: str
    css: str
    detail: str


def clock_tag(status: ClockStatus, *, done: str = "Done") -> ClockTag:
    text, css = _TAGS[status.state]
    if status.state in (ClockState.MET, ClockState.MET_LATE):
        detail = f"was due by {long_date(status.due)}"
    else:
        detail = f"due by {long_date(status.due)}"
    return ClockTag(status=status, text=text.format(done=done), css=css, detail=detail)


def decision_clock(
    contact: Contact, decided_at: dt.datetime | None = None, *, today: dt.date | None = None
) -> ClockTag:
    """The front door's clock: decide within 1 working day of the day the contact was received."""
    status = clocks.clock_status(
        "referral_decision",
        calendar.local_date(contact.received_at),
        calendar.local_date(decided_at) if decided_at else None,
        today=today,
    )
    return clock_tag(status, done="Decided")


# Re-referrals ----------------------------------------------------------------------------


def re_referral_window_start(received_on: dt.date) -> dt.date:
    """A re-referral is one within 12 months of an earlier referral (CIN census)."""
    return received_on - relativedelta(months=12)


def previous_referral(child_id: int, received_on: dt.date, *, exclude_contact_id: int | None = None) -> Referral | None:
    """The child's latest referral in the 12 months up to the day a contact was received."""
    qs = Referral.objects.filter(
        child_id=child_id, referral_date__gte=re_referral_window_start(received_on), referral_date__lte=received_on
    )
    if exclude_contact_id is not None:
        qs = qs.exclude(contact_id=exclude_contact_id)
    return qs.order_by("-referral_date", "-id").first()


def re_referrals_for(contacts: Iterable[Contact]) -> set[int]:
    """Which of these contacts (ids) follow a referral of the same child within 12 months. One query."""
    contacts = list(contacts)
    if not contacts:
        return set()
    received = {c.pk: calendar.local_date(c.received_at) for c in contacts}
    earliest = re_referral_window_start(min(received.values()))
    by_child: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for child_id, referral_date, contact_id in Referral.objects.filter(
        child_id__in={c.child_id for c in contacts}, referral_date__gte=earliest
    ).values_list("child_id", "referral_date", "contact_id"):
        by_child[child_id].append((referral_date, contact_id))
    found = set()
    for c in contacts:
        start, end = re_referral_window_start(received[c.pk]), received[c.pk]
        if any(start <= d <= end and cid != c.pk for d, cid in by_child.get(c.child_id, ())):
            found.add(c.pk)
    return found


def open_referral(child_id: int) -> Referral | None:
    return Referral.objects.filter(child_id=child_id, closure__isnull=True).order_by("-referral_date", "-id").first()


# The queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    contact: Contact
    clock: ClockTag
    re_referral: bool
    checks_asked: int
    checks_returned: int
    decision: ContactDecision | None = None


def undecided_contacts() -> QuerySet[Contact]:
    return (
        Contact.objects.filter(decision__isnull=True)
        .select_related("child", "referrer_agency")
        .only(
            "id",
            "child_id",
            "received_at",
            "source",
            "immediate_danger",
            "referrer_id",
            "referrer_name",
            "referrer_relationship",
            "early_help_episode_id",
            "referrer_agency__name",
            "child__display_name",
            "child__la_child_id",
            "child__date_of_birth",
            "child__expected_date_of_birth",
        )
        .order_by("received_at", "id")
    )


def recently_decided(*, days: int = RECENT_DAYS) -> QuerySet[ContactDecision]:
    since = timezone.now() - dt.timedelta(days=days)
    return (
        ContactDecision.objects.filter(decided_at__gte=since)
        .select_related("contact", "contact__child", "contact__referrer_agency", "decided_by")
        .defer("reason", "contact__concern", "contact__household", "contact__action_taken", "contact__consent_reason")
        .order_by("-decided_at", "-id")
    )


def _check_counts(contact_ids: list[int]) -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for contact_id, returned_id in AgencyCheck.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "returned__id"
    ):
        counts[contact_id][0] += 1
        counts[contact_id][1] += returned_id is not None
    return {k: (v[0], v[1]) for k, v in counts.items()}


def queue_rows(contacts: Iterable[Contact], *, today: dt.date | None = None) -> list[QueueRow]:
    """Rows for one page of the queue: two queries, whatever the page's length."""
    contacts = list(contacts)
    today = today or calendar.today()
    re_referred = re_referrals_for(contacts)
    checks = _check_counts([c.pk for c in contacts])
    return [
        QueueRow(
            contact=c,
            clock=decision_clock(c, today=today),
            re_referral=c.pk in re_referred,
            checks_asked=checks.get(c.pk, (0, 0))[0],
            checks_returned=checks.get(c.pk, (0, 0))[1],
        )
        for c in contacts
    ]


def decided_rows(decisions: Iterable[ContactDecision]) -> list[QueueRow]:
    decisions = list(decisions)
    contacts = [d.contact for d in decisions]
    re_referred = re_referrals_for(contacts)
    return [
        QueueRow(
            contact=d.contact,
            clock=decision_clock(d.contact, d.decided_at),
            re_referral=d.contact.pk in re_referred,
            checks_asked=0,
            checks_returned=0,
            decision=d,
        )
        for d in decisions
    ]


# Agency checks ---------------------------------------------------------------------------


def checks_waiting(agency_id: int) -> QuerySet[AgencyCheck]:
    """Checks asked of an agency and not yet answered, oldest first (name and date of birth only)."""
    return (
        AgencyCheck.objects.filter(agency_id=agency_id, returned__isnull=True)
        .select_related("contact__child", "requested_by")
        .only(
            "id",
            "question",
            "requested_at",
            "contact_id",
            "contact__child_id",
            "contact__child__display_name",
            "contact__child__date_of_birth",
            "contact__child__expected_date_of_birth",
            "requested_by__first_name",
            "requested_by__last_name",
            "requested_by__username",
        )
        .order_by("requested_at", "id")
    )


def checks_answered(agency_id: int, *, limit: int = 20) -> list[AgencyCheck]:
    return list(
        AgencyCheck.objects.filter(agency_id=agency_id, returned__isnull=False)
        .select_related("contact__child", "returned", "returned__returned_by")
        .only(
            "id",
            "requested_at",
            "contact_id",
            "contact__child_id",
            "contact__child__display_name",
            "contact__child__date_of_birth",
            "contact__child__expected_date_of_birth",
            "returned__id",
            "returned__returned_at",
            "returned__returned_by__first_name",
            "returned__returned_by__last_name",
            "returned__returned_by__username",
        )
        .order_by("-returned__returned_at", "-id")[:limit]
    )


# What is open under a referral -----------------------------------------------------------


def open_steps(referral: Referral) -> list[str]:
    """What still runs under a referral, in words, for the refusal to close it."""
    steps = [
        f"the child and family assessment started {long_date(d)}"
        for d in Assessment.objects.filter(referral=referral, completion__isnull=True).values_list(
            "started_on", flat=True
        )
    ]
    steps += [
        f"the section 47 enquiry started {long_date(d)}"
        for d in Section47Enquiry.objects.filter(
            strategy_discussion__referral=referral, completion__isnull=True
        ).values_list("started_on", flat=True)
    ]
    steps += [
        f"the child protection plan started {long_date(d)}"
        for d in ProtectionPlan.objects.filter(referral=referral, end__isnull=True).values_list("started_on", flat=True)
    ]
    steps += [
        f"the child in need plan started {long_date(d)}"
        for d in CINPlan.objects.filter(referral=referral, end__isnull=True).values_list("started_on", flat=True)
    ]
    return steps


def has_completed_assessment(referral: Referral) -> bool:
    return AssessmentCompletion.objects.filter(assessment__referral=referral).exists()


def last_step_on(referral: Referral) -> dt.date | None:
    """The date of the latest step recorded under a referral: a closure cannot come before it."""
    dates = [
        AssessmentCompletion.objects.filter(assessment__referral=referral).aggregate(d=Max("completed_on"))["d"],
        StrategyDiscussion.objects.filter(referral=referral).aggregate(d=Max("held_on"))["d"],
        Section47Completion.objects.filter(enquiry__strategy_discussion__referral=referral).aggregate(
            d=Max("completed_on")
        )["d"],
        Conference.objects.filter(
            Q(section47__strategy_discussion__referral=referral) | Q(plan__referral=referral)
        ).aggregate(d=Max("held_on"))["d"],
        PlanEnd.objects.filter(plan__referral=referral).aggregate(d=Max("ended_on"))["d"],
        CINPlanEnd.objects.filter(plan__referral=referral).aggregate(d=Max("ended_on"))["d"],
    ]
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def referral_closed(referral: Referral) -> ReferralClosure | None:
    return ReferralClosure.objects.filter(referral_id=referral.pk).first()


# Early help requests ---------------------------------------------------------------------


def early_help_requests() -> QuerySet[Contact]:
    """Contacts the front door decided need early help that no early help episode has taken up."""
    taken_up = EarlyHelpEpisode.objects.filter(from_contact_id=OuterRef("pk"))
    return (
        Contact.objects.filter(decision__decision=Decision.EARLY_HELP)
        .filter(~Exists(taken_up))
        .select_related("child", "decision", "referrer_agency")
        .defer("concern", "household", "action_taken", "consent_reason", "decision__reason")
        .order_by("decision__decided_at", "id")
    )
