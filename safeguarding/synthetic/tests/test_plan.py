"""The plan alone (no database): deterministic, and calibrated to the national figures."""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from safeguarding.people.identifiers import nhs_number_valid, upn_valid
from safeguarding.synthetic.families import Planner, plan_fingerprint
from safeguarding.synthetic.plan import Config

NOW = dt.datetime(2025, 6, 2, 10, 30, tzinfo=ZoneInfo("Europe/London"))


def config(size: int = 150, seed: int = 1, now: dt.datetime = NOW) -> Config:
    return Config.for_run(size=size, seed=seed, now=now)


def test_the_same_seed_and_size_give_the_same_authority():
    first, n_first = plan_fingerprint(config())
    second, n_second = plan_fingerprint(config())

    assert first == second
    assert n_first == n_second == 150


def test_another_seed_gives_another_authority():
    assert plan_fingerprint(config(seed=1))[0] != plan_fingerprint(config(seed=2))[0]


def test_names_and_families_do_not_depend_on_the_run_date():
    """Only dates move with the run date; who is who stays the same."""

    def structure(now: dt.datetime) -> list[tuple[str, ...]]:
        planner = Planner(config(now=now))
        return [
            (c.la_child_id, c.display_name, c.sex, str(c.age_days(planner.today)), str(len(c.relationships)))
            for households in planner.chunks()
            for h in households
            for c in h.children
            if c.la_child_id != "C0000007"  # Jaiden Smith: fixed date of birth, so his age moves
        ]

    assert structure(NOW) == structure(NOW + dt.timedelta(days=40))


def test_identifiers_are_valid_and_unique():
    children = [c for hh in Planner(config(size=3000)).chunks() for h in hh for c in h.children]
    nhs = [c.nhs_number for c in children if c.nhs_number]
    upns = [c.upn for c in children if c.upn]

    assert all(nhs_number_valid(n) and n.startswith("999") for n in nhs)
    assert all(upn_valid(u) for u in upns)
    assert len(set(nhs)) == len(nhs)
    assert len(set(upns)) == len(upns)
    assert len({c.la_child_id for c in children}) == len(children) == 3000


def test_calibrated_to_the_national_figures():
    """DOMAIN.md "National figures": per 10,000 children, ~333 in need (including plans and
    children looked after), ~42 on a plan, ~70 looked after; plan categories led by neglect."""
    size = 5000
    children = [c for hh in Planner(config(size=size)).chunks() for h in hh for c in h.children]
    open_status = Counter(s for c in children for s, _, ended, _ in c.statuses if ended is None)
    per_10k = {k: v * 10_000 / size for k, v in open_status.items()}
    categories = Counter(cat for c in children for s, _, ended, cat in c.statuses if s == "cp_plan" and ended is None)

    assert 30 <= per_10k["cp_plan"] <= 60
    assert 280 <= per_10k["child_in_need"] <= 400
    assert 55 <= per_10k["looked_after"] <= 90
    assert 240 <= per_10k["early_help"] <= 360
    assert categories.most_common(1)[0][0] in ("NEG", "EMO")
    assert 0.55 <= sum(c.ethnicity == "WBRI" for c in children) / size <= 0.72
    assert 0.04 <= sum(bool(c.disabilities) for c in children) / size <= 0.10
    ages = Counter(c.age_days(NOW.date()) // 365 for c in children if c.date_of_birth)
    assert set(ages) == set(range(18))
    assert any(c.expected_date_of_birth for c in children)  # some unborn children
    assert sum(bool(c.entries) for c in children) / size > 0.2
