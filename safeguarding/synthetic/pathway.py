"""Plan a child's statutory pathway step by step, as the services would have recorded it.

`Pathway` holds the building blocks: a contact, the front door's decision (which opens the
referral), a child and family assessment, a strategy discussion and section 47 enquiry, the
initial conference and the plan it makes (core group, visits, reviews, its end), a child in
need plan, early help, the closure. Each block dates its step from the one that caused it, so
no step comes before its cause; working-day gaps use England's calendar (core.calendar) and
the clocks of core.clocks, so that timeliness comes out as drawn (about 86% of assessments
within 45 working days, median about 33).

Nothing is planned after today: a step that would fall later raises `Future`, and the case
stays open at the step before it. Scenarios (scenarios.py) rely on that to leave work open at
every stage, and `stop=` names a stage at which to leave a case open on purpose.
"""

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from safeguarding.core import calendar, clocks
from safeguarding.synthetic import reference as ref
from safeguarding.synthetic.plan import ChildPlan, Config, Household, PractitionerPlan, World
from safeguarding.synthetic.steps import (
    AssessmentStep,
    CINPlanStep,
    ClosureStep,
    CompletionStep,
    ContactStep,
    DecisionStep,
    Entry,
    EpisodeStep,
    Membership,
    Person,
    ReferralStep,
    Source,
)

DECISION_LABELS = {
    "nfa": "No further action",
    "information_advice": "Information and advice",
    "early_help": "Early help",
    "assessment": "Child and family assessment (section 17)",
    "strategy_discussion": "Strategy discussion (section 47)",
    "immediate_protection": "Immediate protection",
}
ACCEPTED = frozenset({"assessment", "strategy_discussion", "immediate_protection"})
OUTCOME_LABELS = {
    "nfa": "No further action",
    "early_help": "Step down to early help",
    "cin_plan": "Child in need plan",
    "strategy_discussion": "Strategy discussion (section 47)",
    "continue_cp_plan": "Continue the existing child protection plan",
}
CLOSURE_LABELS = {
    "RC7": "Services ceased for any other reason, including the child no longer in need",
    "RC8": "Case closed after assessment, no further action",
    "RC9": "Case closed after assessment, referred to early help",
}
# Capacities in the child's team, as the services name them.
EH_LEAD = "early help lead practitioner"
TAF = "team around the family"
CIN_LEAD = "child in need plan lead practitioner"

SOURCE_BY_KIND = {
    "school": "2A",
    "gp_practice": "3A",
    "health_visiting": "3B",
    "school_nursing": "3C",
    "hospital": "3E",
    "midwifery": "3D",
    "police": "6",
    "probation": "7",
    "youth_justice": "7",
    "housing": "4",
    "la_social_care": "5A",
    "la_early_help": "5D",
    "voluntary": "8",
}
PUBLIC = (("1A", "Mother's sister", "Aunt"), ("1B", "A neighbour", "Neighbour"), ("9", "", "Anonymous caller"))
CP_CONCERNS = {
    "NEG": ["neglect"],
    "EMO": ["emotional_abuse", "domestic_abuse"],
    "PHY": ["physical_abuse"],
    "SAB": ["sexual_abuse"],
    "MUL": ["neglect", "emotional_abuse"],
}
FACTORS_IN_NEED = ("3B", "4B", "2B", "1B", "3C", "4A", "8B", "6A")
PRIMARY_NEED = (("N1", 55), ("N4", 12), ("N5", 12), ("N2", 8), ("N3", 5), ("N6", 4), ("N8", 4))


# Drawn a little below 86%: some routes finish their assessment early by construction.
IN_TIME = 0.80


class Future(Exception):
    """The next step would fall after today: the case stays open before it."""


def back_working_days(day: date, n: int) -> date:
    """The working day `n` working days before `day` (so that adding n gets back to it)."""
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def pronouns(sex: str) -> dict[str, str]:
    if sex == "M":
        return {"pronoun": "he", "objpronoun": "him", "posspronoun": "his"}
    if sex == "F":
        return {"pronoun": "she", "objpronoun": "her", "posspronoun": "her"}
    return {"pronoun": "they", "objpronoun": "them", "posspronoun": "their"}


