"""The demo users' own work: families planned on fixed names so that, whatever the size, every
queue has something in it and each demo user has cases of their own (docs/demo.md).

- `dsl` (Riverside Academy) referred: Mason and Ruby Reid (now on child protection plans,
  neglect), Leo Hart (assessed, closed with no further action), Isla Bennett (early help, a
  review due), Noah Fletcher (assessment in progress) and Evie Marsh (on the front door queue).
- `socialworker` leads the Reids' plans, Noah's and Sophie Lane's assessments (Sophie's
  overdue), Ethan Cross's section 47 enquiry, Harvey Parker's (initial conference due), Amelia
  Ward's plan (no core group yet) and Zara Khan's child in need plan.
- `frontdoor` decided all of these; Riley Evans waits for a strategy discussion, Maisie Dunn
  for early help to pick her up.
- `healthvisitor`, `gp` and `police` are invitees and core group members on the plans, so they
  see those children through the child's team.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from safeguarding.synthetic.finalize import finalize
from safeguarding.synthetic.plan import STORY_GP, ChildPlan, Household, PersonPlan, RelPlan

if TYPE_CHECKING:
    from safeguarding.synthetic.families import Planner


def plan_caseload(p: "Planner") -> list[Household]:
    from safeguarding.synthetic.stories import _household, _settle

    s = p.pathway
    s.prefer_demo = True
    today = p.today
    demo = s.demo
    households: list[Household] = []

    def family(last: str, kids: list[tuple[str, str, int]], *, school: bool = True) -> list[ChildPlan]:
        mother = PersonPlan(p.adult_first("white", True), last, today - timedelta(days=33 * 365), "07700 900555")
        kw = {} if school else {"primary": p.world.primaries[-1], "secondary": p.world.secondaries[-1]}
        address = p.address()
        hh = _household(p, mother, address.line1, address.postcode, gp=STORY_GP, **kw)
        children = []
        for first, sex, age_days in kids:
            child = p.new_child(first=first, last=last, sex=sex, dob=today - timedelta(days=age_days), ethnicity="WBRI")
            _settle(p, hh, child, today - timedelta(days=1500))
            child.relationships.append(RelPlan("mother", mother, None, True, True, child.date_of_birth))
            children.append(child)
        households.append(hh)
        return children

    def run(child: ChildPlan, route: Callable[..., object], *args: Any, **kw: Any) -> None:
        s.rng = p._stream("caseload", len(households) * 10 + len(child.pathway.contacts))
        s.attempt(route, child, households[-1], *args, **kw)

    dsl, police, sw = demo["dsl"], demo["police"], demo["socialworker"]
    for child in family("Reid", [("Mason", "M", 9 * 365 + 40), ("Ruby", "F", 3 * 365 + 100)]):
        run(
            child,
            s.protection,
            today - timedelta(days=240),
            category="NEG",
            referrer=dsl,
            lead=sw,
            sd_gap=1,
            icpc_gap=12,
        )
    (leo,) = family("Hart", [("Leo", "M", 11 * 365 + 200)])
    run(leo, s.s17, today - timedelta(days=180), "nfa", referrer=dsl, days=30)
    (isla,) = family("Bennett", [("Isla", "F", 7 * 365 + 10)])
    run(isla, s.early_help_route, today - timedelta(days=170), referrer=dsl)
    (noah,) = family("Fletcher", [("Noah", "M", 12 * 365 + 90)])
    run(noah, s.s17, s.back(today, 20), "cin_plan", referrer=dsl, lead=sw, stop="assessment")
    (evie,) = family("Marsh", [("Evie", "F", 6 * 365 + 300)])
    run(evie, s.contact_only, today, None, referrer=dsl)
    if not evie.pathway.contacts:  # before the school day: yesterday's contact
        run(evie, s.contact_only, s.back(today, 1), None, referrer=dsl)
    (ethan,) = family("Cross", [("Ethan", "M", 2 * 365 + 30)], school=False)
    run(ethan, s.protection, s.back(today, 3), category="PHY", referrer=police, lead=sw, sd_gap=1, stop="s47")
    (sophie,) = family("Lane", [("Sophie", "F", 15 * 365 + 60)], school=False)
    run(sophie, s.s17, s.back(today, 50), "cin_plan", referrer=police, lead=sw, stop="assessment")
    (harvey,) = family("Parker", [("Harvey", "M", 8 * 365 + 5)], school=False)
    run(harvey, s.protection, s.back(today, 12), category="EMO", referrer=police, lead=sw, sd_gap=1, stop="icpc")
    (amelia,) = family("Ward", [("Amelia", "F", 365 + 20)], school=False)
    run(
        amelia,
        s.protection,
        s.back(today, 17),
        category="NEG",
        referrer=demo["healthvisitor"],
        lead=sw,
        sd_gap=1,
        icpc_gap=12,
        stop="core_group",
    )
    (zara,) = family("Khan", [("Zara", "F", 10 * 365 + 100)], school=False)
    run(zara, s.s17, today - timedelta(days=330), "cin_plan", referrer=demo["gp"], lead=sw, days=35)
    (riley,) = family("Evans", [("Riley", "M", 13 * 365 + 10)], school=False)
    run(riley, s.protection, s.back(today, 2), category="EMO", referrer=police, stop="strategy")
    (maisie,) = family("Dunn", [("Maisie", "F", 5 * 365 + 200)], school=False)
    run(maisie, s.contact_only, today - timedelta(days=3), "early_help", referrer=demo["healthvisitor"])
    s.prefer_demo = False
    for hh in households:
        for child in hh.children:
            finalize(child)
    return households
