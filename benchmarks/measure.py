"""One database's measurements for benchmarks/run.py (run as a subprocess with DATABASE_URL set).
Prints one JSON line."""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from safeguarding.access.models import Agency, AgencyKind, Role, User  # noqa: E402
from safeguarding.concerns.models import AgencyEventKind, Category  # noqa: E402
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_record  # noqa: E402
from safeguarding.frontdoor.models import Contact  # noqa: E402
from safeguarding.pathway.models import ClockRow  # noqa: E402
from safeguarding.pathway.projection import clock_rows_rebuild  # noqa: E402
from safeguarding.people.models import Child, ChildName  # noqa: E402
from safeguarding.people.services import NewChild, child_create  # noqa: E402
from safeguarding.synthetic.bench import open_cases  # noqa: E402
from safeguarding.synthetic.plan import ROLES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BENCH_CHILD_UPN_NAME = ("Benchmark", "Chronology")
EVENT_KINDS = [k for k, _ in AgencyEventKind.choices]


def log(msg: str) -> None:
    print(f"[bench {connection.vendor}] {msg}", file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _setup_note_path() -> Path:
    return ROOT / "var" / f"bench-{connection.vendor}-setup.txt"


def seed(children: int) -> str:
    """Load the synthetic LA once per database; remember how long loading took, so a later
    run that reuses the database still reports it."""
    call_command("migrate", verbosity=0)
    have = Child.objects.count()
    if have >= children:
        note = _setup_note_path()
        loaded = note.read_text().strip() if note.exists() else "loading time not recorded"
        return f"reused {have:,} seeded children ({loaded})"
    if have:
        raise SystemExit(f"The benchmark database holds {have} children, fewer than {children}: drop it first")
    started = time.perf_counter()
    call_command(
        "seed_demo", size=children, seed=1, skip_signals=True, skip_linkage=True, skip_sharing=True, no_progress=True
    )
    took = time.perf_counter() - started
    loaded = f"seed_demo loaded {Child.objects.count():,} children in {took / 60:.1f} min (--skip-signals)"
    _setup_note_path().write_text(f"{loaded}, on {timezone.localdate():%Y-%m-%d}")
    return loaded


def seed_cases(target: int) -> str:
    """Add open cases once (seed_bench_cases); remember how long it took, as for the seed."""
    for plan in ROLES:  # a database seeded before the pathway's role flags existed
        Role.objects.filter(key=plan.key).update(**plan.flags())
    note = ROOT / "var" / f"bench-{connection.vendor}-cases.txt"
    note.parent.mkdir(exist_ok=True)
    have = open_cases()
    if have >= target:
        loaded = note.read_text().strip() if note.exists() else "loading time not recorded"
        return f"reused {have:,} open cases ({loaded})"
    log(f"adding open cases up to {target:,}")
    started = time.perf_counter()
    call_command("seed_bench_cases", open_cases=target, no_progress=True)
    took = time.perf_counter() - started
    loaded = f"seed_bench_cases added open cases up to {open_cases():,} in {took / 60:.1f} min"
    note.write_text(f"{loaded}, on {timezone.localdate():%Y-%m-%d}")
    return loaded


def signed_in(user: User) -> Client:
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def pathway_pages(requests: int) -> list[dict[str, object]]:
    """The front door queue (as the front door) and the timeliness view (as a team manager).
    Pages not built yet are reported as not available."""
    results: list[dict[str, object]] = []
    for name, url_name, username in (
        ("front door queue", "frontdoor:queue", "frontdoor"),
        ("manager's timeliness view", "pathway:timeliness", "manager"),
    ):
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            results.append({"name": name, "unavailable": f"{url_name} does not exist yet"})
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            results.append({"name": name, "unavailable": f"no user {username}"})
            continue
        try:
            results.append(measure(signed_in(user), name, [url] * requests, 200))
        except AssertionError as error:
            results.append({"name": name, "unavailable": f"GET {url} failed: {error}"})
    return results


def clocks_timing(runs: int = 3) -> dict[str, object]:
    """safeguarding.pathway.selectors.all_open_clocks(today) over every open case."""
    try:
        from safeguarding.pathway import selectors
    except ImportError as error:
        return {"name": "all_open_clocks", "unavailable": str(error)}
    fn = getattr(selectors, "all_open_clocks", None)
    if fn is None:
        return {"name": "all_open_clocks", "unavailable": "pathway.selectors.all_open_clocks does not exist yet"}
    today = timezone.localdate()
    times, count = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        count = len(fn(today))
        times.append(time.perf_counter() - t0)
    return {"name": "all_open_clocks", "seconds": statistics.median(times), "runs": runs, "clocks": count}


def bench_child(entries: int) -> tuple[Child, str]:
    first, last = BENCH_CHILD_UPN_NAME
    existing = ChildName.objects.filter(first_name=first, last_name=last).select_related("child").first()
    if existing is not None:
        return existing.child, "reused"
    started = time.perf_counter()
    log(f"adding a child with {entries} entries from 8 agencies")
    admin_role, _ = Role.objects.get_or_create(key="bench-practitioner", defaults={"name": "Benchmark practitioner"})
    kinds = [
        AgencyKind.SCHOOL,
        AgencyKind.GP_PRACTICE,
        AgencyKind.HEALTH_VISITING,
        AgencyKind.HOSPITAL,
        AgencyKind.POLICE,
        AgencyKind.HOUSING,
        AgencyKind.YOUTH_JUSTICE,
        AgencyKind.VOLUNTARY,
    ]
    agencies = [Agency.objects.get_or_create(name=f"Benchmark {k.label}", defaults={"kind": k})[0] for k in kinds]
    users = [
        User.objects.get_or_create(username=f"bench-{i}", defaults={"agency": a, "role": admin_role})[0]
        for i, a in enumerate(agencies)
    ]
    child = child_create(
        data=NewChild(
            first_name=first,
            last_name=last,
            date_of_birth=timezone.localdate() - timedelta(days=3000),
            postcode="LA9 9ZZ",
            address_line1="1 Benchmark Road",
            town="Demo Town",
        ),
        by=users[0],
    )
    rng = random.Random(7)
    start = timezone.now() - timedelta(days=1500)
    categories = [c for c, _ in Category.choices]
    for i in range(entries):
        agency, user = agencies[i % 8], users[i % 8]
        when = start + timedelta(hours=36 * i)
        if i % 10 == 0:
            concern_record(
                child=child,
                data=ConcernInput(
                    occurred_at=when,
                    what_happened=f"Benchmark concern {i}: seen and heard.",
                    action_taken="Discussed with the DSL.",
                    categories=rng.sample(categories, 2),
                ),
                by=user,
            )
        else:
            agency_event_record(
                child=child,
                agency=agency,
                kind=rng.choice(EVENT_KINDS),
                occurred_at=when,
                summary=f"Benchmark event {i}",
                by=user,
                evaluate=False,
            )
    took = time.perf_counter() - started
    return child, f"recorded through the services (audited, signals evaluated) in {took:.0f} s"


def front_door_client() -> Client:
    role, _ = Role.objects.get_or_create(
        key="bench-front-door", defaults={"name": "Benchmark front door", "covers_whole_la": True}
    )
    agency, _ = Agency.objects.get_or_create(name="Benchmark social care", defaults={"kind": AgencyKind.LA_SOCIAL_CARE})
    user, _ = User.objects.get_or_create(username="bench-frontdoor", defaults={"agency": agency, "role": role})
    return signed_in(user)


def measure(client: Client, name: str, urls: list[str], target_ms: int) -> dict[str, object]:
    for url in urls[:10]:  # warm-up
        assert client.get(url).status_code == 200, url
    times = []
    for url in urls:
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[0])
    return {
        "name": name,
        "requests": len(urls),
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "target_ms": target_ms,
        "queries": len(ctx.captured_queries),
    }


