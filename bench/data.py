"""The "district × 10" data set, built fast and cached under bench/out/.

100k projects (~9 events each: registration, stage moves, progress notes,
revisions, reassignments, plan changes) and 20k enterprises with designations,
~1M events in all. Aggregates are built in memory with a seeded generator and
saved many at a time (`app.save(*batch)`), so a build takes about a minute.

The store is reused by every bench: SQLite under bench/out/<name>/, PostgreSQL
in a schema named after the size. A READY marker records the head position.

    python -m bench.data [--projects N] [--enterprises N] [--pg] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from domain.enterprise import Enterprise
from domain.errors import RuleViolationError
from domain.project import InvestmentProject
from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES, ReferenceData
from domain.uscc import check_character
from gxtrack.bootstrap import Runtime
from gxtrack.settings import Settings

OUT = Path(__file__).resolve().parent / "out"
TODAY = date(2026, 6, 30)  # the data set's "today": the same every run
SEED = 20260630
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
INDUSTRIES = list(DEFAULT_INDUSTRIES)
ZONES = list(DEFAULT_ZONES)
NEXT = {"negotiating": "signed", "signed": "landed", "landed": "producing"}


def _progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.monotonic() - started, 1e-9)
    print(f"\r{label}: {done}/{total} ({rate:,.0f}/s)", end="", file=sys.stderr)


# Stage durations in days: Weibull (scale, shape), drawn afresh for each stage
# and independent of the project's earlier stages, with withdrawal a competing
# risk (exponential, mean WITHDRAW_MEAN days per stage). The chance of moving
# on depends on the time spent in the stage, as a duration model assumes, and a
# project keeps moving until it produces or withdraws. (Earlier, moves were a
# quarter of a project's first 5–12 commands, so a project went silent in its
# stage after about a year, and how long it had taken to land decided how much
# time it had left to produce: a dependence no stage-duration model can learn,
# which the forecast's intervals, narrow at 100k projects, then missed.)
DURATIONS = {"negotiating": (150, 1.3), "signed": (220, 1.6), "landed": (320, 1.8)}
WITHDRAW_MEAN = 2000


def _moves(rng: random.Random, stage: str, day: date) -> list[tuple[str, date]]:
    """The project's stage moves up to TODAY, drawn stage by stage."""
    moves = []
    while stage in NEXT:
        scale, shape = DURATIONS[stage]
        stay, leave = (
            rng.weibullvariate(scale, shape),
            rng.expovariate(1 / WITHDRAW_MEAN),
        )
        stage = "withdrawn" if leave < stay else NEXT[stage]
        day += timedelta(days=max(1, int(min(stay, leave))))
        if day > TODAY:
            break
        moves.append((stage, day))
    return moves


def _project(rng: random.Random, n: int, ref: ReferenceData) -> InvestmentProject:
    day = TODAY - timedelta(days=rng.randint(200, 1500))
    stage = "signed" if rng.random() < 0.2 else "negotiating"
    project = InvestmentProject.register(
        name=f"【示例】{ref.industries[INDUSTRIES[n % 6]]}项目{n:06d}",
        investor=f"示例投资方{rng.randint(1, 5000):04d}有限公司",
        industry=rng.choice(INDUSTRIES),
        zone=rng.choice(ZONES),
        planned_investment=f"{rng.randint(100, 500000)}.{rng.randint(0, 99):02d}",
        officer=f"officer{rng.randint(1, 60):02d}",
        actor="bench",
        reference=ref,
        stage=stage,
        stage_date=day,
        planned_dates={"producing": day + timedelta(days=rng.randint(300, 900))},
        today=TODAY,
    )
    # The other commands (notes, revisions, reassignments) on days of their own.
    others = [
        (None, min(TODAY, day + timedelta(days=rng.randint(1, 400))))
        for _ in range(rng.randint(4, 9))
    ]
    for to, on in sorted(_moves(rng, stage, day) + others, key=lambda m: m[1]):
        try:
            if to is None:
                _step(rng, project, on, ref)
            else:
                reason = "投资方撤回" if to == "withdrawn" else ""
                project.move(to, on, "bench", reason, today=TODAY)
        except RuleViolationError:
            continue  # e.g. the same officer drawn twice: skip this step
    return project


