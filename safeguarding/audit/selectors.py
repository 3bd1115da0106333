"""Reads of the audit log: who looked at a child's record, recent activity, break-glass.

Every list here is a single indexed query whatever its length (the audit grows to millions
of rows): no per-row lookups, and no COUNT over the whole log.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import CharField, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from safeguarding.access.models import BreakGlassAccess
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.models import Child

# What a DPO asks about one child, in the words of the "Who has looked" page.
CHILD_FILTERS: dict[str, tuple[str, tuple[Action, ...]]] = {
    "viewed": ("Viewed", (Action.VIEW,)),
    "searched": ("Searched", (Action.SEARCH,)),
    "printed": ("Printed or exported", (Action.PRINT, Action.EXPORT)),
    "changed": ("Recorded or changed", (Action.CREATE, Action.AMEND)),
    "break-glass": ("Emergency access", (Action.BREAK_GLASS,)),
    "refused": ("Refused access", (Action.DENIED,)),
}

# Reading the audit is itself audited, with detail {"what": "audit ..."}; those rows are
# not views of the child's record and are left out of the "who viewed" summary.
AUDIT_WHAT_PREFIX = "audit"

BASIS_LABELS = {
    "whole_la": "role covers the whole local authority",
    "childs_team": "in the child's team",
    "agency": "agency involved with the child",
    "break_glass": "emergency access",
}

SUMMARY_DAYS = 30


def child_events(child: Child, *, show: str = "") -> QuerySet[AuditEvent]:
    """Every event about the child, newest first, optionally one kind of activity."""
    qs = AuditEvent.objects.filter(child=child).order_by("-id")
    if show in CHILD_FILTERS:
        qs = qs.filter(action__in=CHILD_FILTERS[show][1])
    return qs


@dataclass(frozen=True)
class ChildAuditSummary:
    days: int
    practitioners_viewed: int
    break_glass_count: int


def child_audit_summary(child: Child, *, days: int = SUMMARY_DAYS) -> ChildAuditSummary:
    """Distinct practitioners who opened the record, and emergency accesses, in `days`."""
    since = timezone.now() - timedelta(days=days)
    recent = AuditEvent.objects.filter(child=child, occurred_at__gte=since)
    counts = recent.aggregate(
        viewed=Count(
            "actor",
            distinct=True,
            filter=Q(action=Action.VIEW, actor__isnull=False) & ~Q(detail__what__startswith=AUDIT_WHAT_PREFIX),
        ),
        break_glass=Count("id", filter=Q(action=Action.BREAK_GLASS)),
    )
    return ChildAuditSummary(
        days=days, practitioners_viewed=counts["viewed"] or 0, break_glass_count=counts["break_glass"] or 0
    )


@dataclass(frozen=True)
class EventFilters:
    action: str = ""
    practitioner: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def recent_events(filters: EventFilters) -> QuerySet[AuditEvent]:
    """The whole log, newest first, narrowed by action, practitioner and local dates."""
    qs = AuditEvent.objects.select_related("child").order_by("-id")
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.practitioner:
        qs = qs.filter(actor_label__iexact=filters.practitioner.strip())
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return qs


@dataclass
class KeysetPage:
    """One page of a newest-first list, navigated by id (no COUNT, no OFFSET)."""

    rows: list[AuditEvent]
    newer_after: int | None = None  # pass as ?after= to see newer rows
    older_before: int | None = None  # pass as ?before= to see older rows
    extra: dict[str, Any] = field(default_factory=dict)


def keyset_page(qs: QuerySet[AuditEvent], *, before: int | None, after: int | None, size: int = 50) -> KeysetPage:
    if after is not None:
        rows = list(qs.filter(pk__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        if not rows:
            return KeysetPage(rows=[])
        return KeysetPage(rows=rows, newer_after=rows[0].pk if more_newer else None, older_before=rows[-1].pk)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    if not rows:
        return KeysetPage(rows=[])
    return KeysetPage(
        rows=rows,
        newer_after=rows[0].pk if before is not None else None,
        older_before=rows[-1].pk if more_older else None,
    )


def break_glass_report() -> QuerySet[BreakGlassAccess]:
    """Every emergency access, newest first, with its audit event and what was opened in it.

    `views_during` counts the practitioner's views of that child while the access lasted,
    so the DPO sees whether the access was used, and how much.
    """
    grant_event = AuditEvent.objects.filter(
        action=Action.BREAK_GLASS,
        object_type=BreakGlassAccess._meta.label_lower,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    ).order_by("id")
    views = (
        AuditEvent.objects.filter(
            action=Action.VIEW,
            actor_id=OuterRef("practitioner_id"),
            child_id=OuterRef("child_id"),
            occurred_at__gte=OuterRef("granted_at"),
            occurred_at__lte=OuterRef("expires_at"),
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        BreakGlassAccess.objects.select_related("practitioner__agency", "child")
        .annotate(
            views_during=Coalesce(Subquery(views, output_field=IntegerField()), Value(0)),
            audit_event_id=Subquery(grant_event.values("id")[:1]),
        )
        .order_by("-granted_at", "-id")
    )
