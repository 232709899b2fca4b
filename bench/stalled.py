"""Bench `stalled`: the weekly scan at 100k projects, ~10% newly stalled, 2% exempted.

One in twenty projects carries two milestone nodes planned around the scan day
(about half of them late, so the node rule flags them) and 1% are producing
with a late 达产 node: the scan's node rule reads rm_nodes and, for those, the
producing pool rows.

Builds a seeded pool on a fresh SQLite data directory (or, with --pg, in a fresh
PostgreSQL schema `bench_stalled`, dropped first), then times the whole scan (pool read, judging, loading
the changed projects, saving their StallFlagged events and the StallScan) against
the baseline of reading the pool table alone; then the next week's scan (its
`cleared` read from the first scan's record) and the read-side judgement: the
stalled list's first page, the dashboard's counts and the pool filtered to
stalled projects. Figures print last.

    python -m bench.stalled [--projects 100000] [--pg [URL]]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.data import common_args
from domain.clock import today
from domain.milestones import MilestoneTemplate
from domain.permissions import SYSTEM, Actor
from domain.project import InvestmentProject
from domain.users import Role
from gxtrack.app.stalled import STALLING_STAGES
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.pool.queries import (
    PoolFilter,
    exemptions,
    list_projects,
    scan_candidates,
    stalled_count,
)
from gxtrack.settings import Settings

AS_OF = date(2025, 6, 30)
# (stage, share, oldest stage date in days): about 10% end up at or past threshold.
MIX = (
    ("negotiating", 0.69, 100),
    ("signed", 0.2, 200),
    ("landed", 0.1, 404),
    ("producing", 0.01, 400),
)
NODE_SHARE = 0.05
TEMPLATE = MilestoneTemplate.with_defaults()


def add_nodes(project: InvestmentProject, rng: random.Random, day: date) -> None:
    """Two nodes planned around the scan day; half of them late and undone."""
    if project.stage.value == "producing":
        node = TEMPLATE.node("full_capacity")
        project.update_milestone(
            node, {"planned_on": AS_OF - timedelta(days=5)}, "", SYSTEM, AS_OF
        )
        return
    if rng.random() >= NODE_SHARE:
        return
    for code in ("energy_review", "env_review"):
        planned = AS_OF + timedelta(days=rng.randrange(-60, 60))
        project.update_milestone(
            TEMPLATE.node(code),
            {"planned_on": max(planned, day), "unit": "发改局"},
            "",
            SYSTEM,
            AS_OF,
        )


EXEMPT_SHARE = 0.02  # exempted (暂缓) until 60 days after the scan


def build(runtime: Runtime, count: int, seed: int = 7) -> None:
    """Register `count` projects with progress notes, batched, then project them."""
    rng = random.Random(seed)
    app, reference = runtime.app, runtime.app.reference()
    batch: list[InvestmentProject] = []
    for n in range(count):
        roll, stage, oldest = rng.random(), "negotiating", 100
        for stage, share, oldest in MIX:  # noqa: B007 - pick by cumulative share
            roll -= share
            if roll < 0:
                break
        day = AS_OF - timedelta(days=rng.randrange(oldest))
        opening = "signed" if stage != "negotiating" else "negotiating"
        project = InvestmentProject.register(
            name=f"【示例】项目{n:06d}",
            investor=f"某投资方{n % 997}",
            industry=rng.choice(list(reference.industries)),
            zone=rng.choice(list(reference.zones)),
            planned_investment=str(rng.randrange(100, 100000)),
            officer=f"officer{n % 50}",
            actor=SYSTEM,
            reference=reference,
            stage=opening,
            stage_date=day,
            today=AS_OF,
        )
        if stage in ("landed", "producing"):
            project.move("landed", day, SYSTEM, today=AS_OF)
        if stage == "producing":
            project.move("producing", day, SYSTEM, today=AS_OF)
        add_nodes(project, rng, day)
        for _ in range(rng.randrange(3)):
            project.report_progress(day, "【示例】对接推进中", SYSTEM, today=AS_OF)
        if stage != "producing" and rng.random() < EXEMPT_SHARE:
            until = AS_OF + timedelta(days=60)
            project.exempt_stall("【示例】等待土地指标", until, SYSTEM, today=AS_OF)
        batch.append(project)
        if len(batch) == 1000:
            app.save(*batch)
            batch.clear()
            print(f"\rbuilding: {n + 1}/{count}", end="", file=sys.stderr)
    app.save(*batch)
    print("\nprojecting…", file=sys.stderr)
    runtime.projections.run()
    if runtime.db.kind == "postgres":
        with runtime.db.transaction() as cur:
            cur.execute("ANALYZE")  # as autovacuum would, after a bulk load


def _fresh_schema(url: str) -> str:
    """An empty schema for this run: a scan of the same week is not repeated."""
    import psycopg

    with psycopg.connect(url.split("?")[0], autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS bench_stalled CASCADE")
        conn.execute("CREATE SCHEMA bench_stalled")
    return f"{url.split('?')[0]}?schema=bench_stalled"


def main() -> None:
    """Build, then time the pool read (baseline) and the scan."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "var")
        if args.pg:
            settings = Settings(
                data_dir=settings.data_dir, database_url=_fresh_schema(args.pg)
            )
        runtime = Runtime.open(settings)
        started = time.perf_counter()
        build(runtime, args.projects)
        built = time.perf_counter() - started
        events = runtime.app.position()
        started = time.perf_counter()
        rows = scan_candidates(runtime.db, STALLING_STAGES)
        baseline = time.perf_counter() - started
        leader = Actor("bench", Role.LEADER)
        started = time.perf_counter()
        scan, created = runtime.app.run_stall_scan(leader, AS_OF)
        scan_seconds = time.perf_counter() - started
        started = time.perf_counter()
        runtime.wait_for_read_models()
        projected = time.perf_counter() - started
        started = time.perf_counter()
        again, _ = runtime.app.run_stall_scan(leader, AS_OF)
        repeat = time.perf_counter() - started
        assert created and again == scan
        from gxtrack.readmodels.alerts.queries import list_stalled

        started = time.perf_counter()
        listed = list_stalled(runtime.db, AS_OF)["items"]
        list_seconds = time.perf_counter() - started
        started = time.perf_counter()
        page = list_stalled(runtime.db, AS_OF, page=1, page_size=50)
        page_seconds = time.perf_counter() - started
        started = time.perf_counter()
        counts = stalled_count(runtime.db, AS_OF)
        count_seconds = time.perf_counter() - started
        started = time.perf_counter()
        pool = list_projects(
            runtime.db, PoolFilter(stalled=True, as_of=AS_OF), "-stall_days"
        )
        pool_seconds = time.perf_counter() - started
        # Today (every project of this data set is stalled today): the
        # pages' default, on the pool's current rows rather than the history.
        started = time.perf_counter()
        today_page = list_stalled(runtime.db, None, page=1, page_size=50)
        today_page_seconds = time.perf_counter() - started
        started = time.perf_counter()
        stalled_count(runtime.db, today())
        today_count_seconds = time.perf_counter() - started
        next_week = AS_OF + timedelta(days=7)
        started = time.perf_counter()
        second, _ = runtime.app.run_stall_scan(leader, next_week)
        second_seconds = time.perf_counter() - started
        exempted = len(exemptions(runtime.db, AS_OF))
        runtime.close()
    print(f"store: {'postgres' if settings.is_postgres else 'sqlite'}")
    print(f"projects: {args.projects}")
    print(f"events: {events}")
    print(f"build_seconds: {built:.1f}")
    print(f"pool_rows_read: {len(rows)}")
    print(f"flagged: {len(scan['flagged'])}")
    nodes = sum(1 for f in scan["flagged"] if f["rule"] == "node_overdue")
    print(f"flagged_node_rule: {nodes}")
    for rule in ("stage_threshold", "overdue", "node_overdue"):
        for level in ("yellow", "red"):
            n = sum(
                1 for f in scan["flagged"] if f["rule"] == rule and f["level"] == level
            )
            print(f"flagged_{rule}_{level}: {n}")
    print(f"baseline_pool_read_seconds: {baseline:.3f}")
    print(f"scan_seconds: {scan_seconds:.3f}")
    print(f"scan_vs_pool_read: {scan_seconds / baseline:.1f}x")
    print(f"flag_projection_seconds: {projected:.3f}")
    print(f"repeat_scan_seconds: {repeat:.4f}")
    print(f"list_stalled_items: {len(listed)}")
    print(f"list_stalled_seconds: {list_seconds:.3f}")
    print(f"exempted: {exempted}")
    print(f"stalled_page_total: {page['total']} (counts {counts['total']})")
    print(f"stalled_page_seconds: {page_seconds:.3f}")
    print(f"stalled_counts_seconds: {count_seconds:.3f}")
    print(f"pool_stalled_filter_total: {pool['total']}")
    print(f"pool_stalled_filter_seconds: {pool_seconds:.3f}")
    print(f"today_stalled_page_total: {today_page['total']}")
    print(f"today_stalled_page_seconds: {today_page_seconds:.3f}")
    print(f"today_stalled_counts_seconds: {today_count_seconds:.3f}")
    print(f"second_week_scan_seconds: {second_seconds:.3f}")
    print(f"second_week_flagged: {len(second['flagged'])}")
    print(f"second_week_cleared: {len(second['cleared'])}")
    print(f"target_scan_seconds: 5 ({'met' if scan_seconds <= 5 else 'MISSED'})")


if __name__ == "__main__":
    main()
