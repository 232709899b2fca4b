"""Benchmark: tier counts on any date at 20,000 enterprises with designations.

Makes deterministic data through the domain (awards, re-reviews, revocations,
lapses), saves it in batches, projects it, then times `tier_counts` on many
dates against a baseline measured in the same run: the same counts from a plain
current-state table (one row per enterprise holding only today's tier).

    .venv/bin/python bench/tiers.py [--enterprises 20000] [--database-url URL]

Figures are printed last, one `name: value` per line.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.enterprise import Enterprise  # noqa: E402
from domain.uscc import check_character  # noqa: E402
from gxtrack.bootstrap import Runtime  # noqa: E402
from gxtrack.readmodels.enterprises.queries import list_enterprises, tier_counts  # noqa: E402
from gxtrack.settings import Settings  # noqa: E402

SEED = 7
TODAY = date(2026, 6, 30)
LADDER = ("innovative_sme", "srdi", "little_giant", "single_champion")
BESIDE = ("high_tech", "tech_center", "green_factory", "smart_workshop")
BATCH = 500


# Designations are published in batches: the province certifies and reviews on
# a few dates a year, so awards, renewals and lapses share their dates.
BATCH_DAYS = [
    date(year, month, day)
    for year in range(2015, 2027)
    for month, day in ((3, 20), (6, 15), (9, 25), (12, 20))
    if date(year, month, day) <= TODAY
]


def batch_on_or_after(day: date) -> date | None:
    """The first batch date on or after `day`."""
    return next((d for d in BATCH_DAYS if d >= day), None)


def make_enterprise(rng: random.Random, n: int) -> Enterprise:
    """One enterprise climbing the ladder, with the odd review, lapse and revocation."""
    body = f"91320506MA{n:07d}"
    ent = Enterprise.register(
        uscc=body + check_character(body), name=f"bench-{n}", actor="bench"
    )
    day = batch_on_or_after(TODAY - timedelta(days=rng.randint(200, 3300)))
    for level in LADDER[: rng.choice((1, 1, 1, 2, 2, 3, 4))]:
        if day is None:
            break
        award = ent.award(level, day, "bench", batch=str(day.year), today=TODAY)
        expiry = ent.designations[award]["expires_on"]
        roll = rng.random()
        review_day = batch_on_or_after(expiry - timedelta(days=100))
        in_time = review_day is not None and day < review_day <= expiry
        if roll < 0.35 and in_time:
            ent.review(award, review_day, True, "bench", today=TODAY)
        elif roll < 0.45 and in_time:
            ent.review(award, review_day, False, "bench", reason="不达标", today=TODAY)
        elif roll < 0.5 and day + timedelta(days=100) < TODAY:
            revoked = day + timedelta(days=rng.randint(30, 900))
            ent.revoke(award, min(revoked, TODAY, expiry), "撤销", "bench", today=TODAY)
        day = batch_on_or_after(day + timedelta(days=rng.randint(300, 700)))
    if rng.random() < 0.3:
        extra = rng.choice(BESIDE)
        ent.award(extra, rng.choice(BATCH_DAYS), "bench", today=TODAY)
    return ent


def load(runtime: Runtime, count: int) -> tuple[int, float]:
    """Save `count` enterprises in batches; returns events written and seconds."""
    rng = random.Random(SEED)
    started = time.perf_counter()
    batch: list[Enterprise] = []
    for n in range(count):
        batch.append(make_enterprise(rng, n))
        if len(batch) == BATCH:
            runtime.app.save(*batch)
            batch = []
    if batch:
        runtime.app.save(*batch)
    return runtime.app.position(), time.perf_counter() - started


def build_baseline(runtime: Runtime) -> None:
    """A plain table of current state: each enterprise's tier today, indexed."""
    day = TODAY.isoformat()
    with runtime.db.transaction() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_current_tier")
        cur.execute(
            "CREATE TABLE bench_current_tier (enterprise_id TEXT PRIMARY KEY,"
            " tier_rank INTEGER NOT NULL)"
        )
        cur.execute(
            "INSERT INTO bench_current_tier SELECT e.id, COALESCE((SELECT MAX(rank)"
            " FROM rm_designations d WHERE d.enterprise_id = e.id AND d.rank > 0"
            " AND d.certified_on <= ? AND d.valid_until >= ?), 0) FROM rm_enterprises e",
            (day, day),
        )
        cur.execute(
            "CREATE INDEX bench_current_tier_rank ON bench_current_tier (tier_rank)"
        )


