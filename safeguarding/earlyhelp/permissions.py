"""Who may start, read and act on early help. The rules live here only.

Early help is multi-agency and voluntary (Working Together 2023, chapter 2): the lead
practitioner may come from any agency, so starting it is not reserved to the local
authority.

- Starting an episode: the front door and children's social care (roles covering the whole
  local authority), early help workers (the local authority's early help service), and any
  practitioner whose agency is involved with the child or who is in the child's team.
- Reading an episode: anyone who may open the child's record (the family consented to the
  agencies working with them sharing what they know).
- Acting on an episode (consent, assessment, team, plan, reviews, step up, closure): the lead
  practitioner, members of the team around the family who use the platform, and roles
  covering the whole local authority.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from safeguarding.access.models import AgencyKind
from safeguarding.access.permissions import Basis


def _practitioner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "agency_id", None) is not None)


def is_whole_la(user: Any) -> bool:
    return _practitioner(user) and bool(user.role and user.role.covers_whole_la)


def is_early_help_worker(user: Any) -> bool:
    return _practitioner(user) and user.agency.kind == AgencyKind.LA_EARLY_HELP


def may_read(basis: Basis) -> bool:
    return basis is not Basis.NONE


def may_start(user: Any, basis: Basis) -> bool:
    """The front door and social care, early help workers, and practitioners working with the child."""
    if not _practitioner(user):
        return False
    if is_whole_la(user) or is_early_help_worker(user):
        return True
    return basis in (Basis.AGENCY, Basis.CHILDS_TEAM)


def may_act(user: Any, episode: Any, team_user_ids: set[int] | None = None) -> bool:
    """The lead practitioner, the team around the family's platform users, or a whole-LA role.

    `team_user_ids` saves a query when the page has already loaded the team.
    """
    if not _practitioner(user):
        return False
    if is_whole_la(user) or user.pk == episode.lead_practitioner_id:
        return True
    if team_user_ids is None:
        team_user_ids = set(episode.team.exclude(practitioner=None).values_list("practitioner_id", flat=True))
    return user.pk in team_user_ids


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
