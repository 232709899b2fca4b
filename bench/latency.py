"""Read-your-writes: how long from a command to seeing it in the pool.

Each round runs one progress-note command alone, then one followed by the wait
for the read models and the pool query that shows it, alternating so machine
noise falls on both alike. Added latency = (command + visible) − (command
alone). Embedded mode applies the events inline; with --follower a separate
projection follower thread applies them (LISTEN/NOTIFY on PostgreSQL) and the
command waits on the tracking position, as the production web tier does.
Target (../shared/BENCH.md `latency`): ≤ 50 ms added.

    python -m bench.latency [--rounds 300] [--pg [URL]] [--follower]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from dataclasses import replace
from datetime import timedelta

from bench.common import figures, percentile
from bench.data import OUT, PG_DEFAULT
from domain.clock import today
from domain.permissions import Actor
from domain.users import Role
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine.follower import ProjectionFollower
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from gxtrack.settings import Settings

ACTOR = Actor("bench", Role.LEADER)


def _settings(pg: str | None) -> Settings:
    if not pg:
        target = OUT / "latency-sqlite"
        shutil.rmtree(target, ignore_errors=True)
        return Settings(data_dir=target)
    import psycopg

    with psycopg.connect(pg.split("?")[0], autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS bench_latency CASCADE")
        conn.execute("CREATE SCHEMA bench_latency")
    return Settings(
        data_dir=OUT / "latency-pg", database_url=f"{pg}?schema=bench_latency"
    )


def main() -> None:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--pg", nargs="?", const=PG_DEFAULT, default=None)
    parser.add_argument("--follower", action="store_true")
    args = parser.parse_args()

    settings = _settings(args.pg)
    if args.follower:
        settings = replace(settings, inline_projections=False)
    runtime = Runtime.open(settings)
    app = runtime.app
    day = today() - timedelta(days=30)
    ids = [
        app.register_project(
            ACTOR,
            name=f"【示例】时延测试项目{n}",
            investor="示例投资方",
            industry="ngit",
            zone="wzedz",
            planned_investment="1000",
            stage_date=day,
        )["id"]
        for n in range(args.projects)
    ]
    runtime.projections.run()
    follower = None
    if args.follower:
        follower = ProjectionFollower(runtime.projections, poll_seconds=0.005)
        follower.start()

    alone: list[float] = []
    visible: list[float] = []
    for n in range(args.rounds):
        project_id = ids[n % len(ids)]
        start = time.perf_counter()
        app.report_progress(ACTOR, project_id, day, f"示例：单独命令 {n}")
        alone.append(time.perf_counter() - start)
        if follower is None:
            runtime.wait_for_read_models()  # keep the inline catch-up out of the next timing

        note = f"示例：可见 {n}"
        start = time.perf_counter()
        app.report_progress(ACTOR, project_id, day, note)
        runtime.wait_for_read_models()
        page = list_projects(runtime.db, PoolFilter(ids=[project_id]))
        visible.append(time.perf_counter() - start)
        assert page["items"][0]["last_progress"]["note"] == note

    if follower is not None:
        follower.stop()
    runtime.close()
    added = statistics.median(visible) - statistics.median(alone)
    figures(
        {
            "store": "postgresql" if args.pg else "sqlite",
            "mode": "follower" if args.follower else "inline",
            "rounds": args.rounds,
            "command_alone_p50_ms": statistics.median(alone) * 1000,
            "command_alone_p95_ms": percentile(alone, 95) * 1000,
            "command_visible_p50_ms": statistics.median(visible) * 1000,
            "command_visible_p95_ms": percentile(visible, 95) * 1000,
            "added_p50_ms": added * 1000,
            "added_p95_ms": (percentile(visible, 95) - percentile(alone, 95)) * 1000,
        }
    )


if __name__ == "__main__":
    main()