def _step(
    rng: random.Random, project: InvestmentProject, day: date, ref: ReferenceData
) -> None:
    """One random command other than a move on the project, dated `day`."""
    roll = rng.random()
    if roll < 0.1:
        amount = f"{rng.randint(100, 500000)}"
        if amount != str(project.planned_investment):
            project.revise({"planned_investment": amount}, "调整投资额", "bench", ref)
    elif roll < 0.14:
        project.reassign(f"officer{rng.randint(61, 90):02d}", "调整", "bench")
    else:
        note = f"【示例】推进情况 {rng.randint(1, 999)}"
        project.report_progress(day, note, "bench", today=TODAY)


def _uscc(n: int) -> str:
    first17 = f"91320506{n:09d}"
    return first17 + check_character(first17)


def _enterprise(rng: random.Random, n: int) -> Enterprise:
    company = Enterprise.register(
        uscc=_uscc(n),
        name=f"【示例】苏州示例企业{n:05d}有限公司",
        actor="bench",
        industry=rng.choice(INDUSTRIES),
        zone=rng.choice(ZONES),
    )
    day = TODAY - timedelta(days=rng.randint(30, 1400))
    for kind in ("innovative_sme", "srdi", "little_giant")[: rng.randint(0, 3)]:
        company.award(kind, day, "bench", batch="2024", today=TODAY)
        day = min(TODAY, day + timedelta(days=rng.randint(1, 200)))
    return company


