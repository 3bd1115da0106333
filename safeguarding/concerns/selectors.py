"""Reads of the multi-agency chronology.

Scope comes from `access.permissions.entries_visible_to` (never from a template); these
functions only narrow it by the filters a practitioner chose, and load what a timeline row
shows in a constant number of queries whatever the number of entries.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeguarding.access.models import Agency, User
from safeguarding.access.permissions import Basis, entries_visible_to
from safeguarding.concerns import chronology
from safeguarding.concerns.models import Category, ChronologyEntry, ChronologyShare
from safeguarding.people.models import Child


@dataclass(frozen=True)
class ChronologyFilters:
    agency_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    category: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.agency_ids or self.kinds or self.category or self.date_from or self.date_to)

    def as_audit(self) -> dict[str, object]:
        return {
            k: v
            for k, v in {
                "agency_ids": list(self.agency_ids),
                "kinds": list(self.kinds),
                "category": self.category,
                "date_from": self.date_from,
                "date_to": self.date_to,
            }.items()
            if v
        }


def _start_of_day(d: date) -> datetime:
    """Midnight at the start of `d` in the local authority's time zone (aware)."""
    return timezone.make_aware(datetime.combine(d, time.min))


def _shares_shown(user: User, basis: Basis) -> QuerySet[ChronologyShare]:
    """Shares of the outer entry that `user` may know of: all of them for those who see the
    whole chronology and for the agency that recorded the entry; otherwise only the share
    with the user's own agency (which is why they can see the entry), not who else got it."""
    shares = ChronologyShare.objects.filter(entry_id=OuterRef("pk"))
    if basis.sees_whole_chronology:
        return shares
    return shares.filter(Q(agency_id=user.agency_id) | Q(entry__agency_id=user.agency_id))


def chronology_for(
    user: User, child: Child, basis: Basis, filters: ChronologyFilters | None = None
) -> QuerySet[ChronologyEntry]:
    """The entries of the child's chronology `user` may read, filtered, newest first.

    Agency, author and who the entry was shared with come in the same query, so a page of
    entries is one query.
    """
    qs = entries_visible_to(user, child, basis).select_related("agency", "author")
    # "Shared with X" on each row, in the same query (two correlated subqueries, no prefetch).
    shares = _shares_shown(user, basis)
    qs = qs.annotate(
        shared_with_first=Subquery(shares.order_by("shared_at", "id").values("agency__name")[:1]),
        shared_with_count=Coalesce(
            Subquery(shares.order_by().values("entry_id").annotate(n=Count("pk")).values("n")[:1]),
            0,
            output_field=IntegerField(),
        ),
    )
    f = filters or ChronologyFilters()
    if f.agency_ids:
        qs = qs.filter(agency_id__in=f.agency_ids)
    if f.kinds:
        qs = qs.filter(kind__in=f.kinds)
    if f.category:
        # One ChronologyCategory row per code and entry, so the join adds no duplicates.
        qs = qs.filter(category_rows__code=f.category)
    if f.date_from:
        qs = qs.filter(occurred_at__gte=_start_of_day(f.date_from))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=_start_of_day(f.date_to + timedelta(days=1)))
    return qs.order_by("-occurred_at", "-id")


def chronology_agencies(user: User, child: Child, basis: Basis) -> QuerySet[Agency]:
    """Agencies that have entries in the part of the chronology `user` may read (one query)."""
    visible = entries_visible_to(user, child, basis)
    return Agency.objects.filter(pk__in=visible.values("agency_id")).order_by("name")


def kind_label(key: str) -> str:
    try:
        return chronology.kind(key).label
    except LookupError:
        return key.replace("_", " ").capitalize()


def category_label(code: str) -> str:
    try:
        return str(Category(code).label)
    except ValueError:
        return code.replace("_", " ").capitalize()
