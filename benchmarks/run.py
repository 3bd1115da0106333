"""`make bench`: measure the foundation's pages on both databases and write
docs/benchmarks.md.

For each database it seeds a synthetic local authority of --children children (once: a
marker table remembers the size), adds one child holding --entries chronology entries from
8 agencies, then measures server time (the Django handler, in process, no network) of the
chronology page and of child search, and the number of SQL queries per page.

Then it adds open cases up to --open-cases (seed_bench_cases, once: reused by later runs) and
measures the front door queue and a manager's timeliness view (server time and queries over
--pathway-requests requests) and the time of pathway.selectors.all_open_clocks(today) over
every open case. A page or function not built yet is reported as not available.

    python -m benchmarks.run [--children 100000] [--entries 1000] [--open-cases 50000] [--db sqlite,postgres]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
DATABASES = {
    "sqlite": f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}",
    "postgres": os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/safeguarding_bench"),
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.machine()}"
    return f"{system}, {os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def run_one(db: str, children: int, entries: int, requests: int, open_cases: int = 0) -> dict[str, object]:
    url = DATABASES[db]
    if db == "postgres":
        ensure_postgres_database(url)
    (ROOT / "var").mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "bench-only", "DJANGO_SECURE_COOKIES": "0"}
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.measure",
        "--children",
        str(children),
        "--entries",
        str(entries),
        "--requests",
        str(requests),
        "--open-cases",
        str(open_cases),
    ]
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    sys.stderr.write(out.stderr)
    if out.returncode != 0:
        raise SystemExit(f"benchmarks.measure failed on {db} (exit {out.returncode}): its output is above")
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_report(results: dict[str, dict[str, object]], args: argparse.Namespace) -> Path:
    path = ROOT / "docs" / "benchmarks.md"
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}.",
        "",
        "Server time is the time Django takes to handle the request in process (no network, no",
        "browser). Each page is requested after a warm-up; p50 and p95 over the requests shown.",
        "",
        f"## Foundation: {args.children:,} children; one child with {args.entries:,} chronology entries "
        "from 8 agencies",
        "",
        "| database | page | requests | p50 ms | p95 ms | target p95 | SQL queries per page | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for db, r in results.items():
        for page in r["pages"]:  # type: ignore[attr-defined]
            met = "yes" if page["p95_ms"] <= page["target_ms"] else "**no**"
            lines.append(
                f"| {db} ({r['database_version']}) | {page['name']} | {page['requests']} | {page['p50_ms']:.1f} "
                f"| {page['p95_ms']:.1f} | {page['target_ms']} | {page['queries']} | {met} |"
            )
    lines += pathway_lines(results, args)
    lines += [
        "",
        "The number of SQL queries per page does not grow with the number of entries or results:",
        "`concerns/tests/test_chronology.py`, `people/tests/test_views.py`,",
        "`people/tests/test_search.py`, `frontdoor/tests/test_list_views.py` (the queue) and",
        "`pathway/tests/test_views.py` (timeliness) assert it.",
        "",
        "## Set-up",
        "",
    ]
    for db, r in results.items():
        lines.append(f"- {db}: {r['setup']}")
        pathway = r.get("pathway")
        if isinstance(pathway, dict) and pathway.get("setup"):
            lines.append(f"- {db}, open cases: {pathway['setup']}")
    lines.append("")
    # The linkage and status flag sections are written by benchmarks.linkage and
    # benchmarks.flags; keep the last of each.
    from benchmarks import flags, linkage

    old = path.read_text() if path.exists() else ""
    for start, end in ((linkage.MARK_START, linkage.MARK_END), (flags.MARK_START, flags.MARK_END)):
        if start in old and end in old:
            lines += [start + old.split(start, 1)[1].split(end, 1)[0] + end, ""]
    path.write_text("\n".join(lines))
    return path


def pathway_lines(results: dict[str, dict[str, object]], args: argparse.Namespace) -> list[str]:
    rows = [
        (db, r, cast(dict[str, Any], r["pathway"])) for db, r in results.items() if isinstance(r.get("pathway"), dict)
    ]
    if not rows:
        return []
    lines = [
        "",
        f"## Pathway: {args.open_cases:,} open cases",
        "",
        "Open CIN episodes (assessments, section 47 enquiries, child in need and protection plans) and",
        "open early help episodes, by `manage.py seed_bench_cases` with the demo's generator",
        "(safeguarding/synthetic/bench.py), plus the front door's undecided and decided contacts.",
        "",
    ]
    for db, _, p in rows:
        lines.append(
            f"- {db}: {p['open_cases']:,} open cases; {p['undecided_contacts']:,} contacts waiting for a decision; "
            f"{p['decided_contacts']:,} decided"
        )
    lines += [
        "",
        "| database | measured | requests | p50 ms | p95 ms | target | SQL queries | met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for db, r, p in rows:
        version = r["database_version"]
        for page in p["pages"]:
            if "unavailable" in page:
                lines.append(
                    f"| {db} ({version}) | {page['name']} | | | | p95 200 ms | | not available: {page['unavailable']} |"
                )
                continue
            met = "yes" if page["p95_ms"] <= page["target_ms"] else "**no**"
            lines.append(
                f"| {db} ({version}) | {page['name']} | {page['requests']} | {page['p50_ms']:.1f} "
                f"| {page['p95_ms']:.1f} | p95 {page['target_ms']} ms | {page['queries']} | {met} |"
            )
        c = p["clocks"]
        if "unavailable" in c:
            lines.append(
                f"| {db} ({version}) | all_open_clocks(today) | | | | 2 s | | not available: {c['unavailable']} |"
            )
        else:
            met = "yes" if c["seconds"] <= 2 else "**no**"
            lines.append(
                f"| {db} ({version}) | all_open_clocks(today): {c['clocks']:,} clocks | median of {c['runs']} | "
                f"{c['seconds'] * 1000:.0f} | | 2 s | | {met} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--open-cases", type=int, default=50_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--skip-linkage", action="store_true", help="Do not run the identity linkage benchmark")
    parser.add_argument("--skip-flags", action="store_true", help="Do not run the status flag benchmark")
    args = parser.parse_args()
    results = {
        db: run_one(db, args.children, args.entries, args.requests, args.open_cases) for db in args.db.split(",")
    }
    path = write_report(results, args)
    if not args.skip_linkage:
        subprocess.run([sys.executable, "-m", "benchmarks.linkage"], cwd=ROOT, check=True)
    if not args.skip_flags:
        subprocess.run([sys.executable, "-m", "benchmarks.flags", "--db", args.db], cwd=ROOT, check=True)
    print(path.read_text())


if __name__ == "__main__":
    main()
