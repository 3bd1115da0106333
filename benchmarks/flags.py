"""`make bench`, status flags (issue 5): one lookup's server time, and a sustained load.

Against the databases `benchmarks.run` seeded (100,000 children, 50,000 open cases), so that
about half the children looked up have a current status and a lead practitioner:

1. **Server time** (each database): an A&E system's lookups by NHS number through the agency
   API (`POST /api/v1/status-flags/search/`), handled in process by Django's test client: the
   bearer token checked, the scope, the throttle, the flag, the `FlagLookup` row, the audit
   event and, once a day per child, the lead practitioner's notification. 50 clients take
   turns, so that none reaches its rate limit (600 a minute). Target: p95 under 20 ms.
2. **Load** (PostgreSQL): gunicorn serving the project on 127.0.0.1 only, and 50 concurrent
   clients (locust, each client an agency system with its own credentials) looking children
   up for 60 seconds with no wait between calls. Target: no errors. The embedded SQLite
   default serialises writers, so it is measured for server time only.

    python -m benchmarks.flags [--db sqlite,postgres] [--requests 500] [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
MARK_START = "<!-- flags:start -->"
MARK_END = "<!-- flags:end -->"
CLIENT_NAME = "Benchmark A&E system"
SEARCH_PATH = "/api/v1/status-flags/search/"
TOKEN_PATH = "/api/v1/oauth/token/"
TARGET_P95_MS = 20
LOAD_FILE = ROOT / "var" / "flags-load.json"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    import django

    django.setup()


def bench_clients(count: int) -> list[str]:
    """`count` agency systems of the hospital (A&E: its lookups notify the lead practitioner),
    issued afresh through the service an administrator uses, and a bearer token for each from
    the token endpoint. The previous run's clients are revoked (their secrets are not kept)."""
    from django.test import Client

    from safeguarding.access.models import Agency, AgencyKind
    from safeguarding.api.models import ApiClient
    from safeguarding.api.services import api_client_create, api_client_revoke

    hospital = Agency.objects.filter(kind=AgencyKind.HOSPITAL).order_by("pk").first()
    if hospital is None:
        raise SystemExit("The benchmark database has no hospital: seed it with benchmarks.run first")
    for old in ApiClient.objects.filter(name__startswith=CLIENT_NAME, revoked_at__isnull=True):
        api_client_revoke(client=old, by=None, reason="benchmark run ended")
    http = Client()
    tokens = []
    for i in range(count):
        client, secret = api_client_create(
            name=f"{CLIENT_NAME} {i + 1}", agency=hospital, scopes=["flags:read"], by=None
        )
        form = {"grant_type": "client_credentials", "client_id": client.application.client_id, "client_secret": secret}
        response = http.post(TOKEN_PATH, urlencode(form), content_type="application/x-www-form-urlencoded")
        if response.status_code != 200:
            raise SystemExit(f"token refused ({response.status_code}): {response.content[:300]!r}")
        tokens.append(response.json()["access_token"])
    return tokens


