"""Child protection steps of the synthetic pathway: strategy discussion, section 47 enquiry,
initial conference, the plan (core group, statutory visits, reviews) and its end.

Timescales as in core.clocks: the strategy discussion mostly within 3 working days of the
decision, the ICPC mostly within 15 working days of the strategy discussion, the first core
group within 10 working days of the ICPC, the first review within 3 months, then reviews at
most 6 months apart (mostly), visits about every 10 working days.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from safeguarding.synthetic.pathway import Future, Pathway
from safeguarding.synthetic.plan import ChildPlan, Household, PractitionerPlan
from safeguarding.synthetic.steps import (
    ConferenceStep,
    MeetingStep,
    Person,
    PlanEndStep,
    ProtectionPlanStep,
    ReferralStep,
    Section47Step,
    StrategyStep,
    VisitStep,
)

INVITEE = "child protection conference invitee"
CORE_GROUP = "core group member"
CATEGORY_LABELS = {
    "NEG": "neglect",
    "PHY": "physical abuse",
    "EMO": "emotional abuse",
    "SAB": "sexual abuse",
    "MUL": "multiple",
}
S47_OUTCOMES = {
    "nfa": "No further action",
    "cin_plan": "Child in need plan",
    "initial_conference": "Initial child protection conference",
}
CONFERENCE_DECISIONS = {
    "plan": "Child protection plan",
    "cin_plan": "No plan: child in need plan",
    "nfa": "No plan: no further action",
    "continue": "The plan continues",
    "end": "End the plan: no longer at risk of significant harm",
}
STRATEGY_OUTCOMES = {
    "section47": "Start a section 47 enquiry",
    "assessment": "No section 47: child and family assessment (section 17)",
    "nfa": "No further action",
}


class ProtectionSteps(Pathway):
    def strategy(
        self,
        child: ChildPlan,
        hh: Household,
        referral: ReferralStep,
        held_on: date,
        outcome: str = "section47",
        *,
        lead: PractitionerPlan | None = None,
    ) -> StrategyStep:
        """The strategy discussion (social care, health and police) and the enquiry it starts."""
        chair = self.chair()
        people = [self.person(chair, "social_care")]
        health = self.health(child, hh, held_on)
        missing = ""
        if self.chance(0.95):
            people.append(self.person(health, "health"))
        else:
            missing = "Health could not join at short notice; the GP's information was shared beforehand."
        people.append(self.person(self.staff_of("police"), "police"))
        school = self.school_lead(child, held_on)
        if school:
            people.append(self.person(school, "education"))
        step = StrategyStep(
            self.on(held_on),
            chair,
            people,
            outcome,
            "Reasonable cause to suspect the child is suffering, or likely to suffer, significant harm.",
            missing,
        )
        referral.strategies.append(step)
        took_part = (
            "Social care, health and police took part." if not missing else f"Health did not take part: {missing}"
        )
        self.entry(
            child,
            "strategy_discussion",
            step,
            chair,
            self.at(held_on),
            f"Strategy discussion: {STRATEGY_OUTCOMES[outcome]}. {took_part}",
        )
        if outcome == "section47":
            lead = lead or self.cp_lead()
            s47 = Section47Step(held_on, lead, chair)
            step.section47 = s47
            self.entry(
                child,
                "section47_started",
                s47,
                chair,
                self.at(held_on),
                f"Section 47 enquiry started, led by {lead.full_name}.",
            )
        return step

    def s47_complete(self, child: ChildPlan, s47: Section47Step, day: date, outcome: str) -> None:
        s47.completed_on, s47.outcome = self.on(day), outcome
        self.entry(
            child,
            "section47_completed",
            s47,
            s47.lead,
            self.at(day),
            f"Section 47 enquiry completed: {S47_OUTCOMES[outcome]}.",
            completion=True,
        )

    def invitees(self, child: ChildPlan, hh: Household, day: date, lead: PractitionerPlan) -> list[Person]:
        people = [self.person(lead, "social_care", "Lead social worker")]
        people.append(self.person(self.health(child, hh, day), "health"))
        people.append(self.person(self.staff_of("police"), "police"))
        school = self.school_lead(child, day)
        if school:
            people.append(self.person(school, "education"))
        mother = next((r.person for r in child.relationships if r.relationship == "mother" and r.person), None)
        if mother:
            people.append(Person(f"{mother.first_name} {mother.last_name}", "family", role="Mother"))
        for p in people:
            p.report = p.practitioner is not None and self.chance(0.8)
        return people

    def icpc(
        self, child: ChildPlan, hh: Household, s47: Section47Step, held_on: date, decision: str, category: str = ""
    ) -> ConferenceStep:
        chair = self.chair()
        conference = ConferenceStep(
            "initial", self.on(held_on), chair, decision, category if decision == "plan" else ""
        )
        conference.invitees = self.invitees(child, hh, held_on, s47.lead)
        s47.conference = conference
        self.entry(
            child,
            "initial_conference",
            conference,
            chair,
            self.at(held_on),
            f"Initial child protection conference: {CONFERENCE_DECISIONS[decision]}.",
        )
        return conference

    def plan(
        self,
        child: ChildPlan,
        referral: ReferralStep,
        conference: ConferenceStep,
        *,
        end: date | None = None,
        stop_before_core_group: bool = False,
    ) -> ProtectionPlanStep:
        """The plan the ICPC made, run until `end` (a review conference ends it) or today."""
        start = conference.held_on
        lead = next(p.practitioner for p in conference.invitees if p.role == "Lead social worker")
        assert lead is not None
        plan = ProtectionPlanStep(conference, start, conference.category, lead)
        referral.plans.append(plan)
        for p in conference.invitees:
            if p.practitioner:
                p.membership = self.join(child, p.practitioner, INVITEE, start)
        self.entry(
            child,
            "cp_plan_started",
            plan,
            conference.chair,
            self.at(start),
            f"Child protection plan started: {CATEGORY_LABELS[plan.category]}. Lead social worker {lead.full_name}.",
        )
        for p in conference.invitees:
            if p.discipline in ("social_care", "health", "education", "family"):
                member = Person(p.name, p.discipline, p.practitioner, p.agency, p.role)
                if p.practitioner:
                    member.membership = self.join(child, p.practitioner, CORE_GROUP, start)
                plan.core_group.append(member)
        if stop_before_core_group:
            raise Future
        until = min(end, self.today) if end else self.today
        self._meetings(child, plan, until)
        self._visits(child, plan, until)
        last = start
        first = True
        while True:
            months = 3 if first else 6
            due = last + relativedelta(months=months)
            if self.chance(0.9):
                held = due - timedelta(days=self.rng.randint(0, 25 if first else 45))
            else:
                held = due + timedelta(days=self.rng.randint(1, 25))
            if held > self.today or (end is not None and held >= end):
                break
            self._review(child, plan, held, "continue")
            last, first = held, False
        if end is None or end > self.today:
            raise Future
        review = self._review(child, plan, end, "end")
        plan.end = PlanEndStep(end, "no_longer_at_risk", review, review.chair)
        for m in child.pathway.memberships:
            if m.ended_on is None and any(m is p.membership for p in (*conference.invitees, *plan.core_group)):
                m.ended_on = end
        self.entry(
            child,
            "cp_plan_ended",
            plan.end,
            review.chair,
            self.at(end),
            "Child protection plan ended: A review conference decided the child is no longer at risk.",
        )
        return plan

    def _review(self, child: ChildPlan, plan: ProtectionPlanStep, held: date, decision: str) -> ConferenceStep:
        chair = self.chair()
        review = ConferenceStep("review", self.on(held), chair, decision)
        review.invitees = [
            Person(p.name, p.discipline, p.practitioner, p.agency, p.role, None, self.chance(0.85))
            for p in plan.conference.invitees
        ]
        plan.reviews.append(review)
        self.entry(
            child,
            "review_conference",
            review,
            chair,
            self.at(held),
            f"Child protection review conference: {CONFERENCE_DECISIONS[decision]}.",
        )
        return review

    def _meetings(self, child: ChildPlan, plan: ProtectionPlanStep, until: date) -> None:
        held = self.wd(plan.started_on, self.rng.randint(5, 10) if self.chance(0.85) else self.rng.randint(11, 15))
        while held <= until:
            meeting = MeetingStep(held, plan.lead)
            plan.meetings.append(meeting)
            self.entry(
                child,
                "core_group_meeting",
                meeting,
                plan.lead,
                self.at(held),
                "Core group meeting. Progress against the plan reviewed; actions agreed.",
            )
            held = held + timedelta(days=self.rng.randint(25, 40))

    def _visits(self, child: ChildPlan, plan: ProtectionPlanStep, until: date) -> None:
        day = plan.started_on
        while True:
            day = self.wd(day, self.rng.randint(6, 10) if self.chance(0.9) else self.rng.randint(11, 15))
            if day > until:
                return
            seen = self.chance(0.93)
            older = child.date_of_birth is not None and (day - child.date_of_birth).days > 5 * 365
            alone = seen and older and self.chance(0.6)
            visit = VisitStep(day, seen, alone, plan.lead)
            plan.visits.append(visit)
            what = "child seen alone" if alone else "child seen" if seen else "child not seen"
            self.entry(child, "statutory_visit", visit, plan.lead, self.at(day), f"Statutory visit: {what}.")
