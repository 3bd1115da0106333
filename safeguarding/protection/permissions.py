"""Who may record the child protection steps.

Strategy discussions, section 47 enquiries, conferences and plans are the local authority's
statutory work (Children Act 1989 s47): the front door and children's social care record
them (roles covering the whole local authority). Other agencies take part (as attendees,
invitees and core group members) and, while the plan lasts, read the child's record as
members of the child's team; they do not record these steps.
"""

from typing import Any

from safeguarding.protection.models import Section47Enquiry


def may_record_protection(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.agency_id is not None and user.covers_whole_la)


def is_social_worker(user: Any) -> bool:
    role = getattr(user, "role", None)
    return bool(role is not None and role.is_social_worker)


def may_complete_section47(user: Any, enquiry: Section47Enquiry) -> bool:
    """The social worker who leads the enquiry, or another social worker of the local
    authority (the lead may be away; the enquiry is still led by a social worker)."""
    if not may_record_protection(user):
        return False
    return user.pk == enquiry.lead_social_worker_id or is_social_worker(user)
