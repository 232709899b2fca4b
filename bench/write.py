"""Commands through the application service vs the raw driver writing the same rows.

gxtrack: register projects and run progress notes, stage moves and revisions
one at a time through the services (get → command → save, one transaction
each). Baseline: the stored events those commands produced, inserted again by
the raw driver (sqlite3 / psycopg) into a table of the same shape, one
transaction per command. Target: <= 3x the raw driver's time.

    python -m bench.write [--commands 3000] [--pg [URL]]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import time
from datetime import timedelta
from typing import Any

from bench.common import figures
from bench.data import OUT, PG_DEFAULT
from domain.clock import today
from domain.permissions import Actor
from domain.users import Role
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings

ACTOR = Actor("bench", Role.LEADER)
NEXT = {"negotiating": "signed", "signed": "landed", "landed": "producing"}


def _settings(pg: str | None) -> Settings:
    if not pg:
        target = OUT / "write-sqlite"
        shutil.rmtree(target, ignore_errors=True)
        return Settings(data_dir=target)
    _reset_schema(pg, "bench_write")
    return Settings(data_dir=OUT / "write-pg", database_url=f"{pg}?schema=bench_write")


def _reset_schema(pg: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(pg.split("?")[0], autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")


def run_commands(runtime: Runtime, commands: int, seed: int = 5) -> float:
    """Seconds for `commands` service calls, one save each."""
    rng = random.Random(seed)
    app = runtime.app
    app.reference()  # created once, outside the timing
    start = today() - timedelta(days=commands + 10)
    ids: list[str] = []
    stages: dict[str, str] = {}
    started = time.perf_counter()
    for step in range(commands):
        day = start + timedelta(days=step)
        roll = rng.random()
        if not ids or roll < 0.2:
            project = app.register_project(
                ACTOR,
                name=f"【示例】写入项目{step}",
                investor="示例投资方",
                industry="green",
                zone="wzedz",
                planned_investment=str(rng.randint(100, 9999)),
                stage_date=day,
            )
            ids.append(project["id"])
            stages[project["id"]] = "negotiating"
            continue
        pid = rng.choice(ids)
        if roll < 0.4 and stages[pid] in NEXT:
            stages[pid] = app.move_project(ACTOR, pid, NEXT[stages[pid]], day)["stage"]
        elif roll < 0.5:
            amount = str(rng.randint(10000, 99999))
            app.revise_project(ACTOR, pid, {"planned_investment": amount}, "调整")
        else:
            app.report_progress(ACTOR, pid, day, f"【示例】推进情况{step}")
    return time.perf_counter() - started


def _stored_rows(runtime: Runtime) -> list[tuple[Any, ...]]:
    rows = runtime.app.recorder.select_notifications(start=1, limit=10**9)
    return [
        (str(n.originator_id), n.originator_version, n.topic, n.state) for n in rows
    ]


def raw_sqlite(rows: list[tuple[Any, ...]]) -> float:
    """Seconds to insert the rows with sqlite3, one transaction each."""
    path = OUT / "write-sqlite" / "raw.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # as the library's recorder does
    conn.execute(
        "CREATE TABLE raw_events (originator_id TEXT, originator_version INTEGER,"
        " topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    started = time.perf_counter()
    for row in rows:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO raw_events VALUES (?, ?, ?, ?)", row)
        conn.execute("COMMIT")
    took = time.perf_counter() - started
    conn.close()
    return took


def raw_postgres(pg: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds to insert the rows with psycopg, one transaction each."""
    import psycopg

    _reset_schema(pg, "bench_write_raw")
    with psycopg.connect(pg.split("?")[0], autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_write_raw.raw_events (originator_id uuid NOT NULL,"
            " originator_version bigint NOT NULL, topic text, state bytea,"
            " notification_id bigserial,"
            " PRIMARY KEY (originator_id, originator_version))"
        )
        conn.execute(
            "CREATE UNIQUE INDEX ON bench_write_raw.raw_events (notification_id)"
        )
        started = time.perf_counter()
        for row in rows:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO bench_write_raw.raw_events"
                    " (originator_id, originator_version, topic, state)"
                    " VALUES (%s, %s, %s, %s)",
                    row,
                )
        return time.perf_counter() - started


def main() -> None:
    """Time the service path, then the raw driver on the same rows."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=3000)
    parser.add_argument("--pg", nargs="?", const=PG_DEFAULT, default=None)
    args = parser.parse_args()
    runtime = Runtime.open(_settings(args.pg))
    try:
        service_s = run_commands(runtime, args.commands)
        rows = _stored_rows(runtime)[1:]  # without the reference data
    finally:
        runtime.close()
    raw_s = raw_postgres(args.pg, rows) if args.pg else raw_sqlite(rows)
    figures(
        {
            "store": "postgres" if args.pg else "sqlite",
            "commands": args.commands,
            "service_seconds": service_s,
            "raw_seconds": raw_s,
            "service_commands_per_s": args.commands / service_s,
            "raw_commands_per_s": len(rows) / raw_s,
            "service_over_raw": service_s / raw_s,
        }
    )


if __name__ == "__main__":
    main()
