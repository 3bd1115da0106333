"""Who may see which child, and which of a child's entries. The rules live here only.

Working Together 2023 and the seven golden rules: share what is necessary and
proportionate. A practitioner may open a child's record only with a legitimate
relationship (their agency is involved, they are in the child's team, or their role covers
the whole local authority), or by break-glass in an emergency.

Scope is always a queryset filter: views and selectors call these functions and never
filter in templates.
"""

import enum
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.access.models import BreakGlassAccess, ChildInvolvement, ChildTeamMembership, User
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare
from safeguarding.people.models import Child


class Basis(enum.Enum):
    WHOLE_LA = "whole_la"
    CHILDS_TEAM = "childs_team"
    AGENCY = "agency"
    BREAK_GLASS = "break_glass"
    NONE = "none"

    @property
    def sees_whole_chronology(self) -> bool:
        return self in (Basis.WHOLE_LA, Basis.CHILDS_TEAM, Basis.BREAK_GLASS)


def _active_involvement(user: User) -> Q:
    today = timezone.localdate()
    return Q(agency_id=user.agency_id) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def _active_team(user: User) -> Q:
    now = timezone.now()
    # An end may be set ahead (a core group member leaving at the end of the plan).
    return Q(practitioner_id=user.pk) & (Q(ended_at__isnull=True) | Q(ended_at__gt=now))


def _active_break_glass(user: User) -> Q:
    return Q(practitioner_id=user.pk, expires_at__gt=timezone.now())


def basis_for(user: User, child_id: int) -> Basis:
    """The strongest basis on which `user` may open the child's record (or NONE).

    One query whatever the child's history (none for whole-LA roles and outsiders).
    """
    if not user.is_authenticated or user.agency_id is None:
        return Basis.NONE
    if user.covers_whole_la:
        return Basis.WHOLE_LA
    flags = (
        Child.objects.filter(pk=child_id)
        .annotate(
            in_team=Exists(ChildTeamMembership.objects.filter(_active_team(user), child_id=OuterRef("pk"))),
            involved=Exists(ChildInvolvement.objects.filter(_active_involvement(user), child_id=OuterRef("pk"))),
            has_break_glass=Exists(BreakGlassAccess.objects.filter(_active_break_glass(user), child_id=OuterRef("pk"))),
        )
        .values_list("in_team", "involved", "has_break_glass")
        .first()
    )
    if flags is None:
        return Basis.NONE
    in_team, involved, break_glass = flags
    if in_team:
        return Basis.CHILDS_TEAM
    if involved:
        return Basis.AGENCY
    if break_glass:
        return Basis.BREAK_GLASS
    return Basis.NONE


def children_visible_to(user: User) -> QuerySet[Child]:
    """Children whose record `user` may open."""
    qs = Child.objects.all()
    if not user.is_authenticated or user.agency_id is None:
        return qs.none()
    if user.covers_whole_la:
        return qs
    return qs.filter(
        Exists(ChildInvolvement.objects.filter(_active_involvement(user), child_id=OuterRef("pk")))
        | Exists(ChildTeamMembership.objects.filter(_active_team(user), child_id=OuterRef("pk")))
        | Exists(BreakGlassAccess.objects.filter(_active_break_glass(user), child_id=OuterRef("pk")))
    )


def entries_visible_to(user: User, child: Child, basis: Basis) -> QuerySet[ChronologyEntry]:
    """The child's chronology entries `user` may read, given their basis.

    Front door, social care, the child's team and break-glass see everything; other
    practitioners see their own agency's entries and what was shared with their agency.
    """
    qs = ChronologyEntry.objects.filter(child=child)
    if basis.sees_whole_chronology:
        return qs
    if basis is Basis.NONE or user.agency_id is None:
        return qs.none()
    # agency_id, not agency: reading user.agency would cost a query per call.
    shared = ChronologyShare.objects.filter(entry_id=OuterRef("pk"), agency_id=user.agency_id)
    return qs.filter(Q(agency_id=user.agency_id) | Exists(shared))


def break_glass_expiry() -> timedelta:
    return timedelta(minutes=settings.BREAK_GLASS_MINUTES)


def may_amend_child_details(user: Any) -> bool:
    """Who may correct the child index (identity, names, addresses, family).

    The index is held by the local authority: the front door and children's social care
    (roles covering the whole local authority) correct it. Other agencies see the child's
    details but ask the front door to correct them, so that one record is not changed by
    everyone who holds a slightly different version of it.
    """
    return bool(getattr(user, "is_authenticated", False) and user.agency_id is not None and user.covers_whole_la)
