"""The timeliness projection (`ClockRow`): every clock of the pathway, running or completed,
with its start, its end and its owner, so that a team's timeliness is one indexed count.

Running clocks come from the same rules as every other clock view (`pathway.rules`); the
completed ones from the steps that stop them. Each pathway service is decorated with
`refreshes_clocks`, which rewrites the child's rows at the end of the service, inside its
transaction, so the projection never disagrees with the rows it is made from.
`clock_rows_rebuild()` (and `manage.py clock_rows_rebuild`) rebuilds them all, for bulk loads.
"""

import functools
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from safeguarding.assessments.models import AssessmentCompletion
from safeguarding.core import calendar
from safeguarding.frontdoor.models import ContactDecision
from safeguarding.pathway.models import ClockRow
from safeguarding.pathway.rules import RULES
from safeguarding.protection.models import Conference, ConferenceKind, CoreGroupMeeting, ProtectionPlan

P = ParamSpec("P")
R = TypeVar("R")
BATCH = 5000


def _running(children: list[int] | None) -> Iterator[ClockRow]:
    for rule in RULES:
        qs = rule.rows()
        if children is not None:
            qs = qs.filter(**{f"{rule.child}__in": children})
        cols = ["pk", rule.child, "c_start", rule.owner or "pk"]
        for pk, child_id, start, owner in qs.values_list(*cols).order_by().iterator(chunk_size=BATCH):
            yield ClockRow(
                key=rule.key,
                child_id=child_id,
                owner_id=owner if rule.owner else None,
                source_type=rule.source_type,
                source_id=pk,
                start_on=calendar.local_date(start) if rule.moment else start,
            )


def _completed(children: list[int] | None) -> Iterator[ClockRow]:
    def narrow(qs: Any, field: str) -> Any:
        return qs.filter(**{f"{field}__in": children}) if children is not None else qs

    decisions = narrow(ContactDecision.objects, "contact__child").values_list(
        "pk", "contact__child_id", "decided_by_id", "contact__received_at", "decided_at"
    )
    for pk, child_id, owner, received, decided in decisions.order_by().iterator(chunk_size=BATCH):
        yield ClockRow(
            key="referral_decision",
            child_id=child_id,
            owner_id=owner,
            source_type="frontdoor.contactdecision",
            source_id=pk,
            start_on=calendar.local_date(received),
            completed_on=calendar.local_date(decided),
        )

    assessments = narrow(AssessmentCompletion.objects, "assessment__child").values_list(
        "pk",
        "assessment__child_id",
        "assessment__lead_practitioner_id",
        "assessment__referral__referral_date",
        "completed_on",
    )
    for pk, child_id, owner, start, done in assessments.order_by().iterator(chunk_size=BATCH):
        yield ClockRow(
            key="child_and_family_assessment",
            child_id=child_id,
            owner_id=owner,
            source_type="assessments.assessmentcompletion",
            source_id=pk,
            start_on=start,
            completed_on=done,
        )

    initial = narrow(Conference.objects.filter(kind=ConferenceKind.INITIAL), "child").values_list(
        "pk", "child_id", "section47__lead_social_worker_id", "section47__strategy_discussion__held_on", "held_on"
    )
    for pk, child_id, owner, start, held in initial.order_by().iterator(chunk_size=BATCH):
        yield ClockRow(
            key="initial_conference",
            child_id=child_id,
            owner_id=owner,
            source_type="protection.conference",
            source_id=pk,
            start_on=start,
            completed_on=held,
        )

    first_meeting = CoreGroupMeeting.objects.filter(plan_id=OuterRef("pk")).order_by("held_on").values("held_on")[:1]
    core_groups = (
        narrow(ProtectionPlan.objects, "child")
        .annotate(first=Subquery(first_meeting, output_field=DateField()))
        .filter(first__isnull=False)
        .values_list("pk", "child_id", "lead_social_worker_id", "started_on", "first")
    )
    for pk, child_id, owner, start, first in core_groups.order_by().iterator(chunk_size=BATCH):
        yield ClockRow(
            key="first_core_group",
            child_id=child_id,
            owner_id=owner,
            source_type="protection.protectionplan",
            source_id=pk,
            start_on=start,
            completed_on=first,
        )

    previous = (
        Conference.objects.filter(
            plan_id=OuterRef("plan_id"), kind=ConferenceKind.REVIEW, held_on__lt=OuterRef("held_on")
        )
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    reviews = (
        narrow(Conference.objects.filter(kind=ConferenceKind.REVIEW), "child")
        .annotate(prev=Subquery(previous, output_field=DateField()))
        .annotate(start=Coalesce(F("prev"), F("plan__started_on")))
        .values_list("pk", "child_id", "plan__lead_social_worker_id", "prev", "start", "held_on")
    )
    for pk, child_id, owner, prev, start, held in reviews.order_by().iterator(chunk_size=BATCH):
        yield ClockRow(
            key="first_review_conference" if prev is None else "review_conference",
            child_id=child_id,
            owner_id=owner,
            source_type="protection.conference",
            source_id=pk,
            start_on=start,
            completed_on=held,
        )


def clock_rows_for(child_ids: list[int] | None) -> list[ClockRow]:
    """The rows the projection should hold for these children (every child when None)."""
    return [*_running(child_ids), *_completed(child_ids)]


@transaction.atomic
def clock_rows_refresh(*, child_id: int) -> None:
    """Rewrite one child's rows from the pathway's rows (in the caller's transaction)."""
    ClockRow.objects.filter(child_id=child_id).delete()
    ClockRow.objects.bulk_create(clock_rows_for([child_id]))


@transaction.atomic
def clock_rows_rebuild() -> int:
    """Rebuild every row (after a bulk load, or to check the projection)."""
    ClockRow.objects.all().delete()
    rows = clock_rows_for(None)
    ClockRow.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _child_id(result: Any) -> int:
    """The child a service's result is about: the row itself, or the row it hangs on."""
    seen = 0
    obj = result
    while obj is not None and seen < 4:
        child_id = getattr(obj, "child_id", None)
        if isinstance(child_id, int):
            return child_id
        for parent in ("contact", "assessment", "plan", "episode", "enquiry", "referral", "discussion", "action"):
            nxt = getattr(obj, parent, None)
            if nxt is not None:
                obj = nxt
                break
        else:
            obj = None
        seen += 1
    raise TypeError(f"Cannot tell which child {type(result).__name__} is about")


def refreshes_clocks(service: Callable[P, R]) -> Callable[P, R]:
    """Decorate a pathway service (under its @transaction.atomic) so that, once it has written
    its rows, its child's clock rows are rewritten in the same transaction."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        result = service(*args, **kwargs)
        clock_rows_refresh(child_id=_child_id(result))
        return result

    return wrapper