class Pathway:
    """One instance per load; `rng` is set to a stream of its own before each household."""

    def __init__(self, cfg: Config, world: World) -> None:
        self.cfg, self.world = cfg, world
        self.today, self.now, self.tz = cfg.today, cfg.now, cfg.now.tzinfo
        self.rng = random.Random(0)  # noqa: S311 (reproducible, not secret)
        # The scripted caseload (caseload.py) gives its work to the demo users.
        self.prefer_demo = False
        staff = world.practitioners
        self.demo = {p.username: p for p in staff if p.demo}
        csc = [p for p in staff if p.agency == "csc"]
        self.front_door = [p for p in csc if p.role == "front-door"]
        self.assessors = [p for p in csc if p.role == "social-worker" and p.team != "Children in care team"]
        self.cp_workers = [p for p in csc if p.role == "social-worker" and p.team == "Child protection team"]
        self.cic_workers = [p for p in csc if p.role == "social-worker" and p.team == "Children in care team"]
        self.managers = [p for p in csc if p.role == "team-manager"]
        self.by_agency: dict[str, list[PractitionerPlan]] = {}
        for p in staff:
            self.by_agency.setdefault(p.agency, []).append(p)

    # --- time ------------------------------------------------------------------------------

    def on(self, day: date) -> date:
        if day > self.today:
            raise Future
        return day

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """The moment of a dated step (09:00 as the services record it, never after now)."""
        moment = datetime.combine(self.on(day), time(hour, minute), tzinfo=self.tz)
        return min(moment, self.now - timedelta(minutes=1))

    def moment(self, day: date, hours: tuple[int, int] = (8, 17)) -> datetime:
        """A moment in the working day; Future if it has not come yet."""
        moment = datetime.combine(
            self.on(day), time(self.rng.randint(*hours), self.rng.randrange(0, 60, 5)), tzinfo=self.tz
        )
        if moment > self.now - timedelta(minutes=10):
            raise Future
        return moment

    def wd(self, day: date, n: int) -> date:
        return calendar.add_working_days(day, n) if n > 0 else day

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # --- people ----------------------------------------------------------------------------

    def pick(self, pool: list[PractitionerPlan], demo: str = "", weight: float = 0.0) -> PractitionerPlan:
        if demo in self.demo and (self.prefer_demo or (demo and self.chance(weight))):
            return self.demo[demo]
        others = [p for p in pool if p.username != demo] or pool
        return self.rng.choice(others)

    def decider(self) -> PractitionerPlan:
        return self.pick(self.front_door, "frontdoor", 0.45)

    def assessor(self) -> PractitionerPlan:
        return self.pick(self.assessors, "socialworker", 0.12)

    def cp_lead(self) -> PractitionerPlan:
        return self.pick(self.cp_workers, "socialworker", 0.25)

    def chair(self) -> PractitionerPlan:
        return self.pick(self.managers, "manager", 0.4)

    def staff_of(self, agency: str, role: str = "") -> PractitionerPlan:
        pool = self.by_agency[agency]
        fitting = [p for p in pool if p.role == role] if role else pool
        demo = {"hv": "healthvisitor", "police": "police"}.get(agency, "")
        if agency.startswith("gp:"):
            demo = "gp"
        return self.pick(fitting or pool, demo, 0.5 if demo else 0.0)

    def gp_of(self, child: ChildPlan, hh: Household) -> str:
        for agency, basis in child.involvements:
            if basis == "registered":
                return agency
        return hh.gp

    def health(self, child: ChildPlan, hh: Household, day: date) -> PractitionerPlan:
        if child.date_of_birth and (day - child.date_of_birth).days < 5 * 365:
            return self.staff_of("hv")
        return self.staff_of(self.gp_of(child, hh))

    def school_lead(self, child: ChildPlan, day: date) -> PractitionerPlan | None:
        school = child.school_on(day)
        return self.staff_of(school, "dsl") if school else None

    def person(self, p: PractitionerPlan, discipline: str, role: str = "") -> Person:
        return Person(p.full_name, discipline, p, p.agency, role)

    def join(self, child: ChildPlan, p: PractitionerPlan, capacity: str, on: date) -> Membership:
        m = Membership(p, capacity, on)
        child.pathway.memberships.append(m)
        return m

    def entry(
        self,
        child: ChildPlan,
        kind: str,
        source: Source,
        by: PractitionerPlan,
        at: datetime,
        summary: str,
        **kw: object,
    ) -> None:
        child.pathway.entries.append(Entry(kind, source, by, by.agency, at, summary, **kw))  # type: ignore[arg-type]

    # --- the front door --------------------------------------------------------------------

    def referrer(self, child: ChildPlan, hh: Household, day: date) -> PractitionerPlan | None:
        """Who refers: the school, health, the police, others; None for a member of the public."""
        roll = self.rng.random()
        age = (day - child.date_of_birth).days // 365 if child.date_of_birth else 0
        if roll < 0.14:
            return None
        school = child.school_on(day)
        if school and 4 < age < 17 and roll < 0.50:
            return self.staff_of(school, "dsl")
        if roll < 0.72:
            return self.staff_of("police")
        if age < 5 and roll < 0.86:
            return self.staff_of("hv")
        return self.staff_of(self.rng.choice([self.gp_of(child, hh), "hospital", "housing", "vol:2"]))

    def contact(
        self,
        child: ChildPlan,
        hh: Household,
        day: date,
        *,
        categories: list[str] | None = None,
        referrer: PractitionerPlan | str | None = "auto",
        hours: tuple[int, int] = (8, 17),
        from_episode: EpisodeStep | None = None,
    ) -> ContactStep:
        received_at = self.moment(day, hours)
        who = self.referrer(child, hh, day) if referrer == "auto" else referrer
        assert not isinstance(who, str)
        if categories is None:
            categories = [self.rng.choice(["neglect", "domestic_abuse", "emotional_abuse", "neglect", "other"])]
        category = categories[0]
        texts = ref.CONCERN_TEXT.get(category) or ref.CONCERN_TEXT["neglect"]
        concern = self.rng.choice(texts).format(name=child.known_as, **pronouns(child.sex))
        consent = self.rng.choices(["given", "not_sought", "refused"], [55, 30, 15])[0]
        reason = {
            "given": "",
            "not_sought": "Asking the family could put the child at greater risk.",
            "refused": "The family did not agree; the worries are serious enough to share without consent.",
        }[consent]
        if who is None:
            source, name, relationship = self.rng.choice(PUBLIC)
            step = ContactStep(
                received_at,
                self.decider(),
                None,
                name,
                source,
                concern,
                sorted(set(categories)),
                "Called the front door.",
                consent == "given",
                consent,
                reason,
                relationship,
            )
        else:
            kind = self.world.agencies[who.agency].kind
            step = ContactStep(
                received_at,
                who,
                who,
                who.full_name,
                SOURCE_BY_KIND.get(kind, "8"),
                concern,
                sorted(set(categories)),
                self.rng.choice(ref.ACTIONS_TAKEN),
                consent == "given",
                consent,
                reason,
            )
        step.from_episode = from_episode
        child.pathway.contacts.append(step)
        who_name = self.world.agencies[who.agency].name if who else (step.referrer_name or "anonymous caller")
        text = concern if len(concern) <= 260 else concern[:257] + "..."
        self.entry(
            child,
            "contact",
            step,
            step.recorded_by,
            received_at,
            f"Contact from {who_name}: {text}",
            categories=step.categories,
        )
        return step

    def decide(
        self, child: ChildPlan, contact: ContactStep, decision: str, *, late: bool | None = None
    ) -> DecisionStep:
        """The front door's decision: mostly the same day, most of the rest the next working day."""
        received = contact.received_at
        if late is None:
            late = self.chance(0.05) and not self.prefer_demo  # the caseload is decided in time
        gap = self.rng.randint(2, 3) if late else (0 if self.chance(0.7) else 1)
        day = self.wd(received.date(), gap)
        if gap == 0:
            decided_at = received + timedelta(minutes=self.rng.randint(40, 300))
            if decided_at > self.now - timedelta(minutes=5):
                raise Future
        else:
            decided_at = self.moment(day, (9, 17))
        referrals = [r for r in child.pathway.referrals()]
        if decision in ACCEPTED:
            assert all(r.closure and r.closure.closed_on <= received.date() for r in referrals), "episodes overlap"
        window = received.date() - relativedelta(months=12)
        earlier = [r for r in referrals if window <= r.referral_date <= received.date()]
        previous = max(earlier, key=lambda r: r.referral_date) if earlier else None
        by = self.decider()
        step = DecisionStep(decision, "Checks made with the agencies that know the family.", decided_at, by, previous)
        contact.decision = step
        if decision == "immediate_protection":
            step.immediate_protection = "police_protection"
            step.immediate_protection_on = received.date()
        if decision in ACCEPTED:
            step.referral = ReferralStep(contact, received.date(), by)
        summary = f"Front door decision: {DECISION_LABELS[decision]}."
        if previous is not None:
            summary += " Re-referral within 12 months."
        self.entry(child, "contact_decision", step, by, decided_at, summary, categories=contact.categories)
        return step

    def close(self, child: ChildPlan, referral: ReferralStep, day: date, reason: str, note: str = "") -> ClosureStep:
        by = self.pick(self.managers + self.assessors)
        step = ClosureStep(self.on(day), reason, note, by)
        referral.closure = step
        summary = f"Referral of {referral.referral_date:%-d %B %Y} closed: {CLOSURE_LABELS[reason]} ({reason})."
        self.entry(child, "referral_closure", step, by, self.at(day), summary)
        return step

    # --- the child and family assessment ---------------------------------------------------

    def assessment_days(self) -> int:
        """Working days from referral to completion: ~86% within 45, median ~33 (DOMAIN.md)."""
        if self.chance(IN_TIME):
            return max(4, min(45, round(self.rng.gauss(33, 8))))
        return self.rng.randint(46, 80)

    def assess(
        self,
        child: ChildPlan,
        referral: ReferralStep,
        outcome: str,
        *,
        lead: PractitionerPlan | None = None,
        days: int | None = None,
        not_before: date | None = None,
        stop: bool = False,
    ) -> AssessmentStep:
        lead = lead or self.assessor()
        started = self.on(self.wd(referral.referral_date, self.rng.randint(0, 3)))
        step = AssessmentStep(started, lead, lead)
        referral.assessments.append(step)
        self.entry(
            child,
            "assessment_started",
            step,
            lead,
            self.at(started),
            f"Child and family assessment started. Lead practitioner: {lead.full_name}.",
        )
        completed = self.wd(referral.referral_date, days if days is not None else self.assessment_days())
        completed = max(completed, started + timedelta(days=2), not_before or started)
        seen_on = min(self.wd(started, self.rng.randint(1, 6)), completed - timedelta(days=1))
        for seen in sorted(
            {
                seen_on,
                *([min(seen_on + timedelta(days=self.rng.randint(7, 30)), completed)] if self.chance(0.5) else []),
            }
        ):
            alone = self.chance(0.5) and child.date_of_birth is not None and (seen - child.date_of_birth).days > 5 * 365
            step.seen.append((self.on(seen), alone))
            self.entry(
                child,
                "child_seen",
                step,
                lead,
                self.at(seen),
                f"Child seen{' alone' if alone else ''} during the child and family assessment.",
            )
        if stop:
            raise Future
        self.on(completed)
        late = completed > clocks.due_date("child_and_family_assessment", referral.referral_date)
        if outcome in ("nfa", "early_help"):
            factors = ["21"] if self.chance(0.6) else [self.rng.choice(FACTORS_IN_NEED)]
            need = "N9" if factors == ["21"] else "N4"
        else:
            factors = sorted(self.rng.sample(FACTORS_IN_NEED, self.rng.randint(1, 3)))
            need = self.rng.choices([n for n, _ in PRIMARY_NEED], [w for _, w in PRIMARY_NEED])[0]
        step.completion = CompletionStep(
            completed,
            factors,
            need,
            outcome,
            "Findings and analysis recorded with the family.",
            "Waiting for information from health and a second home visit." if late else "",
            lead,
        )
        summary = f"Child and family assessment completed. Outcome: {OUTCOME_LABELS[outcome]}"
        summary += "; completed after the 45 working days." if late else "."
        self.entry(child, "assessment_completed", step, lead, self.at(completed), summary)
        return step

    def cin_plan(
        self,
        child: ChildPlan,
        referral: ReferralStep,
        start: date,
        *,
        lead: PractitionerPlan | None = None,
        end: date | None = None,
        end_reason: str = "The family's needs are met; the plan has done what it set out to do.",
    ) -> CINPlanStep:
        lead = lead or self.assessor()
        if end is not None:
            end = max(end, start + timedelta(days=28))
        step = CINPlanStep(self.on(start), lead, lead, "Needs, actions, who will do them and by when.")
        referral.cin_plans.append(step)
        self.entry(
            child,
            "cin_plan_started",
            step,
            lead,
            self.at(start),
            f"Child in need plan started. Lead practitioner: {lead.full_name}.",
        )
        last = start
        while True:
            gap = self.rng.randint(75, 92) if self.chance(0.88) else self.rng.randint(93, 115)
            held = last + timedelta(days=gap)
            if held > self.today or (end is not None and held >= end):
                break
            step.reviews.append(held)
            late = held > clocks.due_date("cin_plan_review", last)
            self.entry(
                child,
                "cin_plan_review",
                step,
                lead,
                self.at(held),
                "Child in need plan reviewed" + (" (later than the review interval)." if late else "."),
            )
            last = held
        if end is None or end > self.today:
            raise Future
        step.ended_on, step.end_reason = end, end_reason
        self.entry(child, "cin_plan_ended", step, lead, self.at(end), "Child in need plan ended.")
        return step

    # --- early help ------------------------------------------------------------------------

    def early_help(
        self,
        child: ChildPlan,
        hh: Household,
        start: date,
        *,
        from_contact: ContactStep | None = None,
        from_referral: ReferralStep | None = None,
        end: date | None = None,
        reason: str = "needs_met",
        lead: PractitionerPlan | None = None,
    ) -> EpisodeStep:
        if lead is None:
            school = self.school_lead(child, start)
            lead = school if school and self.chance(0.15) else self.staff_of("early_help")
        consent_on = max(
            start - timedelta(days=self.rng.randint(0, 5)), from_contact.received_at.date() if from_contact else start
        )
        if child.date_of_birth:
            consent_on = max(consent_on, child.date_of_birth)
        relation = self.rng.choice(["mother", "mother", "father"])
        given_by = next(
            (
                f"{r.person.first_name} {r.person.last_name}"
                for r in child.relationships
                if r.relationship == relation and r.person
            ),
            "Parent",
        )
        step = EpisodeStep(
            self.on(start),
            lead,
            self.staff_of("early_help"),
            self.on(consent_on),
            given_by,
            relation.capitalize(),
            from_contact,
            from_referral,
        )
        child.pathway.episodes.append(step)
        step.team.append(
            Person(lead.full_name, "", lead, lead.agency, "Lead practitioner", self.join(child, lead, EH_LEAD, start))
        )
        school = self.school_lead(child, start)
        if school and school is not lead and self.chance(0.5):
            step.team.append(
                Person(school.full_name, "", school, school.agency, "School", self.join(child, school, TAF, start))
            )
        agency_name = self.world.agencies[lead.agency].name
        origin = (
            " after the front door's decision"
            if from_contact
            else " on step down from social care"
            if from_referral
            else ""
        )
        self.entry(
            child,
            "early_help_started",
            step,
            step.created_by,
            self.at(start),
            f"Early help started{origin}. Lead practitioner: {lead.full_name} ({agency_name}), chosen with "
            f"the family. Consent given by {given_by} ({relation}) on {consent_on:%-d %B %Y}.",
        )
        last = start
        while True:
            held = last + timedelta(days=self.rng.randint(42, 88) if self.chance(0.9) else self.rng.randint(93, 110))
            if held > self.today or (end is not None and held >= end):
                break
            step.reviews.append((held, "continue"))
            self.entry(
                child,
                "early_help_review",
                step,
                lead,
                self.at(held),
                "Early help review: continue with the family plan.",
            )
            last = held
        if end is None or end > self.today:
            raise Future
        if reason == "needs_met":
            step.reviews.append((end, "close"))
            self.entry(
                child,
                "early_help_review",
                step,
                lead,
                self.at(end),
                "Early help review: close: the family's needs are met.",
            )
        step.closed_on, step.closure_reason = end, reason
        for member in step.team:
            if member.membership:
                member.membership.ended_on = end
        label = {
            "needs_met": "the family's needs are met",
            "consent_withdrawn": "the family withdrew consent",
            "moved_away": "the family moved away",
        }[reason]
        self.entry(child, "early_help_closed", step, lead, self.at(end), f"Early help ended: {label}.")
        return step
