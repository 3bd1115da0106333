"""Writes of child protection: strategy discussions, section 47 enquiries, conferences,
plans, core groups, statutory visits and plan ends.

Each service is atomic, writes its own row (never an edit of an earlier one), the chronology
and the audit in the same transaction, and refuses an impossible transition with a
DomainError, or a ValidationError keyed by the question it is about.
"""

from safeguarding.protection.services._common import AttendeeInput, InviteeInput
from safeguarding.protection.services.conferences import initial_conference_record, review_conference_record
from safeguarding.protection.services.plans import (
    core_group_meeting_record,
    core_group_member_add,
    plan_end,
    statutory_visit_record,
)
from safeguarding.protection.services.strategy import section47_complete, strategy_discussion_record

__all__ = [
    "AttendeeInput",
    "InviteeInput",
    "core_group_meeting_record",
    "core_group_member_add",
    "initial_conference_record",
    "plan_end",
    "review_conference_record",
    "section47_complete",
    "statutory_visit_record",
    "strategy_discussion_record",
]
