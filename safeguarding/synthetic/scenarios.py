"""Routes through the pathway, and which household takes which (families.Planner.statuses).

A route is one child's path from a contact to wherever it has got to today: contact only;
assessment (section 17) then no further action, early help or a child in need plan; strategy
discussion and section 47 enquiry, then no further action, or the initial conference and a
child protection plan, then a child in need plan or closure. `stop=` leaves it open at a
stage on purpose ("decision", "strategy", "s47", "icpc", "core_group", "assessment"); a step
that would fall after today leaves it open anyway.

The household's tier (families.py) gives the dates the authority's statuses were drawn with;
each child of the household takes the same route on the same dates (siblings are referred
and planned for together), and `finalize` derives the child's statuses, caseloads and team
from the rows, so that a status never lacks the pathway behind it.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from safeguarding.synthetic import reference as ref
from safeguarding.synthetic.pathway import CP_CONCERNS, Future, back_working_days
from safeguarding.synthetic.plan import ChildPlan, Household, PractitionerPlan
from safeguarding.synthetic.protection_steps import ProtectionSteps
from safeguarding.synthetic.steps import ReferralStep

CIN_STAGES = (("assessment", 27), ("cin_plan", 60), ("s47", 5), ("icpc", 4), ("strategy", 2), ("core_group", 2))
CATEGORIES = [c for c, _ in ref.CP_CATEGORIES]
CATEGORY_WEIGHTS = [w for _, w in ref.CP_CATEGORIES]
CP_LENGTHS = [((lo, hi), w) for w, lo, hi in ref.CP_LENGTH_BANDS]


@dataclass
class Dates:
    """The dates families.statuses drew for a household (see there)."""

    plan_start: date
    cin_start: date
    lac_start: date
    eh_start: date
    episode_start: date
    episode_end: date
    had_plan: bool
    past_plan: bool
    closed_cin: bool


def last_step(referral: ReferralStep) -> date:
    days = [referral.referral_date]
    for a in referral.assessments:
        days += [a.started_on, *(d for d, _ in a.seen), *([a.completion.completed_on] if a.completion else [])]
    for s in referral.strategies:
        days.append(s.held_on)
        if s.section47 and s.section47.completed_on:
            days.append(s.section47.completed_on)
        if s.section47 and s.section47.conference:
            days.append(s.section47.conference.held_on)
    for p in referral.plans:
        days += [*(m.held_on for m in p.meetings), *(v.visited_on for v in p.visits), *(r.held_on for r in p.reviews)]
    for c in referral.cin_plans:
        days += [c.started_on, *c.reviews, *([c.ended_on] if c.ended_on else [])]
    return max(days)


class Scenarios(ProtectionSteps):
    # --- routes -------------------------------------------------------------------------------

    def referral(
        self,
        child: ChildPlan,
        hh: Household,
        day: date,
        decision: str,
        *,
        categories: list[str] | None = None,
        referrer: PractitionerPlan | str | None = "auto",
    ) -> ReferralStep:
        contact = self.contact(child, hh, day, categories=categories, referrer=referrer)
        referral = self.decide(child, contact, decision).referral
        assert referral is not None
        return referral

    def close_after(self, child: ChildPlan, referral: ReferralStep, day: date, reason: str) -> None:
        if any(a.completion is None for a in referral.assessments):
            raise Future
        self.close(child, referral, max(day, last_step(referral)), reason)

    def contact_only(
        self,
        child: ChildPlan,
        hh: Household,
        day: date,
        decision: str | None,
        referrer: PractitionerPlan | str | None = "auto",
    ) -> None:
        contact = self.contact(child, hh, day, referrer=referrer)
        if decision is not None:
            self.decide(child, contact, decision)

    def s17(
        self,
        child: ChildPlan,
        hh: Household,
        day: date,
        outcome: str,
        *,
        cin_end: date | None = None,
        eh_end: date | None = None,
        stop: str = "",
        lead: PractitionerPlan | None = None,
        days: int | None = None,
        referrer: PractitionerPlan | str | None = "auto",
    ) -> ReferralStep:
        referral = self.referral(child, hh, day, "assessment", referrer=referrer)
        done = self.assess(child, referral, outcome, lead=lead, days=days, stop=stop == "assessment").completion
        assert done is not None
        if outcome == "nfa":
            self.close(child, referral, done.completed_on + timedelta(days=self.rng.randint(0, 10)), "RC8")
        elif outcome == "early_help":
            closed = self.close(child, referral, done.completed_on + timedelta(days=self.rng.randint(0, 7)), "RC9")
            start = closed.closed_on + timedelta(days=self.rng.randint(3, 20))
            self.early_help(child, hh, start, from_referral=referral, end=eh_end)
        else:
            start = done.completed_on + timedelta(days=self.rng.randint(0, 5))
            plan = self.cin_plan(child, referral, start, lead=lead, end=cin_end)
            assert plan.ended_on is not None
            self.close_after(child, referral, plan.ended_on, "RC7")
        return referral

    def protection(
        self,
        child: ChildPlan,
        hh: Household,
        day: date,
        *,
        category: str,
        end: date | None = None,
        after: str = "close",
        s47_outcome: str = "initial_conference",
        stop: str = "",
        lead: PractitionerPlan | None = None,
        sd_gap: int | None = None,
        icpc_gap: int | None = None,
        referrer: PractitionerPlan | str | None = "auto",
    ) -> ReferralStep:
        decision = "immediate_protection" if self.chance(0.05) else "strategy_discussion"
        referral = self.referral(child, hh, day, decision, categories=CP_CONCERNS[category], referrer=referrer)
        if stop == "strategy":
            raise Future
        decision_step = referral.contact.decision
        assert decision_step is not None
        if sd_gap is None:
            sd_gap = self.rng.randint(0, 3) if self.chance(0.92) else self.rng.randint(4, 6)
        sd = self.strategy(child, hh, referral, self.wd(decision_step.decided_at.date(), sd_gap), lead=lead)
        s47 = sd.section47
        assert s47 is not None
        if stop == "s47":
            raise Future
        if icpc_gap is None:
            icpc_gap = self.rng.randint(9, 15) if self.chance(0.8) else self.rng.randint(16, 22)
        icpc_day = self.wd(sd.held_on, icpc_gap)
        s47_day = min(self.wd(sd.held_on, self.rng.randint(3, 9)), icpc_day)
        self.s47_complete(child, s47, s47_day, s47_outcome)
        if s47_outcome != "initial_conference":
            if s47_outcome == "cin_plan":
                self.cin_plan(child, referral, s47_day, lead=s47.lead, end=end)
            self.close_after(child, referral, (end or s47_day) + timedelta(days=self.rng.randint(0, 7)), "RC7")
            return referral
        if stop == "icpc":
            raise Future
        conference = self.icpc(child, hh, s47, icpc_day, "plan", category)
        with contextlib.suppress(Future):  # the assessment runs alongside, finished or not
            self.assess(child, referral, "continue_cp_plan", lead=s47.lead, not_before=icpc_day)
        plan = self.plan(child, referral, conference, end=end, stop_before_core_group=stop == "core_group")
        assert plan.end is not None
        if after == "open":  # the child came into care: the episode stays open
            return referral
        if after in ("cin", "cin_open"):
            cin_end = None if after == "cin_open" else plan.end.ended_on + timedelta(days=self.rng.randint(60, 240))
            self.cin_plan(child, referral, plan.end.ended_on, lead=plan.lead, end=cin_end)
            assert cin_end is not None
            self.close_after(child, referral, cin_end, "RC7")
        else:
            self.close_after(child, referral, plan.end.ended_on + timedelta(days=self.rng.randint(0, 14)), "RC7")
        return referral

    def early_help_route(
        self,
        child: ChildPlan,
        hh: Household,
        start: date,
        *,
        end: date | None = None,
        reason: str = "needs_met",
        lead: PractitionerPlan | None = None,
        referrer: PractitionerPlan | str | None = "auto",
    ) -> None:
        contact = self.contact(child, hh, start - timedelta(days=self.rng.randint(6, 20)), referrer=referrer)
        decision = self.decide(child, contact, "early_help")
        begin = max(start, decision.decided_at.date() + timedelta(days=1))
        self.early_help(child, hh, begin, from_contact=contact, end=end, reason=reason, lead=lead)

    def plan_length(self) -> int:
        lo, hi = self.rng.choices([b for b, _ in CP_LENGTHS], [w for _, w in CP_LENGTHS])[0]
        return self.rng.randint(lo, hi)

    def prior(self, child: ChildPlan, hh: Household, before: date) -> None:
        """An earlier referral closed after assessment, within 12 months: the next is a re-referral."""
        day = before - timedelta(days=self.rng.randint(130, 330))
        if child.date_of_birth and day < child.date_of_birth + timedelta(days=14):
            return
        outcome = self.rng.choice(["nfa", "early_help", "cin_plan", "cin_plan", "cin_plan"])
        # At most 30 working days of assessment and two months of plan: closed well before `before`.
        cin_end = day + timedelta(days=self.rng.randint(75, 100))
        self.attempt(
            self.s17,
            child,
            hh,
            day,
            outcome,
            cin_end=cin_end,
            days=self.rng.randint(12, 30),
            eh_end=before - timedelta(days=3),
        )

    @staticmethod
    def attempt(route: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        """Run a route; a step that would fall after today leaves the case open where it got to."""
        with contextlib.suppress(Future):
            route(*args, **kwargs)

    # --- households ---------------------------------------------------------------------------

    def household(self, hh: Household, d: Dates) -> None:
        """Plan the pathway of every born child of a household, from its tier and dates."""
        rng, today = self.rng, self.today
        tier = hh.tier
        stage = ""
        if tier == "child_in_need" and not d.past_plan:
            stage = rng.choices([s for s, _ in CIN_STAGES], [w for _, w in CIN_STAGES])[0]
        concern_route = rng.random()
        concern_day = today - timedelta(days=rng.randint(20, 700))
        undecided_wd = rng.choices([0, 1, 2, 3], [50, 38, 8, 4])[0]
        with_prior = rng.random() < 0.38
        for child in hh.children:
            dob = child.date_of_birth
            if dob is None:
                continue

            def fits(day: date, dob: date = dob) -> bool:
                return day >= dob + timedelta(days=5)

            if tier == "cp_plan":
                start = d.plan_start
                referral_day = self.back(start, rng.randint(10, 17))
                if not fits(referral_day):
                    referral_day = dob + timedelta(days=5)
                if with_prior:
                    self.prior(child, hh, referral_day)
                self.attempt(self.protection, child, hh, referral_day, category=hh.cp_category)
            elif tier == "looked_after":
                self.looked_after(child, hh, d)
            elif tier == "child_in_need":
                self.child_in_need(child, hh, d, stage, with_prior)
            elif tier == "early_help":
                start = max(d.eh_start, dob + timedelta(days=10))
                if rng.random() < 0.15 and start - timedelta(days=80) > dob:
                    referral_day = start - timedelta(days=rng.randint(75, 110))
                    self.attempt(self.s17, child, hh, referral_day, "early_help")
                else:
                    self.attempt(self.early_help_route, child, hh, start)
            elif tier == "previously_known" and fits(d.episode_start) and d.episode_end < today:
                if with_prior and d.closed_cin:
                    self.prior(child, hh, d.episode_start)
                self.previously_known(child, hh, d)
            elif tier == "concern" and concern_route < 0.135:
                self.concern(child, hh, concern_route, concern_day, undecided_wd)
            elif tier == "concern" and fits(concern_day):
                if with_prior and 0.40 <= concern_route < 0.75:
                    self.prior(child, hh, concern_day)
                self.concern(child, hh, concern_route, concern_day, undecided_wd)
            elif tier == "routine" and concern_route < 0.03 and fits(concern_day):
                self.attempt(self.contact_only, child, hh, concern_day, "information_advice")

    def back(self, day: date, working_days: int) -> date:
        return back_working_days(day, working_days)

    def child_in_need(self, child: ChildPlan, hh: Household, d: Dates, stage: str, with_prior: bool) -> None:
        rng, today = self.rng, self.today
        assert child.date_of_birth is not None
        earliest = child.date_of_birth + timedelta(days=5)
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        if d.past_plan:
            length = rng.randint(90, 400)
            referral_day = max(earliest, today - timedelta(days=length + rng.randint(60, 200)))
            end = referral_day + timedelta(days=length)
            self.attempt(self.protection, child, hh, referral_day, category=category, end=end, after="cin_open")
            return
        if stage == "assessment":
            day = max(earliest, self.back(today, rng.randint(1, 52)))
            self.attempt(self.s17, child, hh, day, "cin_plan", stop="assessment")
        elif stage == "cin_plan":
            day = max(earliest, min(d.cin_start, today - timedelta(days=75)))
            if with_prior:
                self.prior(child, hh, day)
            self.attempt(self.s17, child, hh, day, "cin_plan")
        elif stage in ("strategy", "s47", "icpc", "core_group"):
            back = {"strategy": (0, 4), "s47": (1, 8), "icpc": (12, 20), "core_group": (17, 24)}[stage]
            day = max(earliest, self.back(today, rng.randint(*back)))
            gaps = {"sd_gap": 0, "icpc_gap": rng.randint(10, 15)} if stage == "core_group" else {}
            self.attempt(self.protection, child, hh, day, category=category, stop=stage, **gaps)

    def looked_after(self, child: ChildPlan, hh: Household, d: Dates) -> None:
        """Children in care stay children in need: the referral stays open behind the care."""
        assert child.date_of_birth is not None
        day = max(d.cin_start, child.date_of_birth + timedelta(days=5))
        lac = max(d.lac_start, child.date_of_birth)
        if d.had_plan and self.wd(day, 25) + timedelta(days=20) < lac:
            self.attempt(self.protection, child, hh, day, category=hh.cp_category or "NEG", end=lac, after="open")
        elif day + timedelta(days=80) < lac:
            self.attempt(self.s17, child, hh, day, "cin_plan", cin_end=lac)

    def previously_known(self, child: ChildPlan, hh: Household, d: Dates) -> None:
        rng = self.rng
        start, end = d.episode_start, d.episode_end
        if d.closed_cin:
            roll = rng.random()
            if roll < 0.35 or (end - start).days < 90:
                self.attempt(self.s17, child, hh, start, "nfa")
            elif roll < 0.8:
                self.attempt(self.s17, child, hh, start, "cin_plan", cin_end=end)
            else:
                category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
                self.attempt(
                    self.protection,
                    child,
                    hh,
                    start,
                    category=category,
                    end=start + timedelta(days=rng.randint(60, 300)),
                )
        else:
            reason = "consent_withdrawn" if rng.random() < 0.1 else "needs_met"
            self.attempt(self.early_help_route, child, hh, start, end=end, reason=reason)

    def concern(self, child: ChildPlan, hh: Household, roll: float, day: date, undecided_wd: int) -> None:
        """A concern-only household: most contacts end at the front door; some become short referrals."""
        rng = self.rng
        if roll < 0.125:
            when = self.back(self.today, undecided_wd) if undecided_wd else self.today
            self.attempt(self.contact_only, child, hh, when, None)
            if not child.pathway.contacts:  # too early in the day for today's: yesterday's
                self.attempt(self.contact_only, child, hh, self.back(self.today, 1), None)
        elif roll < 0.135:
            self.attempt(self.contact_only, child, hh, self.today - timedelta(days=rng.randint(1, 8)), "early_help")
        elif roll < 0.40:
            decision = "nfa" if rng.random() < 0.45 else "information_advice"
            self.attempt(self.contact_only, child, hh, day, decision)
        elif roll < 0.48:
            self.attempt(self.s17, child, hh, day, "nfa")
        elif roll < 0.52:
            self.attempt(self.s17, child, hh, day, "early_help", eh_end=day + timedelta(days=rng.randint(120, 300)))
        elif roll < 0.56:
            self.attempt(self.protection, child, hh, day, category="NEG", s47_outcome="nfa")
        elif roll < 0.75:
            end = day + timedelta(days=rng.randint(120, 260))
            self.attempt(self.s17, child, hh, day, "cin_plan", cin_end=end)
