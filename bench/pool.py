"""Pool queries at 100k projects vs the same queries on a plain current-state table.

Measured (p50/p95 over seeded random filters):
- list: filter stage + industry + zone, sort by last update, page of 50, total;
- summary: counts and investment by stage, industry and zone (whole pool);
- summary as of a past date (from the stage history);
- the list as of a past date, filtered as the list above, and a mix of the
  whole pool as of that date sorted by name, investment (page of 200), stage
  date, and searched by text: each beside the same call without the date.
Baseline: one plain table holding only current state — the columns a list item
shows, nothing else — with the same indexes, queried with the same SQL through
the same driver and returned as the driver's generic dict rows (what a CRUD app
without events would do). Targets: list p95 <= 20 ms and <= 1.5x the plain
table. For reference, the same list on a narrow 10-column copy is timed too.

    python -m bench.pool [--projects 100000] [--pg [URL]] [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from bench.common import figures, percentile
from bench.data import TODAY, common_args, ensure, enterprises_for
from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES
from gxtrack.bootstrap import Runtime
from gxtrack.infra.db import Database
from gxtrack.readmodels.pool.queries import (
    LIST_COLUMNS,
    PoolFilter,
    list_projects,
    summary,
)

STAGES = ("negotiating", "signed", "landed", "producing")
# The as-of mix: (sort, page size, text searched), one drawn per call.
MIX = (
    ("name", 50, None),
    ("-investment", 200, None),
    ("stage_date", 50, None),
    ("-updated", 50, "项目"),
)
READ_MODELS = ("rm_projects", "rm_stage_history")
NARROW = "id, name, investor, industry, zone, investment, stage, stage_date, officer"
PLAIN = (
    "DROP TABLE IF EXISTS bench_plain",
    "DROP TABLE IF EXISTS bench_narrow",
    f"CREATE TABLE bench_plain AS SELECT {LIST_COLUMNS}, p.stage, p.stage_date"
    " FROM rm_projects p",
    f"CREATE TABLE bench_narrow AS SELECT {NARROW}, updated_at FROM rm_projects",
    "CREATE INDEX bench_narrow_list"
    " ON bench_narrow (stage, industry, zone, updated_at, id)",
    "CREATE UNIQUE INDEX bench_plain_id ON bench_plain (id)",
    "CREATE INDEX bench_plain_list"
    " ON bench_plain (stage, industry, zone, updated_at, id)",
    "CREATE INDEX bench_plain_stage ON bench_plain (stage, investment)",
    "CREATE INDEX bench_plain_industry ON bench_plain (industry, investment)",
    "CREATE INDEX bench_plain_zone ON bench_plain (zone, investment)",
)


def plain_list(
    db: Database,
    stage: str,
    industry: str,
    zone: str,
    page: int,
    table: str = "bench_plain",
) -> None:
    """The list query on a plain table: total and one page."""
    where = f" FROM {table} WHERE stage = ? AND industry = ? AND zone = ?"
    params = [stage, industry, zone]
    db.scalar("SELECT COUNT(*) AS n" + where, params)
    db.fetchall(
        "SELECT *" + where + " ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?",
        [*params, 50, (page - 1) * 50],
    )


def plain_summary(db: Database) -> None:
    """The summary on the plain table."""
    for column in ("stage", "industry", "zone"):
        db.fetchall(
            f"SELECT {column} AS k, COUNT(*) AS n, SUM(investment) AS s"
            f" FROM bench_plain GROUP BY {column}"
        )
    db.fetchone("SELECT COUNT(*) AS n, SUM(investment) AS s FROM bench_plain")


def timed(runs: int, query: Callable[[random.Random], object]) -> list[float]:
    """Milliseconds per call, after a few warm-up calls."""
    rng = random.Random(7)
    for _ in range(5):
        query(rng)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        query(rng)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _pick(rng: random.Random) -> tuple[str, str, str, int]:
    return (
        rng.choice(STAGES),
        rng.choice(list(DEFAULT_INDUSTRIES)),
        rng.choice(list(DEFAULT_ZONES)),
        rng.randint(1, 2),
    )


def main() -> None:
    """Prepare the read models and the plain table, then time both."""
    parser = argparse.ArgumentParser(description=__doc__)
    common_args(parser)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    settings, head = ensure(args.pg, args.projects, enterprises_for(args))
    runtime = Runtime.open(settings)
    try:
        db = runtime.db
        if runtime.projections.lowest() == 0:
            print("building read models (first run)…", file=sys.stderr)
            runtime.projections.rebuild()
        runtime.projections.run()
        with db.transaction() as cur:
            for statement in PLAIN:
                cur.execute(statement)
        if db.kind == "postgres":
            # Both sides as autovacuum leaves them in steady state: vacuumed
            # (index-only counts) and analyzed. VACUUM runs outside a transaction.
            with db.pool.connection() as conn:
                conn.autocommit = True
                for table in ("bench_plain", "bench_narrow", *READ_MODELS):
                    conn.execute(f"VACUUM ANALYZE {table}")
                conn.autocommit = False
        else:
            with db.transaction() as cur:
                cur.execute("ANALYZE")
        past = TODAY - timedelta(days=365)

        def gx_list(rng: random.Random) -> None:
            stage, industry, zone, page = _pick(rng)
            f = PoolFilter(stage=stage, industry=industry, zone=zone)
            list_projects(db, f, sort="-updated", page=page, page_size=50)

        def as_of_list(rng: random.Random) -> None:
            stage, industry, zone, page = _pick(rng)
            f = PoolFilter(stage=stage, industry=industry, zone=zone, as_of=past)
            list_projects(db, f, sort="-updated", page=page, page_size=50)

        def mixed(as_of: object) -> Callable[[random.Random], None]:
            def call(rng: random.Random) -> None:
                sort, size, q = rng.choice(MIX)
                f = PoolFilter(q=q, as_of=as_of)  # type: ignore[arg-type]
                list_projects(db, f, sort=sort, page=rng.randint(1, 3), page_size=size)

            return call

        def base_list(rng: random.Random) -> None:
            plain_list(db, *_pick(rng))

        def narrow_list(rng: random.Random) -> None:
            plain_list(db, *_pick(rng), table="bench_narrow")

        runs = args.runs
        results = {
            "list": timed(runs, gx_list),
            "plain_list": timed(runs, base_list),
            "narrow_list": timed(runs, narrow_list),
            "summary": timed(max(runs // 4, 10), lambda _r: summary(db, PoolFilter())),
            "plain_summary": timed(max(runs // 4, 10), lambda _r: plain_summary(db)),
            "summary_as_of": timed(
                max(runs // 4, 10), lambda _r: summary(db, PoolFilter(as_of=past))
            ),
            "as_of_list": timed(runs, as_of_list),
            "mix": timed(max(runs // 4, 10), mixed(None)),
            "as_of_mix": timed(max(runs // 4, 10), mixed(past)),
        }
        total = db.scalar("SELECT COUNT(*) AS n FROM rm_projects")
        load = os.getloadavg()[0]
    finally:
        runtime.close()
    out: dict[str, float | str] = {
        "store": "postgres" if settings.is_postgres else "sqlite",
        "projects": int(total or 0),
        "events": head,
        "machine_load_1m": f"{load:.1f} on {os.cpu_count()} cores",
    }
    for name, samples in results.items():
        out[f"{name}_p50_ms"] = percentile(samples, 50)
        out[f"{name}_p95_ms"] = percentile(samples, 95)
    out["list_p95_over_plain"] = out["list_p95_ms"] / out["plain_list_p95_ms"]
    out["list_p95_over_narrow"] = out["list_p95_ms"] / out["narrow_list_p95_ms"]
    out["as_of_list_p95_over_list"] = out["as_of_list_p95_ms"] / out["list_p95_ms"]
    out["as_of_list_p95_over_plain"] = (
        out["as_of_list_p95_ms"] / out["plain_list_p95_ms"]
    )
    out["as_of_mix_p95_over_mix"] = out["as_of_mix_p95_ms"] / out["mix_p95_ms"]
    out["summary_p95_over_plain"] = out["summary_p95_ms"] / out["plain_summary_p95_ms"]
    figures(out)


if __name__ == "__main__":
    main()
