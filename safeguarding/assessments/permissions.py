"""Who may read and act on assessments and child in need plans. The rules live here only.

Reading: the assessment holds social care's analysis of the family, so it is read by those
who see the child's whole chronology (the front door and social care, the child's team,
break-glass). Other agencies involved with the child are told the outcome by letter.

Acting: children's social care (roles covering the whole local authority) starts
assessments and plans; the lead practitioner records the work; a social-work-qualified
supervisor or a social work manager authorises, never the lead practitioner themselves
(Working Together 2023: a lead practitioner who is not a social worker works under a
social-work-qualified supervisor).
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis


def _role(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False) or getattr(user, "agency_id", None) is None:
        return None
    return user.role


def _whole_la(user: Any) -> bool:
    role = _role(user)
    return bool(role and role.covers_whole_la)


def is_social_worker(user: Any) -> bool:
    role = _role(user)
    return bool(role and role.is_social_worker)


def may_read(basis: Basis) -> bool:
    return basis.sees_whole_chronology


def may_start(user: Any) -> bool:
    """Starting an assessment or a child in need plan is children's social care's decision."""
    return _whole_la(user)


def may_record(user: Any, assessment: Any) -> bool:
    """Dates the child was seen: social care, or the lead practitioner."""
    return _whole_la(user) or getattr(user, "pk", None) == assessment.lead_practitioner_id


def may_complete(user: Any, assessment: Any) -> bool:
    """The lead practitioner completes their assessment; a social worker of social care may too."""
    if getattr(user, "pk", None) == assessment.lead_practitioner_id and _role(user) is not None:
        return True
    return _whole_la(user) and is_social_worker(user)


def may_authorise(user: Any, assessment: Any) -> bool:
    """The named supervisor, or a social work manager; never the lead practitioner."""
    if _role(user) is None or user.pk == assessment.lead_practitioner_id:
        return False
    if user.pk == assessment.supervisor_id:
        return True
    return bool(user.role.is_manager and user.role.is_social_worker)


def may_act_on_plan(user: Any, plan: Any) -> bool:
    """Reviews and the end of a child in need plan: social care, or the plan's lead practitioner."""
    return _whole_la(user) or (_role(user) is not None and user.pk == plan.lead_practitioner_id)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def lead_needs_supervisor(lead: User) -> bool:
    return not is_social_worker(lead)