def typo(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def linkage_match_timing(requests: int) -> dict[str, object]:
    """One incoming record matched against the whole index (issue 4: under 50 ms p95 at
    100,000 children): a child's details as another agency might record them (a letter of
    the surname transposed, the day and month of birth swapped for some), through
    `match_person`, the function every way in uses. Server time, in process."""
    import datetime as dt

    from safeguarding.linkage.features import PersonRecord
    from safeguarding.linkage.services import active_model, match_person

    active_model()  # compile the model once, as a running server has
    rng = random.Random(5)
    children = list(
        Child.objects.filter(date_of_birth__isnull=False, merged_into__isnull=True)
        .order_by("?")
        .values_list("pk", "date_of_birth", "current_postcode")[: requests + 10]
    )
    names = dict(
        ChildName.objects.filter(child_id__in=[c[0] for c in children], kind="legal").values_list(
            "child_id", "first_name"
        )
    )
    lasts = dict(
        ChildName.objects.filter(child_id__in=[c[0] for c in children], kind="legal").values_list(
            "child_id", "last_name"
        )
    )
    incoming = []
    for pk, dob, postcode in children:
        if dob is not None and dob.day <= 12 and dob.day != dob.month and rng.random() < 0.3:
            dob = dt.date(dob.year, dob.day, dob.month)
        incoming.append(
            PersonRecord(
                first_names=(names.get(pk, ""),),
                last_names=(typo(lasts.get(pk, ""), rng),),
                date_of_birth=dob,
                postcode=postcode,
            )
        )
    found = 0
    for person in incoming[:10]:  # warm-up
        match_person(person)
    times = []
    for person, (pk, _, _) in zip(incoming[10:], children[10:], strict=True):
        t0 = time.perf_counter()
        outcome = match_person(person)
        times.append((time.perf_counter() - t0) * 1000)
        found += any(c.child.pk == pk for c in outcome.candidates)
    with CaptureQueriesContext(connection) as ctx:
        match_person(incoming[0])
    return {
        "name": f"one record matched against the index ({Child.objects.count():,} children)",
        "requests": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "target_ms": 50,
        "queries": len(ctx.captured_queries),
        "found": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, required=True)
    parser.add_argument("--entries", type=int, required=True)
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--open-cases", type=int, default=0)
    parser.add_argument("--pathway-requests", type=int, default=30)
    args = parser.parse_args()
    setup = seed(args.children)
    cases_setup = seed_cases(args.open_cases) if args.open_cases else ""
    if args.open_cases and not ClockRow.objects.exists():  # a database loaded before the projection
        log("building the clocks' projection")
        clock_rows_rebuild()
    # Bulk loading leaves the query planner's statistics stale; in production autovacuum (or
    # SQLite's optimize) keeps them fresh, so the bench measures with them up to date.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    child, entries_setup = bench_child(args.entries)
    client = front_door_client()
    rng = random.Random(11)
    page_urls = [f"/children/{child.pk}/"] * args.requests
    names = list(
        ChildName.objects.filter(kind="legal").order_by("?").values_list("first_name", "last_name")[: args.requests]
    )
    search_urls = [f"/children/?name={first}+{typo(last, rng)}" for first, last in names]
    pages = [
        measure(client, "chronology page (newest 100 of 1,000 entries)", page_urls, 150),
        measure(client, "child search (name with a typo)", search_urls, 100),
        linkage_match_timing(args.requests),
    ]
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    setup = f"{setup}; the child's {args.entries:,} entries {entries_setup}"
    result: dict[str, object] = {"pages": pages, "setup": setup, "database_version": f"{connection.vendor} {version}"}
    if args.open_cases:
        log("measuring the pathway pages and clocks")
        result["pathway"] = {
            "open_cases": open_cases(),
            "undecided_contacts": Contact.objects.filter(decision__isnull=True).count(),
            "decided_contacts": Contact.objects.filter(decision__isnull=False).count(),
            "pages": pathway_pages(args.pathway_requests),
            "clocks": clocks_timing(),
            "setup": cases_setup,
        }
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
