"""The statutory pathway of a planned child, as plain data (pathway.py plans it, pathway_loader.py
writes it). One record per row the services would write; `pk` is filled in by the loader.

A contact may carry its decision; an accepted decision carries the referral (the CIN episode),
and everything done under it hangs from the referral. Early help episodes hang from the child.
`Entry` is one chronology entry, pointing at the record that is its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeguarding.synthetic.plan import PractitionerPlan


@dataclass(slots=True, eq=False)
class Membership:
    """A ChildTeamMembership the pathway opens (and may end)."""

    practitioner: PractitionerPlan
    capacity: str
    started_on: date
    ended_on: date | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class Person:
    """An attendee, invitee, core group member or team-around-the-family member."""

    name: str
    discipline: str
    practitioner: PractitionerPlan | None = None
    agency: str | None = None
    role: str = ""
    membership: Membership | None = None
    attended: bool = True
    report: bool = False


@dataclass(slots=True, eq=False)
class ContactStep:
    received_at: datetime
    recorded_by: PractitionerPlan
    referrer: PractitionerPlan | None  # None: a member of the public, recorded by the front door
    referrer_name: str
    source: str
    concern: str
    categories: list[str]
    action_taken: str
    family_aware: bool
    consent: str
    consent_reason: str = ""
    referrer_relationship: str = ""
    immediate_danger: bool = False
    household: str = ""
    from_episode: EpisodeStep | None = None  # a step up from early help
    decision: DecisionStep | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class DecisionStep:
    decision: str
    reason: str
    decided_at: datetime
    decided_by: PractitionerPlan
    previous: ReferralStep | None = None
    immediate_protection: str = ""
    immediate_protection_on: date | None = None
    referral: ReferralStep | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class ClosureStep:
    closed_on: date
    reason: str
    note: str
    closed_by: PractitionerPlan
    pk: int | None = None


@dataclass(slots=True, eq=False)
class CompletionStep:
    completed_on: date
    factors: list[str]
    primary_need: str
    outcome: str
    analysis: str
    late_reason: str
    completed_by: PractitionerPlan


@dataclass(slots=True, eq=False)
class AssessmentStep:
    started_on: date
    lead: PractitionerPlan
    created_by: PractitionerPlan
    seen: list[tuple[date, bool]] = field(default_factory=list)
    completion: CompletionStep | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class CINPlanStep:
    started_on: date
    lead: PractitionerPlan
    created_by: PractitionerPlan
    plan: str
    reviews: list[date] = field(default_factory=list)
    ended_on: date | None = None
    end_reason: str = ""
    pk: int | None = None


@dataclass(slots=True, eq=False)
class ConferenceStep:
    kind: str  # "initial" or "review"
    held_on: date
    chair: PractitionerPlan
    decision: str
    category: str = ""
    invitees: list[Person] = field(default_factory=list)
    pk: int | None = None


@dataclass(slots=True, eq=False)
class Section47Step:
    started_on: date
    lead: PractitionerPlan
    created_by: PractitionerPlan
    completed_on: date | None = None
    outcome: str = ""
    conference: ConferenceStep | None = None
    pk: int | None = None
    completion_pk: int | None = None


@dataclass(slots=True, eq=False)
class StrategyStep:
    held_on: date
    chair: PractitionerPlan
    attendees: list[Person]
    outcome: str
    reason: str
    missing_reason: str = ""
    section47: Section47Step | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class VisitStep:
    visited_on: date
    child_seen: bool
    seen_alone: bool
    by: PractitionerPlan
    pk: int | None = None


@dataclass(slots=True, eq=False)
class MeetingStep:
    held_on: date
    by: PractitionerPlan
    pk: int | None = None


@dataclass(slots=True, eq=False)
class PlanEndStep:
    ended_on: date
    reason: str
    conference: ConferenceStep | None
    by: PractitionerPlan
    pk: int | None = None


@dataclass(slots=True, eq=False)
class ProtectionPlanStep:
    conference: ConferenceStep
    started_on: date
    category: str
    lead: PractitionerPlan
    core_group: list[Person] = field(default_factory=list)
    meetings: list[MeetingStep] = field(default_factory=list)
    visits: list[VisitStep] = field(default_factory=list)
    reviews: list[ConferenceStep] = field(default_factory=list)
    end: PlanEndStep | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class ReferralStep:
    contact: ContactStep
    referral_date: date
    created_by: PractitionerPlan
    assessments: list[AssessmentStep] = field(default_factory=list)
    strategies: list[StrategyStep] = field(default_factory=list)
    plans: list[ProtectionPlanStep] = field(default_factory=list)
    cin_plans: list[CINPlanStep] = field(default_factory=list)
    closure: ClosureStep | None = None
    pk: int | None = None


@dataclass(slots=True, eq=False)
class EpisodeStep:
    started_on: date
    lead: PractitionerPlan
    created_by: PractitionerPlan
    consent_on: date
    given_by: str
    relationship: str
    from_contact: ContactStep | None = None
    from_referral: ReferralStep | None = None
    team: list[Person] = field(default_factory=list)
    reviews: list[tuple[date, str]] = field(default_factory=list)
    closed_on: date | None = None
    closure_reason: str = ""
    stepped_up_to: ContactStep | None = None
    pk: int | None = None


Source = (
    ContactStep
    | DecisionStep
    | ClosureStep
    | AssessmentStep
    | CINPlanStep
    | StrategyStep
    | Section47Step
    | ConferenceStep
    | ProtectionPlanStep
    | MeetingStep
    | VisitStep
    | PlanEndStep
    | EpisodeStep
)


@dataclass(slots=True, eq=False)
class Entry:
    """A chronology entry of the pathway (kind keys and sources as the services write them)."""

    kind: str
    source: Source
    author: PractitionerPlan
    agency: str
    occurred_at: datetime
    summary: str
    categories: list[str] = field(default_factory=list)
    immediate_danger: bool = False
    # section47_completed's source is the Section47Completion, not the enquiry.
    completion: bool = False


@dataclass(slots=True, eq=False)
class ChildPathway:
    contacts: list[ContactStep] = field(default_factory=list)
    episodes: list[EpisodeStep] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def referrals(self) -> list[ReferralStep]:
        return [c.decision.referral for c in self.contacts if c.decision and c.decision.referral]
