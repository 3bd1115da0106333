"""Who records Operation Encompass incidents, and who sees the notifications. Scope is a
queryset filter, never a template's business (STYLE.md, habit 5).

- The police record incidents; their own force sees its incidents.
- A notification is for the school's key adults only: its designated safeguarding leads
  (roles named by `ENCOMPASS_KEY_ADULT_ROLES`, default "dsl"), not every teacher, and not
  other agencies. The front door sees the incident on the child's chronology and is told
  when a notification escalates.
"""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from safeguarding.access.models import AgencyKind, User
from safeguarding.encompass.models import DomesticAbuseIncident, EncompassNotification


def key_adult_roles() -> tuple[str, ...]:
    raw = getattr(settings, "ENCOMPASS_KEY_ADULT_ROLES", ("dsl",)) or ("dsl",)
    if isinstance(raw, str):
        raw = raw.split(",")
    return tuple(r.strip() for r in raw if r.strip())


def _practitioner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.agency_id is not None and user.is_active)


def is_key_adult(user: Any) -> bool:
    """A school's designated safeguarding lead (or another key adult role the authority names)."""
    return _practitioner(user) and user.role is not None and user.role.key in key_adult_roles()


def is_key_adult_of(user: Any, school_id: int) -> bool:
    return is_key_adult(user) and user.agency_id == school_id


def may_record_incident(user: Any) -> bool:
    """Police practitioners record domestic abuse incidents for Operation Encompass."""
    return _practitioner(user) and user.agency.kind == AgencyKind.POLICE


def notifications_visible_to(user: Any) -> QuerySet[EncompassNotification]:
    """The notifications to the user's school, if they are one of its key adults."""
    if not is_key_adult(user):
        return EncompassNotification.objects.none()
    return EncompassNotification.objects.filter(school_id=user.agency_id)


def incidents_visible_to(user: Any) -> QuerySet[DomesticAbuseIncident]:
    """The incidents the user's force recorded."""
    if not may_record_incident(user):
        return DomesticAbuseIncident.objects.none()
    return DomesticAbuseIncident.objects.filter(police_id=user.agency_id)


def key_adults_of(school_id: int) -> QuerySet[User]:
    return User.objects.filter(agency_id=school_id, is_active=True, role__key__in=key_adult_roles())


def front_door() -> QuerySet[User]:
    """The front door (MASH): told when a notification escalates."""
    return User.objects.filter(is_active=True, role__may_decide_referrals=True, agency__isnull=False)