def settings_for(pg: str | None, projects: int, depth: int = 1) -> Settings:
    """Where the data set of this size (and depth) lives."""
    deeper = f"x{depth}" if depth != 1 else ""
    name = f"district-{projects}{deeper}"
    if not pg:
        return Settings(data_dir=OUT / name)
    schema = f"bench_{projects}{deeper}"
    import psycopg

    with psycopg.connect(pg.split("?")[0], autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    return Settings(data_dir=OUT / f"{name}-pg", database_url=f"{pg}?schema={schema}")


def _marker(settings: Settings) -> Path:
    return settings.data_dir / "READY.json"


def build(settings: Settings, projects: int, enterprises: int, batch: int = 400) -> int:
    """Generate and save the data set; returns the head position."""
    rng = random.Random(SEED)
    runtime = Runtime.open(settings)
    try:
        ref = runtime.app.reference()
        started = time.monotonic()
        pending: list[Any] = []
        for n in range(projects):
            pending.append(_project(rng, n, ref))
            if len(pending) >= batch:
                runtime.app.save(*pending)
                pending.clear()
                _progress("projects", n + 1, projects, started)
        started = time.monotonic()
        for n in range(enterprises):
            pending.append(_enterprise(rng, n))
            if len(pending) >= batch:
                runtime.app.save(*pending)
                pending.clear()
                _progress("enterprises", n + 1, enterprises, started)
        if pending:
            runtime.app.save(*pending)
        print("", file=sys.stderr)
        head = runtime.app.position()
    finally:
        runtime.close()
    _marker(settings).write_text(json.dumps({"head": head, "projects": projects}))
    return head


# A deep set (depth > 1) is the usual set followed by rounds of progress notes:
# in each round every project still reporting adds one, so the extra events
# interleave across projects as weekly reporting does (each batch of a replay
# touches thousands of projects), until each project has about `depth` times
# its usual commands. The notes' stored states come from real events through
# the application's mapper, a pool of them reused; the rows are written with
# the driver, without a domain command per event (the slow part of a build).
POOL_STEP = 32  # pool states per round: a project's notes keep their order
NOTE_TOPIC = "domain.project:InvestmentProject.ProgressReported"


def _note_states(runtime: Runtime, rounds: int) -> list[bytes]:
    """Stored states of progress notes, in recording order, later rounds dated
    later (a throwaway project's events, never saved)."""
    rng = random.Random(SEED)
    ref = runtime.app.reference()
    project = _project(rng, 0, ref)
    project.collect_events()
    for n in range(rounds * POOL_STEP):
        back = (rounds - n // POOL_STEP) * 3 + rng.randint(0, 2)
        note = f"【示例】推进情况 {rng.randint(1, 999)}"
        project.report_progress(TODAY - timedelta(days=back), note, "bench", TODAY)
    to_stored = runtime.app.mapper.to_stored_event
    return [to_stored(event).state for event in project.collect_events()]


def build_deep(settings: Settings, projects: int, enterprises: int, depth: int) -> int:
    """The deep set on SQLite, from the usual one (built first if missing)."""
    import sqlite3

    base, _head = ensure(None, projects, enterprises)
    with (
        sqlite3.connect(base.data_dir / "events.db") as source,
        sqlite3.connect(settings.data_dir / "events.db") as target,
    ):
        source.backup(target)
    rng = random.Random(f"{SEED}:{depth}")
    runtime = Runtime.open(settings)
    try:
        with sqlite3.connect(settings.data_dir / "events.db") as conn:
            lasts = conn.execute(
                "SELECT originator_id, MAX(originator_version), MIN(rowid)"
                " FROM stored_events WHERE topic LIKE 'domain.project:%'"
                " GROUP BY originator_id ORDER BY 3"
            ).fetchall()
            extra = [rng.randint(4, 9) * (depth - 1) for _ in lasts]
            rounds = max(extra, default=0)
            states = _note_states(runtime, rounds)
            started = time.monotonic()
            for r in range(rounds):
                conn.executemany(
                    "INSERT INTO stored_events"
                    " (originator_id, originator_version, topic, state)"
                    " VALUES (?, ?, ?, ?)",
                    [
                        (oid, last + 1 + r, NOTE_TOPIC, states[r * POOL_STEP + pick])
                        for (oid, last, _first), count, pick in zip(
                            lasts,
                            extra,
                            [rng.randrange(POOL_STEP) for _ in lasts],
                            strict=True,
                        )
                        if count > r
                    ],
                )
                conn.commit()
                _progress("rounds", r + 1, rounds, started)
            print("", file=sys.stderr)
            head = conn.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
    finally:
        runtime.close()
    _marker(settings).write_text(
        json.dumps({"head": head, "projects": projects, "depth": depth})
    )
    return head


def _drop(settings: Settings) -> None:
    if settings.is_postgres:
        import psycopg

        schema = settings.postgres_params()["schema"]
        with psycopg.connect(settings.database_url.split("?")[0], autocommit=True) as c:
            c.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            c.execute(f"CREATE SCHEMA {schema}")
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)


def ensure(
    pg: str | None,
    projects: int,
    enterprises: int,
    fresh: bool = False,
    depth: int = 1,
) -> tuple[Settings, int]:
    """The cached data set (built now if missing); returns settings and head.

    A deep set (depth > 1) is made from the usual one, on SQLite only.
    """
    settings = settings_for(pg, projects, depth)
    marker = _marker(settings)
    if not fresh and marker.exists():
        head = json.loads(marker.read_text())["head"]
        return settings, head
    _drop(settings)
    started = time.monotonic()
    if depth > 1:
        head = build_deep(settings, projects, enterprises, depth)
    else:
        head = build(settings, projects, enterprises)
    took = time.monotonic() - started
    print(
        f"built {head} events in {took:.1f}s ({head / took:,.0f} events/s)",
        file=sys.stderr,
    )
    return settings, head


def common_args(parser: argparse.ArgumentParser) -> None:
    """--projects, --enterprises, --pg shared by every bench."""
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=None)
    parser.add_argument(
        "--pg",
        nargs="?",
        const=PG_DEFAULT,
        default=os.environ.get("GXTRACK_DATABASE_URL"),
        help="run on PostgreSQL (URL; default from GXTRACK_DATABASE_URL)",
    )


def enterprises_for(args: argparse.Namespace) -> int:
    """20k enterprises per 100k projects unless given."""
    return args.enterprises if args.enterprises is not None else args.projects // 5


def main() -> None:
    """Build (or reuse) the data set and print its size."""
    parser = argparse.ArgumentParser(description=__doc__)
    common_args(parser)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--depth", type=int, default=1, help="about N times the events a project"
    )
    args = parser.parse_args()
    if args.depth < 1:
        parser.error("--depth 须为正整数 (must be at least 1)")
    if args.depth > 1 and args.pg:
        parser.error("深数据集目前只建在 SQLite 上 (deep sets: SQLite only)")
    settings, head = ensure(
        args.pg, args.projects, enterprises_for(args), args.fresh, args.depth
    )
    print(f"events: {head}")


if __name__ == "__main__":
    main()