def timed(fn, repeat: int) -> list[float]:
    """Milliseconds of each call."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument(
        "--database-url", default=None, help="postgresql://… (default SQLite)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "var", database_url=args.database_url)
        runtime = Runtime.open(settings)
        try:
            run(runtime, args)
        finally:
            runtime.close()


def run(runtime: Runtime, args: argparse.Namespace) -> None:
    if runtime.app.position():
        raise SystemExit("the store must be empty (use a fresh schema)")
    events, load_s = load(runtime, args.enterprises)
    started = time.perf_counter()
    runtime.projections.run()
    project_s = time.perf_counter() - started
    build_baseline(runtime)
    db = runtime.db
    rng = random.Random(SEED)
    dates = [TODAY - timedelta(days=rng.randint(0, 3650)) for _ in range(40)]
    tiers = [tier_counts(db, d)["by_tier"] for d in dates[:3]]  # warm up
    plain_sql = (
        "SELECT tier_rank, COUNT(*) AS n FROM bench_current_tier GROUP BY tier_rank"
    )
    # Alternate the two so both see the same noise on a shared machine.
    ours, today_ours, baseline = [], [], []
    for _ in range(args.repeat):
        for day in dates:
            ours += timed(lambda day=day: tier_counts(db, day), 1)
            baseline += timed(lambda: db.fetchall(plain_sql), 1)
        today_ours += timed(lambda: tier_counts(db, TODAY), 1)
    today_counts = tier_counts(db, TODAY)["by_tier"]
    plain = {r["tier_rank"]: int(r["n"]) for r in db.fetchall(plain_sql)}
    assert [today_counts[c] for c in LADDER] == [plain.get(i, 0) for i in range(1, 5)]
    page = timed(lambda: list_enterprises(db, "srdi", TODAY, page_size=50), 20)
    awards = db.scalar("SELECT COUNT(*) AS n FROM rm_designations")
    intervals = db.scalar("SELECT COUNT(*) AS n FROM rm_tier_history")
    change_rows = db.scalar("SELECT COUNT(*) AS n FROM rm_tier_changes")
    print(f"# sample tier counts on {dates[0]}: {tiers[0]}", file=sys.stderr)
    print(f"store: {db.kind}")
    print(f"enterprises: {args.enterprises}")
    print(f"designations: {awards}")
    print(f"events: {events}")
    print(f"tier_intervals: {intervals}")
    print(f"tier_change_rows: {change_rows}")
    print(f"load_events_per_s: {events / load_s:.0f}")
    print(f"projection_events_per_s: {events / project_s:.0f}")
    print(f"tier_counts_today_p50_ms: {statistics.median(today_ours):.2f}")
    print(f"tier_counts_any_date_p50_ms: {statistics.median(ours):.2f}")
    print(f"tier_counts_any_date_p95_ms: {p95(ours):.2f}")
    print(f"baseline_current_table_p50_ms: {statistics.median(baseline):.2f}")
    print(f"baseline_current_table_p95_ms: {p95(baseline):.2f}")
    print(f"ratio_p50: {statistics.median(ours) / statistics.median(baseline):.1f}")
    print(f"list_by_tier_page50_p50_ms: {statistics.median(page):.2f}")


if __name__ == "__main__":
    main()
