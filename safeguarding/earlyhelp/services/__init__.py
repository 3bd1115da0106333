"""Writes of early help. Every service is atomic, writes its own row, the chronology and the
audit in the same transaction, and refuses a step on an episode that has ended."""

from safeguarding.earlyhelp.services.episode import (
    CLOSE_REASONS,
    LEAD_CAPACITY,
    TAF_CAPACITY,
    consent_record,
    episode_close,
    episode_start,
    step_up,
)
from safeguarding.earlyhelp.services.work import (
    early_help_assessment_record,
    early_help_review_record,
    family_group_conference_record,
    plan_action_add,
    plan_action_done,
    taf_member_add,
)

# The name in the URL contract; taf_member_add says which team (not access's child team).
team_member_add = taf_member_add

__all__ = [
    "CLOSE_REASONS",
    "LEAD_CAPACITY",
    "TAF_CAPACITY",
    "consent_record",
    "early_help_assessment_record",
    "early_help_review_record",
    "episode_close",
    "episode_start",
    "family_group_conference_record",
    "plan_action_add",
    "plan_action_done",
    "step_up",
    "taf_member_add",
    "team_member_add",
]
