"""Who may see the pathway's cross-cutting views. My work is everyone's own; a team's
timeliness is for managers, and whole-LA managers may look at any team of the local authority."""

from typing import Any

from django.db.models import QuerySet

from safeguarding.access.models import AgencyKind, Team

LA_TEAM_KINDS = (AgencyKind.LA_SOCIAL_CARE, AgencyKind.LA_EARLY_HELP)


def may_view_timeliness(user: Any) -> bool:
    """Team managers and practice supervisors (Role.is_manager) of an agency."""
    return bool(user.is_authenticated and user.agency_id and user.role and user.role.is_manager)


def may_pick_any_team(user: Any) -> bool:
    """A manager whose role covers the whole local authority may look at any LA team."""
    return may_view_timeliness(user) and bool(user.role.covers_whole_la)


def teams_for(user: Any) -> QuerySet[Team]:
    """The teams whose timeliness `user` may see."""
    if may_pick_any_team(user):
        return Team.objects.filter(agency__kind__in=LA_TEAM_KINDS).select_related("agency")
    if may_view_timeliness(user) and user.team_id:
        return Team.objects.filter(pk=user.team_id).select_related("agency")
    return Team.objects.none()


def may_decide_referrals(user: Any) -> bool:
    return bool(user.is_authenticated and user.role and user.role.may_decide_referrals)
