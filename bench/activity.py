"""The activity log at 1M decisions: a filtered page (and its total) per filter.

The rows are written straight into the read model's own tables (its DDL and
indexes, made by the engine's set-up), seeded: 1M decisions over three years
by 80 people on 100k projects and 20k enterprises, types weighted as a bureau
makes them. Each sample is `activity_page()` — page of 50, newest first, with
the total — for a random filter of one shape. Baseline in the same run: the
newest page with no filter and no total (one index walk of 50 rows).
Target: every shape's p95 <= 20 ms (the pool's).

    python -m bench.activity [--events 1000000] [--runs 200] [--pg URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import figures, percentile
from domain.clock import BUREAU_TZ
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.activity.projector import days
from gxtrack.readmodels.activity.queries import ActivityFilter, activity_page
from gxtrack.settings import Settings

SEED = 20260630
START = datetime(2023, 7, 1, tzinfo=UTC)
DAYS = 3 * 365
ACTORS = [f"officer{n:02d}" for n in range(1, 71)] + [
    f"leader{n}" for n in range(1, 11)
]
TYPES = {  # type: (kind, weight)
    "ProgressReported": ("project", 40),
    "Registered": ("project", 12),
    "Signed": ("project", 8),
    "Landed": ("project", 6),
    "ProductionStarted": ("project", 4),
    "DetailsRevised": ("project", 8),
    "OfficerReassigned": ("project", 3),
    "PlannedDatesRevised": ("project", 5),
    "Withdrawn": ("project", 2),
    "StallAnswered": ("project", 4),
    "DesignationAwarded": ("enterprise", 5),
    "DesignationReviewed": ("enterprise", 2),
    "CandidacyListed": ("enterprise", 1),
}


def rows(count: int) -> list[tuple]:
    """`count` decisions in recording order, seeded."""
    rng = random.Random(SEED)
    names, weights = list(TYPES), [w for _k, w in TYPES.values()]
    projects = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(100_000)]
    enterprises = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(20_000)]
    step = DAYS * 86400 / count
    out = []
    for position in range(1, count + 1):
        kind_type = rng.choices(names, weights)[0]
        kind = TYPES[kind_type][0]
        stamp = START + timedelta(seconds=position * step)
        subject = rng.choice(projects if kind == "project" else enterprises)
        reason = "按计划推进" if rng.random() < 0.5 else None
        out.append(
            (
                position,
                stamp.isoformat(),
                stamp.astimezone(BUREAU_TZ).date().isoformat(),
                rng.choice(ACTORS),
                kind_type,
                kind,
                subject,
                reason,
            )
        )
    return out


def fill(runtime: Runtime, count: int) -> None:
    """The read model's tables holding `count` decisions (and their subjects)."""
    data = rows(count)
    with runtime.db.transaction(bulk=True) as cur:
        cur.execute("DELETE FROM rm_activity")
        cur.execute("DELETE FROM rm_activity_subjects")
        cur.execute("DELETE FROM rm_activity_days")
        cur.execute("DELETE FROM rm_activity_actor_days")
        for start in range(0, count, 50_000):
            cur.executemany(
                "INSERT INTO rm_activity (position, recorded_at, day, actor, type,"
                " kind, subject_id, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                data[start : start + 50_000],
            )
        for start in range(0, count, 50_000):
            cur.executemany(
                "INSERT INTO rm_activity_days (day, kind, type, first_position,"
                " last_position, n) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (day, kind, type) DO UPDATE"
                " SET last_position = excluded.last_position,"
                " n = rm_activity_days.n + excluded.n",
                days(data[start : start + 50_000]),
            )
        for start in range(0, count, 50_000):
            cur.executemany(
                "INSERT INTO rm_activity_actor_days (actor, day, kind, type,"
                " first_position, last_position, n) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (actor, day, kind, type) DO UPDATE"
                " SET last_position = excluded.last_position,"
                " n = rm_activity_actor_days.n + excluded.n",
                days(data[start : start + 50_000], by_actor=True),
            )
        subjects = {r[6]: r[5] for r in data}
        cur.executemany(
            "INSERT INTO rm_activity_subjects (id, kind, name) VALUES (?, ?, ?)",
            [(key, kind, f"【示例】{key[:8]}") for key, kind in subjects.items()],
        )
    db = runtime.db
    if db.kind == "postgres":
        # As autovacuum leaves them in steady state: vacuumed (index-only
        # counts) and analyzed. VACUUM runs outside a transaction.
        with db.pool.connection() as conn:
            conn.autocommit = True
            for table in (
                "rm_activity",
                "rm_activity_days",
                "rm_activity_actor_days",
                "rm_activity_subjects",
            ):
                conn.execute(f"VACUUM ANALYZE {table}")
            conn.autocommit = False
    else:
        with db.transaction() as cur:
            cur.execute("ANALYZE")


def _day(rng: random.Random) -> date:
    return (START + timedelta(days=rng.randint(0, DAYS - 1))).date()


SHAPES: dict[str, Callable[[random.Random], ActivityFilter]] = {
    "all": lambda r: ActivityFilter(),
    "actor": lambda r: ActivityFilter(actor=r.choice(ACTORS)),
    "type": lambda r: ActivityFilter(type=r.choice(list(TYPES))),
    "kind": lambda r: ActivityFilter(kind=r.choice(["project", "enterprise"])),
    "month": lambda r: (
        lambda d: ActivityFilter(since=d, until=d + timedelta(days=30))
    )(_day(r)),
    "actor_week": lambda r: (
        lambda d: ActivityFilter(
            actor=r.choice(ACTORS), since=d, until=d + timedelta(days=6)
        )
    )(_day(r)),
    "actor_type_year": lambda r: (
        lambda d: ActivityFilter(
            actor=r.choice(ACTORS),
            type=r.choice(list(TYPES)),
            since=d,
            until=d + timedelta(days=365),
        )
    )(_day(r)),
}


def timed(runs: int, call: Callable[[random.Random], object]) -> list[float]:
    """Milliseconds per call after a few warm-up calls."""
    rng = random.Random(7)
    for _ in range(5):
        call(rng)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call(rng)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    """Fill the activity tables, then time each filter shape and the baseline."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--pg", default=None, help="a postgresql:// URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), database_url=args.pg)
        runtime = Runtime.open(settings)
        try:
            print(f"writing {args.events:,} decisions…", file=sys.stderr)
            fill(runtime, args.events)
            db = runtime.db
            out: dict[str, float | str] = {
                "store": "postgres" if settings.is_postgres else "sqlite",
                "events": args.events,
            }
            baseline = timed(
                args.runs,
                lambda r: db.fetchall(
                    "SELECT * FROM rm_activity ORDER BY position DESC LIMIT 50"
                ),
            )
            worst = 0.0
            for name, shape in SHAPES.items():
                samples = timed(
                    args.runs,
                    lambda r, shape=shape: activity_page(
                        db, shape(r), r.randint(1, 3), 50
                    ),
                )
                out[f"{name}_p50_ms"] = percentile(samples, 50)
                out[f"{name}_p95_ms"] = percentile(samples, 95)
                worst = max(worst, out[f"{name}_p95_ms"])
            out["baseline_p95_ms"] = percentile(baseline, 95)
            out["worst_p95_ms"] = worst
            out["worst_p95_over_baseline"] = worst / out["baseline_p95_ms"]
        finally:
            runtime.close()
    figures(out)


if __name__ == "__main__":
    main()
