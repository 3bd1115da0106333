# The plan's primary keys are typed Optional (filled in as rows are written, parents first):
# mypy: disable-error-code="misc"
"""Write planned pathways (steps.py) to the database with bulk_create, row for row what the
services would have written: each step's row, the child's team memberships (opened and ended
as the services do), the referrer's feedback letter, and one ChronologyEntry per step with the
kind, source, agency, author and moment the service would give it.

Parents before children: memberships, contacts, referrals, decisions, then everything under
the referral, early help, closures, letters and the chronology.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db import models
from django.template.loader import render_to_string

from safeguarding.access.models import Agency, ChildTeamMembership, User
from safeguarding.assessments import models as am
from safeguarding.concerns.models import ChronologyCategory, ChronologyEntry
from safeguarding.earlyhelp import models as em
from safeguarding.frontdoor import models as fm
from safeguarding.protection import models as pm
from safeguarding.sharing.models import Letter, LetterKind
from safeguarding.synthetic.pathway import DECISION_LABELS
from safeguarding.synthetic.plan import ChildPlan
from safeguarding.synthetic.steps import ConferenceStep, Person

BATCH = 2000
M = TypeVar("M", bound=models.Model)

# The model each kind of step is written as (the chronology's source_type).
SOURCE_MODELS: dict[str, type[models.Model]] = {
    "ContactStep": fm.Contact,
    "DecisionStep": fm.ContactDecision,
    "ClosureStep": fm.ReferralClosure,
    "AssessmentStep": am.Assessment,
    "CINPlanStep": am.CINPlan,
    "StrategyStep": pm.StrategyDiscussion,
    "Section47Step": pm.Section47Enquiry,
    "ConferenceStep": pm.Conference,
    "ProtectionPlanStep": pm.ProtectionPlan,
    "MeetingStep": pm.CoreGroupMeeting,
    "VisitStep": pm.StatutoryVisit,
    "PlanEndStep": pm.PlanEnd,
    "EpisodeStep": em.EarlyHelpEpisode,
}
WHAT_NEXT = {
    "nfa": "Children's social care will not take any further action at this time.",
    "information_advice": "Children's social care will not open a case; information and advice were given.",
    "early_help": "The family will be offered early help. An early help practitioner will contact the family.",
    "assessment": "A social worker will carry out a child and family assessment within 45 working days.",
    "strategy_discussion": "Children's social care will hold a strategy discussion with the police and health.",
    "immediate_protection": "Action has been taken to keep the child safe now.",
}


def _bulk(model: type[M], rows: Sequence[M]) -> Sequence[Any]:
    if rows:
        model._default_manager.bulk_create(rows, batch_size=BATCH)
    return rows


@dataclass
class Written:
    contacts: int = 0
    referrals: int = 0
    entries: int = 0


class PathwayWriter:
    def __init__(self, users: dict[str, User], agencies: dict[str, Agency], *, letters: bool = True) -> None:
        self.users, self.agencies, self.letters = users, agencies, letters
        self.tz: Any = None
        self.now = datetime.now().astimezone()

    def u(self, p: Any) -> User:
        return self.users[p.username]

    def at(self, day: date, hour: int = 9) -> datetime:
        return datetime.combine(day, time(hour), tzinfo=self.tz)

    def write(self, children: Sequence[ChildPlan], now: datetime) -> Written:
        self.tz, self.now = now.tzinfo, now
        done = Written()
        kids = [c for c in children if c.pathway.contacts or c.pathway.episodes]
        if not kids:
            return done
        memberships = [(c, m) for c in kids for m in c.pathway.memberships]
        rows = _bulk(
            ChildTeamMembership,
            [
                ChildTeamMembership(
                    child_id=c.pk,
                    practitioner=self.u(m.practitioner),
                    capacity=m.capacity,
                    started_at=self.at(m.started_on),
                    ended_at=min(self.at(m.ended_on, 23), now) if m.ended_on else None,
                )
                for c, m in memberships
            ],
        )
        for (_, m), row in zip(memberships, rows, strict=True):
            m.pk = row.pk
        contacts = [(c, x) for c in kids for x in c.pathway.contacts]
        rows = _bulk(fm.Contact, [self._contact(c, x) for c, x in contacts])
        for (_, x), row in zip(contacts, rows, strict=True):
            x.pk = row.pk
        decided = [(c, x, x.decision) for c, x in contacts if x.decision is not None]
        referrals = [(c, d, d.referral) for c, _, d in decided if d.referral is not None]
        rows = _bulk(
            fm.Referral,
            [
                fm.Referral(
                    child_id=c.pk,
                    contact_id=r.contact.pk,
                    referral_date=r.referral_date,
                    source=r.contact.source,
                    created_by=self.u(r.created_by),
                    created_at=d.decided_at,
                )
                for c, d, r in referrals
            ],
        )
        for (_, _, r), row in zip(referrals, rows, strict=True):
            r.pk = row.pk
        rows = _bulk(
            fm.ContactDecision,
            [
                fm.ContactDecision(
                    contact_id=x.pk,
                    decision=d.decision,
                    reason=d.reason,
                    immediate_protection=d.immediate_protection,
                    immediate_protection_on=d.immediate_protection_on,
                    re_referral=d.previous is not None,
                    previous_referral_id=d.previous.pk if d.previous else None,
                    decided_by=self.u(d.decided_by),
                    decided_at=d.decided_at,
                )
                for _, x, d in decided
            ],
        )
        for (_, _, d), row in zip(decided, rows, strict=True):
            d.pk = row.pk
        refs = [(c, r) for c, _, r in referrals]
        self._assessments(refs)
        self._protection(refs)
        self._cin_plans(refs)
        self._early_help(kids)
        closures = [(r, r.closure) for _, r in refs if r.closure is not None]
        rows = _bulk(
            fm.ReferralClosure,
            [
                fm.ReferralClosure(
                    referral_id=r.pk,
                    closed_on=k.closed_on,
                    reason=k.reason,
                    note=k.note,
                    closed_by=self.u(k.closed_by),
                    closed_at=self.at(k.closed_on, 16),
                )
                for r, k in closures
            ],
        )
        for (_, k), row in zip(closures, rows, strict=True):
            k.pk = row.pk
        if self.letters:
            self._letters(decided)
        done.entries = self._chronology(kids)
        done.contacts, done.referrals = len(contacts), len(referrals)
        return done

    def _contact(self, c: ChildPlan, x: Any) -> fm.Contact:
        referrer = self.u(x.referrer) if x.referrer else None
        return fm.Contact(
            child_id=c.pk,
            received_at=x.received_at,
            referrer=referrer,
            referrer_agency=self.agencies[x.referrer.agency] if x.referrer else None,
            referrer_name=x.referrer_name,
            referrer_relationship=x.referrer_relationship,
            source=x.source,
            concern=x.concern,
            categories=x.categories,
            immediate_danger=x.immediate_danger,
            household=x.household,
            action_taken=x.action_taken,
            family_aware=x.family_aware,
            consent=x.consent,
            consent_reason=x.consent_reason,
            recorded_by=self.u(x.recorded_by),
            recorded_at=x.received_at + timedelta(minutes=5),
        )

    def _people(self, model: type[M], owner: str, pairs: list[tuple[Any, Person]], **extra: Any) -> None:
        rows = []
        for parent, p in pairs:
            kw = {
                owner: parent.pk,
                "practitioner": self.u(p.practitioner) if p.practitioner else None,
                "name": p.name,
                "agency": self.agencies[p.agency] if p.agency else None,
            }
            if model is not em.TeamAroundFamilyMember:
                kw["discipline"] = p.discipline
            if model is pm.ConferenceInvitee:
                kw.update(
                    attended=p.attended,
                    report_provided=p.report,
                    report_summary="Report shared before the conference." if p.report else "",
                )
            if model is not pm.StrategyAttendee:
                kw["team_membership_id"] = p.membership.pk if p.membership else None
            if model is pm.CoreGroupMember:
                kw["added_on"] = parent.started_on
            if model is em.TeamAroundFamilyMember:
                kw.update(role=p.role, added_on=parent.started_on)
            rows.append(model(**kw, **extra))
        _bulk(model, rows)

    def _assessments(self, refs: list[tuple[ChildPlan, Any]]) -> None:
        items = [(c, r, a) for c, r in refs for a in r.assessments]
        rows = _bulk(
            am.Assessment,
            [
                am.Assessment(
                    child_id=c.pk,
                    referral_id=r.pk,
                    started_on=a.started_on,
                    lead_practitioner=self.u(a.lead),
                    created_by=self.u(a.created_by),
                    created_at=self.at(a.started_on),
                )
                for c, r, a in items
            ],
        )
        for (_, _, a), row in zip(items, rows, strict=True):
            a.pk = row.pk
        _bulk(
            am.ChildSeen,
            [
                am.ChildSeen(
                    assessment_id=a.pk,
                    seen_on=d,
                    seen_alone=alone,
                    recorded_by=self.u(a.lead),
                    recorded_at=self.at(d, 17),
                )
                for _, _, a in items
                for d, alone in a.seen
            ],
        )
        _bulk(
            am.AssessmentCompletion,
            [
                am.AssessmentCompletion(
                    assessment_id=a.pk,
                    completed_on=k.completed_on,
                    factors=k.factors,
                    primary_need=k.primary_need,
                    analysis=k.analysis,
                    outcome=k.outcome,
                    late_reason=k.late_reason,
                    completed_by=self.u(k.completed_by),
                    recorded_at=self.at(k.completed_on, 17),
                )
                for _, _, a in items
                if (k := a.completion) is not None
            ],
        )

    def _protection(self, refs: list[tuple[ChildPlan, Any]]) -> None:
        sds = [(c, r, s) for c, r in refs for s in r.strategies]
        rows = _bulk(
            pm.StrategyDiscussion,
            [
                pm.StrategyDiscussion(
                    child_id=c.pk,
                    referral_id=r.pk,
                    held_on=s.held_on,
                    chair=self.u(s.chair),
                    reason=s.reason,
                    decisions="Agencies to share what they know; visit the child.",
                    missing_agencies_reason=s.missing_reason,
                    outcome=s.outcome,
                    created_by=self.u(s.chair),
                    created_at=self.at(s.held_on, 12),
                )
                for c, r, s in sds
            ],
        )
        for (_, _, s), row in zip(sds, rows, strict=True):
            s.pk = row.pk
        self._people(pm.StrategyAttendee, "discussion_id", [(s, p) for _, _, s in sds for p in s.attendees])
        enquiries = [(c, s, s.section47) for c, _, s in sds if s.section47 is not None]
        rows = _bulk(
            pm.Section47Enquiry,
            [
                pm.Section47Enquiry(
                    child_id=c.pk,
                    strategy_discussion_id=s.pk,
                    lead_social_worker=self.u(e.lead),
                    started_on=e.started_on,
                    created_by=self.u(e.created_by),
                    created_at=self.at(e.started_on, 12),
                )
                for c, s, e in enquiries
            ],
        )
        for (_, _, e), row in zip(enquiries, rows, strict=True):
            e.pk = row.pk
        completed = [e for _, _, e in enquiries if e.completed_on]
        rows = _bulk(
            pm.Section47Completion,
            [
                pm.Section47Completion(
                    enquiry_id=e.pk,
                    completed_on=e.completed_on,
                    outcome=e.outcome,
                    findings="Findings of the enquiry recorded.",
                    completed_by=self.u(e.lead),
                    recorded_at=self.at(e.completed_on, 16),
                )
                for e in completed
            ],
        )
        for e, row in zip(completed, rows, strict=True):
            e.completion_pk = row.pk
        initial = [(c, e, e.conference) for c, _, e in enquiries if e.conference is not None]
        self._conferences([(c, conf, {"section47_id": e.pk}) for c, e, conf in initial])
        plans = [(c, r, p) for c, r in refs for p in r.plans]
        rows = _bulk(
            pm.ProtectionPlan,
            [
                pm.ProtectionPlan(
                    child_id=c.pk,
                    referral_id=r.pk,
                    initial_conference_id=p.conference.pk,
                    started_on=p.started_on,
                    initial_category=p.category,
                    lead_social_worker=self.u(p.lead),
                    outline="What must change, who will do what, by when.",
                    created_by=self.u(p.conference.chair),
                    created_at=self.at(p.started_on, 14),
                )
                for c, r, p in plans
            ],
        )
        for (_, _, p), row in zip(plans, rows, strict=True):
            p.pk = row.pk
        self._conferences([(c, rv, {"plan_id": p.pk}) for c, _, p in plans for rv in p.reviews])
        self._people(pm.CoreGroupMember, "plan_id", [(p, m) for _, _, p in plans for m in p.core_group])
        for model, attr, build in (
            (
                pm.CoreGroupMeeting,
                "meetings",
                lambda p, m: pm.CoreGroupMeeting(
                    plan_id=p.pk,
                    held_on=m.held_on,
                    attendees="The core group",
                    recorded_by=self.u(m.by),
                    summary="Progress against the plan reviewed; actions agreed.",
                    recorded_at=self.at(m.held_on, 16),
                ),
            ),
            (
                pm.StatutoryVisit,
                "visits",
                lambda p, v: pm.StatutoryVisit(
                    plan_id=p.pk,
                    visited_on=v.visited_on,
                    child_seen=v.child_seen,
                    seen_alone=v.seen_alone,
                    note="Home visit.",
                    visited_by=self.u(v.by),
                    recorded_at=self.at(v.visited_on, 17),
                ),
            ),
        ):
            pairs = [(p, x) for _, _, p in plans for x in getattr(p, attr)]
            rows = _bulk(model, [build(p, x) for p, x in pairs])
            for (_, x), row in zip(pairs, rows, strict=True):
                x.pk = row.pk
        ends = [(p, p.end) for _, _, p in plans if p.end is not None]
        rows = _bulk(
            pm.PlanEnd,
            [
                pm.PlanEnd(
                    plan_id=p.pk,
                    ended_on=e.ended_on,
                    reason=e.reason,
                    conference_id=e.conference.pk if e.conference else None,
                    ended_by=self.u(e.by),
                    recorded_at=self.at(e.ended_on, 16),
                )
                for p, e in ends
            ],
        )
        for (_, e), row in zip(ends, rows, strict=True):
            e.pk = row.pk

    def _conferences(self, items: list[tuple[ChildPlan, ConferenceStep, dict[str, int | None]]]) -> None:
        rows = _bulk(
            pm.Conference,
            [
                pm.Conference(
                    child_id=c.pk,
                    kind=k.kind,
                    held_on=k.held_on,
                    chair=self.u(k.chair),
                    childs_views="Gathered by the social worker before the conference.",
                    summary="Reports considered; the risks and strengths discussed.",
                    decision=k.decision,
                    category=k.category,
                    created_by=self.u(k.chair),
                    created_at=self.at(k.held_on, 13),
                    **link,
                )
                for c, k, link in items
            ],
        )
        for (_, k, _), row in zip(items, rows, strict=True):
            k.pk = row.pk
        self._people(pm.ConferenceInvitee, "conference_id", [(k, p) for _, k, _ in items for p in k.invitees])

    def _cin_plans(self, refs: list[tuple[ChildPlan, Any]]) -> None:
        items = [(c, r, p) for c, r in refs for p in r.cin_plans]
        rows = _bulk(
            am.CINPlan,
            [
                am.CINPlan(
                    child_id=c.pk,
                    referral_id=r.pk,
                    started_on=p.started_on,
                    lead_practitioner=self.u(p.lead),
                    plan=p.plan,
                    created_by=self.u(p.created_by),
                    created_at=self.at(p.started_on, 15),
                )
                for c, r, p in items
            ],
        )
        for (_, _, p), row in zip(items, rows, strict=True):
            p.pk = row.pk
        _bulk(
            am.CINPlanReview,
            [
                am.CINPlanReview(
                    plan_id=p.pk,
                    held_on=d,
                    summary="Progress reviewed with the family.",
                    recorded_by=self.u(p.lead),
                    recorded_at=self.at(d, 16),
                )
                for _, _, p in items
                for d in p.reviews
            ],
        )
        _bulk(
            am.CINPlanEnd,
            [
                am.CINPlanEnd(
                    plan_id=p.pk,
                    ended_on=p.ended_on,
                    reason=p.end_reason,
                    ended_by=self.u(p.lead),
                    recorded_at=self.at(p.ended_on, 16),
                )
                for _, _, p in items
                if p.ended_on
            ],
        )

    def _early_help(self, kids: Sequence[ChildPlan]) -> None:
        items = [(c, e) for c in kids for e in c.pathway.episodes]
        rows = _bulk(
            em.EarlyHelpEpisode,
            [
                em.EarlyHelpEpisode(
                    child_id=c.pk,
                    started_on=e.started_on,
                    lead_practitioner=self.u(e.lead),
                    lead_chosen_with_family=True,
                    from_contact_id=e.from_contact.pk if e.from_contact else None,
                    from_referral_id=e.from_referral.pk if e.from_referral else None,
                    created_by=self.u(e.created_by),
                    created_at=self.at(e.started_on, 11),
                )
                for c, e in items
            ],
        )
        for (_, e), row in zip(items, rows, strict=True):
            e.pk = row.pk
        _bulk(
            em.EarlyHelpConsent,
            [
                em.EarlyHelpConsent(
                    episode_id=e.pk,
                    kind="given",
                    given_by=e.given_by,
                    relationship_to_child=e.relationship,
                    on=e.consent_on,
                    recorded_by=self.u(e.created_by),
                    recorded_at=self.at(e.started_on, 11),
                )
                for _, e in items
            ],
        )
        self._people(em.TeamAroundFamilyMember, "episode_id", [(e, p) for _, e in items for p in e.team])
        _bulk(
            em.EarlyHelpReview,
            [
                em.EarlyHelpReview(
                    episode_id=e.pk,
                    held_on=d,
                    progress="Progress against the family plan reviewed.",
                    outcome=outcome,
                    recorded_by=self.u(e.lead),
                    recorded_at=self.at(d, 16),
                )
                for _, e in items
                for d, outcome in e.reviews
            ],
        )
        _bulk(
            em.EarlyHelpClosure,
            [
                em.EarlyHelpClosure(
                    episode_id=e.pk,
                    closed_on=e.closed_on,
                    reason=e.closure_reason,
                    closed_by=self.u(e.lead),
                    recorded_at=self.at(e.closed_on, 17),
                )
                for _, e in items
                if e.closed_on
            ],
        )

    def _letters(self, decided: list[tuple[ChildPlan, Any, Any]]) -> None:
        letters = []
        for c, x, d in decided:
            if x.referrer is None and not x.referrer_name:
                continue  # an anonymous caller gets no letter
            from_public = x.referrer is None
            received = x.received_at.date()
            body = render_to_string(
                "sharing/letters/referral_feedback.txt",
                {
                    "child": c,
                    "recipient_name": x.referrer_name,
                    "from_public": from_public,
                    "received_on": received,
                    "decided_on": d.decided_at.date(),
                    "decision_label": DECISION_LABELS[d.decision],
                    "what_happens_next": WHAT_NEXT[d.decision],
                    "agency": self.agencies["csc"],
                },
            ).strip()
            letters.append(
                Letter(
                    child_id=c.pk,
                    kind=LetterKind.REFERRAL_FEEDBACK,
                    recipient_name=x.referrer_name,
                    recipient_agency=self.agencies[x.referrer.agency] if x.referrer else None,
                    recipient_user=self.u(x.referrer) if x.referrer else None,
                    subject=f"Your contact of {received:%-d %B %Y}: what happens next",
                    body=body,
                    source_type="frontdoor.contactdecision",
                    source_id=d.pk,
                    created_by=self.u(d.decided_by),
                    created_at=d.decided_at,
                )
            )
        _bulk(Letter, letters)

    def _chronology(self, kids: Sequence[ChildPlan]) -> int:
        entries = []
        for c in kids:
            for e in c.pathway.entries:
                if e.completion:
                    source_type, source_id = "protection.section47completion", e.source.completion_pk  # type: ignore[union-attr]
                else:
                    source_type = SOURCE_MODELS[type(e.source).__name__]._meta.label_lower
                    source_id = e.source.pk
                author = self.u(e.author)
                entries.append(
                    ChronologyEntry(
                        child_id=c.pk,
                        kind=e.kind,
                        agency=self.agencies[e.agency],
                        author=author,
                        author_label=author.get_full_name() or author.get_username(),
                        occurred_at=e.occurred_at,
                        recorded_at=min(e.occurred_at + timedelta(minutes=5), self.now),
                        summary=e.summary,
                        categories=sorted(set(e.categories)),
                        immediate_danger=e.immediate_danger,
                        injury=False,
                        source_type=source_type,
                        source_id=source_id,
                    )
                )
        _bulk(ChronologyEntry, entries)
        _bulk(ChronologyCategory, [ChronologyCategory(entry=e, code=code) for e in entries for code in e.categories])
        return len(entries)
