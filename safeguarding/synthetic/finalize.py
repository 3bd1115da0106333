"""A child's statuses and caseloads, derived from its planned pathway (never drawn separately):
"child in need" from each referral's date to its closure, "child protection plan" (with its
category) from each plan's start to its end, "early help" for each episode; social care's
caseload while a referral is open, the early help lead's agency's while an episode is.
"""

from datetime import date

from safeguarding.synthetic.plan import ChildPlan


def _span(spans: list[tuple[date, date | None]]) -> tuple[date, date | None]:
    start = min(s for s, _ in spans)
    ends = [e for _, e in spans]
    return start, None if any(e is None for e in ends) else max(e for e in ends if e is not None)


def finalize(child: ChildPlan) -> None:
    path = child.pathway
    referrals = path.referrals()
    for r in referrals:
        child.statuses.append(("child_in_need", r.referral_date, r.closure.closed_on if r.closure else None, ""))
        for plan in r.plans:
            child.statuses.append(("cp_plan", plan.started_on, plan.end.ended_on if plan.end else None, plan.category))
    for e in path.episodes:
        child.statuses.append(("early_help", e.started_on, e.closed_on, ""))
    child.statuses.sort(key=lambda s: (s[1], s[0]))
    if referrals:
        child.involvements[("csc", "caseload")] = _span(
            [(r.referral_date, r.closure.closed_on if r.closure else None) for r in referrals]
        )
    by_agency: dict[str, list[tuple[date, date | None]]] = {}
    for e in path.episodes:
        by_agency.setdefault(e.lead.agency, []).append((e.started_on, e.closed_on))
    for agency, spans in by_agency.items():
        if (agency, "caseload") not in child.involvements:
            child.involvements[(agency, "caseload")] = _span(spans)
