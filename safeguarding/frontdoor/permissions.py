"""Who may do what at the front door. Views refuse with PermissionDenied; services check too.

The front door (MASH) decides on contacts and asks for agency checks: roles with
`may_decide_referrals`. Children's social care (roles covering the whole local authority)
reads contacts with their checks and works on the CIN episode; its social workers and
managers close it. Anyone who works for an agency may refer a child, and sees their own
referrals and what became of them.
"""

import enum
from typing import Any

from safeguarding.access.models import AgencyKind
from safeguarding.access.permissions import Basis


def _practitioner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.agency_id is not None)


def may_refer(user: Any) -> bool:
    return _practitioner(user)


def may_decide_referrals(user: Any) -> bool:
    return _practitioner(user) and bool(user.role and user.role.may_decide_referrals)


def covers_whole_la(user: Any) -> bool:
    return _practitioner(user) and bool(user.covers_whole_la)


def may_close_referral(user: Any) -> bool:
    """Social workers and managers of children's social care close a CIN episode."""
    return covers_whole_la(user) and bool(user.role.is_social_worker or user.role.is_manager)


def may_pick_up_early_help(user: Any) -> bool:
    """Early help requests: the front door and social care, and the local authority's early help."""
    if not _practitioner(user):
        return False
    return covers_whole_la(user) or user.agency.kind == AgencyKind.LA_EARLY_HELP


class ContactView(enum.Enum):
    """How much of a contact a user sees.

    FRONT_DOOR: everything, with the agency checks and the reasons for the decision.
    DETAILS: what was referred and what was decided (the referrer, their agency, those who
    may read the child's chronology entry for it); never other agencies' checks or the
    front door's reasons.
    """

    FRONT_DOOR = "front_door"
    DETAILS = "details"


def contact_view_for(*, user: Any, referrer_id: int | None, basis: Basis, entry_visible: bool) -> ContactView | None:
    if basis is Basis.WHOLE_LA:
        return ContactView.FRONT_DOOR
    if referrer_id is not None and referrer_id == user.pk:
        return ContactView.DETAILS
    if basis is not Basis.NONE and entry_visible:
        return ContactView.DETAILS
    return None
