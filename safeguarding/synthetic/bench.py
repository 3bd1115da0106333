"""Open cases at scale for `make bench`: `manage.py seed_bench_cases --open-cases 50000`.

Adds to a database seed_demo has loaded, with the same generator (scenarios.py) and writer
(pathway_loader.py), until it holds the number of open cases asked for (open CIN episodes
and open early help episodes). Each new case goes to a child with no pathway yet, in id
order, at a stage drawn from BENCH_STAGES (the proportions of the open caseload: most in
child in need plans, assessments and early help, about one in ten on a protection plan, a
front door queue of about 2% undecided contacts); about 30% have an earlier referral behind
them, so the decided history is large too. Deterministic for the database it is given.
"""

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguarding.access.models import Agency, ChildInvolvement, User
from safeguarding.audit.models import AuditEvent
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.frontdoor.models import Contact, Referral
from safeguarding.pathway.projection import clock_rows_rebuild
from safeguarding.people.models import Child, StatusPeriod
from safeguarding.synthetic.finalize import finalize
from safeguarding.synthetic.pathway_loader import PathwayWriter
from safeguarding.synthetic.plan import AddressPlan, ChildPlan, Config, Household, NamePlan, PersonPlan, plan_world
from safeguarding.synthetic.scenarios import Scenarios

BENCH_STAGES = (
    ("decision", 2.0),
    ("eh_awaiting", 1.0),
    ("strategy", 0.5),
    ("s47", 1.5),
    ("icpc", 1.0),
    ("core_group", 0.5),
    ("assessment", 17.0),
    ("cp_plan", 9.5),
    ("cin_plan", 33.0),
    ("early_help", 34.0),
)
CHUNK = 2000


def open_cases() -> int:
    return (
        Referral.objects.filter(closure__isnull=True).count()
        + EarlyHelpEpisode.objects.filter(closure__isnull=True).count()
    )


def _loaded_config() -> Config:
    event = AuditEvent.objects.filter(detail__event="system: synthetic data loaded").order_by("-pk").first()
    if event is None:
        raise ValueError("No synthetic authority loaded here: run seed_demo first")
    return Config.for_run(size=int(event.detail["size"]), seed=int(event.detail["seed"]), now=timezone.now())


def _case(s: Scenarios, child: ChildPlan, hh: Household, stage: str) -> None:
    rng, today = s.rng, s.today
    prior = rng.random() < 0.3
    if stage == "decision":
        s.attempt(s.contact_only, child, hh, s.back(today, rng.choice([0, 1, 1, 2, 3])), None)
    elif stage == "eh_awaiting":
        s.attempt(s.contact_only, child, hh, today - timedelta(days=rng.randint(1, 8)), "early_help")
    elif stage in ("strategy", "s47", "icpc", "core_group"):
        back = {"strategy": (0, 4), "s47": (1, 8), "icpc": (12, 20), "core_group": (17, 24)}[stage]
        gaps = {"sd_gap": 0, "icpc_gap": rng.randint(10, 15)} if stage == "core_group" else {}
        s.attempt(s.protection, child, hh, s.back(today, rng.randint(*back)), category="NEG", stop=stage, **gaps)
    elif stage == "early_help":
        s.attempt(s.early_help_route, child, hh, today - timedelta(days=rng.randint(14, 540)))
    else:
        if stage == "assessment":
            day = s.back(today, rng.randint(1, 52))
        elif stage == "cp_plan":
            day = s.back(today - timedelta(days=s.plan_length()), rng.randint(10, 17))
        else:
            day = today - timedelta(days=rng.randint(75, 700))
        if prior:
            s.prior(child, hh, day)
        if stage == "assessment":
            s.attempt(s.s17, child, hh, day, "cin_plan", stop="assessment")
        elif stage == "cp_plan":
            category = rng.choices(["NEG", "EMO", "PHY", "SAB", "MUL"], [50, 36, 7, 4, 3])[0]
            s.attempt(s.protection, child, hh, day, category=category)
        else:
            s.attempt(s.s17, child, hh, day, "cin_plan")


def load_open_cases(target: int, *, on_progress: Callable[[int], None] | None = None) -> int:
    """Add open cases until there are `target`; returns how many children were given a case."""
    cfg = _loaded_config()
    world = plan_world(cfg)
    users = {u.username: u for u in User.objects.filter(username__in=[p.username for p in world.practitioners])}
    by_name = {a.name: a for a in Agency.objects.filter(name__in=[a.name for a in world.agencies.values()])}
    agencies = {key: by_name[a.name] for key, a in world.agencies.items()}
    s = Scenarios(cfg, world)
    writer = PathwayWriter(users, agencies, letters=False)
    stages, weights = [k for k, _ in BENCH_STAGES], [w for _, w in BENCH_STAGES]
    given, last_pk = 0, 0
    while open_cases() < target:
        need = target - open_cases()
        known = StatusPeriod.objects.values("child_id")
        rows = list(
            Child.objects.filter(pk__gt=last_pk, date_of_birth__lte=cfg.today - timedelta(days=120))
            .exclude(pk__in=known)
            .exclude(pk__in=Contact.objects.values("child_id"))
            .order_by("pk")
            .values_list("pk", "la_child_id", "sex", "ethnicity", "display_name", "date_of_birth")[: min(CHUNK, need)]
        )
        if not rows:
            raise ValueError(f"Not enough children without a case for {target:,} open cases")
        last_pk = rows[-1][0]
        children = []
        for pk, la_id, sex, ethnicity, name, dob in rows:
            first, _, last = name.partition(" ")
            child = ChildPlan(la_id, sex, ethnicity, [NamePlan("legal", first, last)], dob, pk=pk)
            s.rng = random.Random(f"{cfg.seed}:bench:{la_id}")  # noqa: S311 (reproducible, not secret)
            mother = PersonPlan("Parent", last, None)
            address = AddressPlan("", "", "", "")
            hh = Household(
                "white", ethnicity, "single_mother", [child], mother, address, "", "", s.rng.choice(world.gp_practices)
            )
            _case(s, child, hh, s.rng.choices(stages, weights)[0])
            finalize(child)
            children.append(child)
        with transaction.atomic():
            StatusPeriod.objects.bulk_create(
                [
                    StatusPeriod(child_id=c.pk, status=st, started_on=a, ended_on=b, category=cat)  # type: ignore[misc]
                    for c in children
                    for st, a, b, cat in c.statuses
                ],
                batch_size=2000,
            )
            firsts: dict[tuple[Any, str, str], tuple[Any, Any]] = {}
            for c in children:
                for (agency, basis), span in c.involvements.items():
                    firsts[(c.pk, agency, basis)] = span
                for e in sorted(c.pathway.entries, key=lambda e: e.occurred_at):
                    firsts.setdefault((c.pk, e.agency, "recorded"), (e.occurred_at.date(), None))
            ChildInvolvement.objects.bulk_create(
                [
                    ChildInvolvement(child_id=pk, agency=agencies[a], basis=b, started_on=span[0], ended_on=span[1])
                    for (pk, a, b), span in firsts.items()
                ],
                batch_size=2000,
                ignore_conflicts=True,
            )
            writer.write(children, cfg.now)
        given += len(children)
        if on_progress:
            on_progress(len(children))
    clock_rows_rebuild()  # bulk-written rows: build the clocks' projection for them all
    return given
