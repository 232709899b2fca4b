"""Completed investment by zone/industry and the as-of pool's nodes, at 100k projects.

The "district × 10" data set has no milestone or investment events, so this
bench seeds the milestones read model directly (rm_investment_facts, the
sums and daily changes kept from them, rm_node_facts, rm_nodes), as the
projector would have written them:
- every project that reached 落地 reports each month from its 开工 month to the
  data set's today, at most 24 months; one month in ten is corrected 20 days
  after it was first reported (two rows, the first superseded);
- every signed project has four pre-construction nodes (立项备案, 土地摘牌,
  能评, 环评) planned around its signing, the older ones done.

Timed in process (p50/p95 ms over `--runs`), one reader:
    pool            the pool list, page of 50 (the same-run baseline)
    pool_as_of      the pool as of a past date, page of 50 (rows only)
    pool_as_of_facts  the same page with each project's next node and
                    cumulative investment as known that day
    investment_zone / investment_industry   GET /pool/investment's read
    report_breakdown  the monthly report's by-zone and by-industry tables
                    (as reported on the 10th of the month after, and now)
Target (BENCH.md): p95 ≤ 300 ms each. Measured at 100k projects on SQLite
(1.3M investment rows, 0.7M node rows, load 2–5 on 2 shared cores), p50/p95:
pool 45/78, pool_as_of 19/48, pool_as_of_facts 30/55, investment_zone 7/15,
investment_industry 6/7, report_breakdown 28/55 ms.

    python -m bench.investment [--projects 100000] [--runs 40] [--pg [URL]]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bench.common import figures, percentile
from bench.data import TODAY, common_args, ensure, enterprises_for
from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES
from gxtrack.app.reports.investment_by import report_breakdowns
from gxtrack.bootstrap import Runtime
from gxtrack.infra.db import Database
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

NODES = ("filing", "land", "energy_review", "env_review")
SEED = 16
MONTHS_MAX = 24


def _instant(day: date, hour: int = 10) -> str:
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return moment.isoformat(timespec="microseconds")


def _months(first: date, last: date) -> list[date]:
    found, day = [], first.replace(day=1)
    while day <= last and len(found) < MONTHS_MAX:
        found.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return found


def seed(db: Database) -> tuple[int, int]:
    """Investment and node rows for the data set (once); their counts."""
    have = db.scalar("SELECT COUNT(*) AS n FROM rm_investment_facts")
    if have:
        nodes = db.scalar("SELECT COUNT(*) AS n FROM rm_node_facts")
        return int(have), int(nodes or 0)
    rng = random.Random(SEED)
    rows = db.fetchall("SELECT id, signed_on, landed_on FROM rm_projects ORDER BY id")
    facts, node_facts, nodes = [], [], []
    for row in rows:
        version = 10_000
        if row["landed_on"]:
            landed = date.fromisoformat(row["landed_on"])
            for month in _months(landed, TODAY):
                amount = rng.randint(10, 5000) * 10_000  # 万元 in 元
                reported = (month + timedelta(days=40)).replace(day=8)
                superseded = None
                if rng.random() < 0.1:  # corrected 20 days later
                    superseded = _instant(reported + timedelta(days=20))
                    facts.append(
                        (row["id"], version, f"{month:%Y-%m}", amount,
                         _instant(reported), superseded)
                    )  # fmt: skip
                    version += 1
                    amount = rng.randint(10, 5000) * 10_000
                facts.append(
                    (row["id"], version, f"{month:%Y-%m}", amount,
                     superseded or _instant(reported), None)
                )  # fmt: skip
                version += 1
        if row["signed_on"]:
            signed = date.fromisoformat(row["signed_on"])
            for k, code in enumerate(NODES):
                planned = signed + timedelta(days=30 * (k + 1) + rng.randint(0, 60))
                done = planned + timedelta(days=rng.randint(-10, 40))
                done_text = done.isoformat() if done < TODAY else None
                node_facts.append(
                    (row["id"], code, version, planned.isoformat(), None,
                     _instant(signed))
                )  # fmt: skip
                if done_text:  # marked done on the day: a second row
                    node_facts.append(
                        (row["id"], code, version + 1, planned.isoformat(),
                         done_text, _instant(done))
                    )  # fmt: skip
                version += 2
                nodes.append((row["id"], code, planned.isoformat(), done_text))
    with db.transaction() as cur:
        cur.executemany(
            "INSERT INTO rm_investment_facts (project_id, version, month, amount,"
            " recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?)",
            facts,
        )
        cur.executemany(
            "INSERT INTO rm_node_facts (project_id, code, version, planned_on,"
            " done_on, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
            node_facts,
        )
        # The earlier row of a node later done is superseded when it was done.
        cur.execute(
            "UPDATE rm_node_facts SET superseded_at = (SELECT n.recorded_at FROM"
            " rm_node_facts n WHERE n.project_id = rm_node_facts.project_id AND"
            " n.code = rm_node_facts.code AND n.version = rm_node_facts.version + 1)"
            " WHERE done_on IS NULL"
        )
        # The kept sums per (month, zone, industry), as the projector keeps them.
        cur.execute(
            "INSERT INTO rm_investment_groups (month, zone, industry, amount)"
            " SELECT f.month, p.zone, p.industry, SUM(f.amount)"
            " FROM rm_investment_facts f JOIN rm_investment_places p"
            " ON p.project_id = f.project_id WHERE f.superseded_at IS NULL"
            " GROUP BY f.month, p.zone, p.industry"
        )
        # What each UTC day changed in those sums: a row in on its day, out
        # on the day it was superseded.
        cur.execute(
            "INSERT INTO rm_investment_changes (day, month, zone, industry, amount)"
            " SELECT day, month, zone, industry, SUM(amount) FROM ("
            " SELECT substr(f.recorded_at, 1, 10) AS day, f.month, p.zone,"
            " p.industry, f.amount FROM rm_investment_facts f"
            " JOIN rm_investment_places p ON p.project_id = f.project_id"
            " UNION ALL SELECT substr(f.superseded_at, 1, 10), f.month, p.zone,"
            " p.industry, -f.amount FROM rm_investment_facts f"
            " JOIN rm_investment_places p ON p.project_id = f.project_id"
            " WHERE f.superseded_at IS NOT NULL) AS c"
            " GROUP BY day, month, zone, industry"
        )
        cur.executemany(
            "INSERT INTO rm_nodes (project_id, code, planned_on, done_on)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (project_id, code) DO NOTHING",
            nodes,
        )
    return len(facts), len(node_facts)


def timed(runs: int, call: Callable[[random.Random], object]) -> list[float]:
    """Milliseconds per call after two warm-up calls."""
    rng = random.Random(7)
    for _ in range(2):
        call(rng)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call(rng)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    """Seed the milestones read model, then time the reads."""
    parser = argparse.ArgumentParser(description=__doc__)
    common_args(parser)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    settings, head = ensure(args.pg, args.projects, enterprises_for(args))
    runtime = Runtime.open(settings)
    try:
        db = runtime.db
        if runtime.projections.lowest() == 0:
            print("building read models (first run)…", file=sys.stderr)
            runtime.projections.rebuild()
        runtime.projections.run()
        started = time.monotonic()
        facts, node_facts = seed(db)
        print(f"seeded in {time.monotonic() - started:.1f}s", file=sys.stderr)
        with db.transaction() as cur:
            cur.execute("ANALYZE")
        app = runtime.app
        zones = list(DEFAULT_ZONES)
        names = {"zone": dict(DEFAULT_ZONES), "industry": dict(DEFAULT_INDUSTRIES)}

        def day(rng: random.Random) -> date:
            return TODAY - timedelta(days=rng.randint(30, 400))

        def pool(rng: random.Random) -> object:
            f = PoolFilter(zone=rng.choice(zones))
            return list_projects(db, f, "-updated", rng.randint(1, 5), 50)

        def pool_as_of(rng: random.Random) -> object:
            f = PoolFilter(zone=rng.choice(zones), as_of=day(rng))
            return list_projects(db, f, "-updated", rng.randint(1, 5), 50)

        def pool_as_of_facts(rng: random.Random) -> object:
            f = PoolFilter(zone=rng.choice(zones), as_of=day(rng))
            page = list_projects(db, f, "-updated", rng.randint(1, 5), 50)
            return app.with_as_of_facts(page["items"], f.as_of)

        def by(kind: str) -> Callable[[random.Random], object]:
            return lambda rng: app.investment_breakdown(kind, TODAY.year, day(rng))

        def report(rng: random.Random) -> object:
            # As submitted: known on the 10th of the month after.
            first = day(rng).replace(day=1)
            known = (first + timedelta(days=40)).replace(day=10)
            moment = datetime(known.year, known.month, known.day, tzinfo=UTC)
            return report_breakdowns(db, f"{first:%Y-%m}", moment, names)

        runs = args.runs
        results = {
            "pool": timed(runs, pool),
            "pool_as_of": timed(runs, pool_as_of),
            "pool_as_of_facts": timed(runs, pool_as_of_facts),
            "investment_zone": timed(runs, by("zone")),
            "investment_industry": timed(runs, by("industry")),
            "report_breakdown": timed(max(runs // 4, 5), report),
        }
        total = db.scalar("SELECT COUNT(*) AS n FROM rm_projects")
    finally:
        runtime.close()
    out: dict[str, float | str] = {
        "store": "postgres" if settings.is_postgres else "sqlite",
        "projects": int(total or 0),
        "events": head,
        "investment_rows": facts,
        "node_rows": node_facts,
    }
    base = percentile(results["pool"], 95)
    for name, samples in results.items():
        p95 = percentile(samples, 95)
        out[f"{name}_p50_ms"] = percentile(samples, 50)
        out[f"{name}_p95_ms"] = p95
        out[f"{name}_p95_vs_pool"] = p95 / base if base else 0.0
    figures(out)


if __name__ == "__main__":
    main()