def nhs_numbers(count: int, seed: int = 7) -> tuple[list[str], int]:
    """NHS numbers to look up, half of children with a current status (StatusPeriod open
    today), half of any child; and how many of the first kind."""
    from django.db.models import Q
    from django.utils import timezone

    from safeguarding.people.models import Child, StatusPeriod

    today = timezone.localdate()
    with_status = list(
        StatusPeriod.objects.filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .filter(child__nhs_number__isnull=False, child__merged_into__isnull=True)
        .exclude(child__nhs_number="")
        .values_list("child__nhs_number", flat=True)
        .distinct()
        .order_by("child__nhs_number")[: count * 4]
    )
    anyone = list(
        Child.objects.filter(nhs_number__isnull=False, merged_into__isnull=True)
        .exclude(nhs_number="")
        .order_by("?")
        .values_list("nhs_number", flat=True)[:count]
    )
    rng = random.Random(seed)
    picked = rng.sample(with_status, min(len(with_status), count // 2))
    numbers = picked + anyone[: count - len(picked)]
    rng.shuffle(numbers)
    return numbers, len(picked)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def server_time(requests: int, clients: int) -> dict[str, Any]:
    """In process, one database (DATABASE_URL)."""
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from safeguarding.people.models import Child

    tokens = bench_clients(clients)
    numbers, with_status = nhs_numbers(requests + 20)
    http = Client()

    def look_up(i: int, number: str) -> int:
        response = http.post(
            SEARCH_PATH,
            data=json.dumps({"nhs_number": number, "purpose": "Seen in A&E"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[i % len(tokens)]}",
        )
        return response.status_code

    for i, number in enumerate(numbers[:20]):  # warm-up
        look_up(i, number)
    times, statuses = [], []
    for i, number in enumerate(numbers[20:]):
        started = time.perf_counter()
        statuses.append(look_up(i, number))
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        look_up(0, numbers[0])
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    return {
        "database": f"{connection.vendor} {version}",
        "children": Child.objects.count(),
        "requests": len(times),
        "with_status": with_status,
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "queries": len(ctx.captured_queries),
        "errors": sum(1 for s in statuses if s != 200),
        "status_codes": sorted({str(s) for s in statuses}),
    }


def prepare_load(users: int) -> dict[str, Any]:
    """Tokens and NHS numbers for the load run, written for the locustfile."""
    _setup_django()
    tokens = bench_clients(users)
    numbers, with_status = nhs_numbers(5000, seed=11)
    LOAD_FILE.parent.mkdir(exist_ok=True)
    LOAD_FILE.write_text(json.dumps({"tokens": tokens, "nhs_numbers": numbers}))
    return {"users": users, "identifiers": len(numbers), "with_status": with_status}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # loopback only
                return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error: the server answers
                return
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not start")


def load(database_url: str, users: int, seconds: int, workers: int) -> dict[str, Any]:
    """gunicorn on 127.0.0.1 and locust against it; the figures locust writes."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench-only",
        "DJANGO_SECURE_COOKIES": "0",
        # 127.0.0.1 for gunicorn; testserver for the tokens, which are asked for in process.
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_DEBUG": "0",
    }
    setup = subprocess.run(
        [sys.executable, "-m", "benchmarks.flags", "--one", "prepare", "--users", str(users)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    prepared = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    prefix = ROOT / "var" / "flags-locust"
    try:
        _wait_for(f"{host}/api/v1/schema/")
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{seconds}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "FLAGS_LOAD_FILE": str(LOAD_FILE)},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    with Path(f"{prefix}_stats.csv").open() as stats:
        total = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")
    failure_rows: list[dict[str, str]] = []
    if Path(f"{prefix}_failures.csv").exists():
        with Path(f"{prefix}_failures.csv").open() as failures:
            failure_rows = list(csv.DictReader(failures))
    return {
        **prepared,
        "seconds": seconds,
        "workers": workers,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "failure_kinds": [f"{r['Error']} ({r['Occurrences']})" for r in failure_rows][:5],
        "rps": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "max_ms": float(total["Max Response Time"]),
        "locust_exit": run.returncode,
    }


def lines(server: dict[str, dict[str, Any]], loaded: dict[str, Any] | None, machine: str) -> list[str]:
    out = [
        MARK_START,
        "## Status flags: one lookup, and 50 agency systems at once",
        "",
        f"Measured by `python -m benchmarks.flags` (part of `make bench`) on {time.strftime('%Y-%m-%d')}; {machine}.",
        "An A&E system's lookups by NHS number through the agency API (`POST /api/v1/status-flags/search/`),",
        "about half of children with a current status: token, scope, throttle, the flag, the lookup's row, the",
        "audit event and the lead practitioner's notification. Server time is Django's handling in process.",
        "",
        "| database | children | lookups | with a status | p50 ms | p95 ms | target p95 | SQL queries | errors | met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for db, r in server.items():
        if "unavailable" in r:
            out.append(f"| {db} | | | | | | {TARGET_P95_MS} ms | | | not measured: {r['unavailable']} |")
            continue
        met = "yes" if r["p95_ms"] < TARGET_P95_MS and r["errors"] == 0 else "**no**"
        out.append(
            f"| {r['database']} | {r['children']:,} | {r['requests']} | {r['with_status']} | {r['p50_ms']:.1f} "
            f"| {r['p95_ms']:.1f} | {TARGET_P95_MS} ms | {r['queries']} | {r['errors']} | {met} |"
        )
    out += ["", "Load: gunicorn on 127.0.0.1 (PostgreSQL), locust with 50 clients, each its own credentials:", ""]
    if loaded is None:
        out.append("- not measured")
    elif "unavailable" in loaded:
        out.append(f"- not measured: {loaded['unavailable']}")
    else:
        met = "yes" if loaded["failures"] == 0 and loaded["requests"] > 0 else "**no**"
        out += [
            "| clients | seconds | gunicorn workers | requests | per second | p50 ms | p95 ms | p99 ms | max ms "
            "| errors | met (no errors) |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {loaded['users']} | {loaded['seconds']} | {loaded['workers']} | {loaded['requests']:,} "
            f"| {loaded['rps']:.0f} | {loaded['p50_ms']:.0f} | {loaded['p95_ms']:.0f} | {loaded['p99_ms']:.0f} "
            f"| {loaded['max_ms']:.0f} | {loaded['failures']} | {met} |",
        ]
        if loaded["failure_kinds"]:
            out.append("")
            out.append("Errors: " + "; ".join(loaded["failure_kinds"]))
    out += [
        "",
        "Under load the response times are the client's (locust on the same 2 cores as the server and",
        "PostgreSQL): every lookup writes its row and audit event, and the audit chain takes them one at a time.",
        MARK_END,
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--one", choices=["server", "prepare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one == "server":
        print(json.dumps(server_time(args.requests, args.users), default=str))
        return
    if args.one == "prepare":
        print(json.dumps(prepare_load(args.users)))
        return

    from benchmarks.linkage import write_section
    from benchmarks.run import DATABASES, machine

    server: dict[str, dict[str, Any]] = {}
    for db in args.db.split(","):
        env = {**os.environ, "DATABASE_URL": DATABASES[db], "DJANGO_SECRET_KEY": "bench-only"}
        print(f"flags bench: server time on {db}", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.flags", "--one", "server", "--requests", str(args.requests)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            server[db] = {"unavailable": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
        else:
            server[db] = json.loads(done.stdout.strip().splitlines()[-1])
    loaded: dict[str, Any] | None = None
    if "postgres" in args.db.split(","):
        print(f"flags bench: {args.users} clients for {args.seconds} s", file=sys.stderr, flush=True)
        try:
            loaded = load(DATABASES["postgres"], args.users, args.seconds, args.workers)
        except (subprocess.CalledProcessError, OSError, StopIteration, SystemExit) as error:
            detail = getattr(error, "stderr", "") or str(error)
            loaded = {"unavailable": (str(detail).strip().splitlines() or ["failed"])[-1][:200]}
    section = lines(server, loaded, machine())
    path = write_section(section, MARK_START, MARK_END)
    print("\n".join(section))
    print(f"written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
