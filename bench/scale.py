"""Benchmark `scale`: the design size, 10M events, against 1M in the same run.

DESIGN.md designs for "100k projects and 10M events on one PostgreSQL". So the
10M set keeps the district × 10 projects and enterprises (100k and 20k) and
makes each project's log about ten times as deep: `bench.data --depth 15`,
about 100 events a project, mostly progress notes and revisions, as years of
reporting make. (A million projects would be a province, past the design; and
depth is what separates the two growths: the read models' rows grow with
projects, the log with events.) The 1M set (depth 1) is the same-run baseline.

Each size is measured in a process of its own, so each has its own peak RSS:

- rebuild of every read model: seconds, events/s against reading and decoding
  the first million events alone (bench.rebuild's baseline), RSS over the
  replay's first and second halves (flat means equal) and the peak;
- pool list (filter stage + industry + zone, page of 50, total) and the same
  list as of a past date, p50/p95, against the plain current-state table
  (bench.pool's); the as-of summary;
- the activity log: `activity_page()` per filter shape (page 1–3 of 50, with
  its total) against the newest 50 rows with no filter and no total;
- through the web app (a leader signed in): the first /audit view with no
  verification kept, later views, the activity page unfiltered and filtered;
- `audit verify`: the full walk, and the incremental one (the walk a view or
  `audit verify --since-last` makes after a verified head), over the last
  10,000 events.

Data sets missing are built first with `nice -n 5`. Figures last, per size
(`1m_…`, `10m_…`) and as growth (`growth_…`: the 10M figure over the 1M).

    python -m bench.scale [--projects 100000] [--depths 1,15] [--runs 100]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

from bench.common import figures, peak_rss_mb, percentile, rss_mb
from bench.data import TODAY, common_args, enterprises_for, settings_for
from bench.pool import PLAIN, _pick, plain_list, timed
from bench.rebuild import decode_all
from gxtrack.audit.record import FULL, record, verify_since_last
from gxtrack.audit.verify import VerifyResult, verify
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.activity.queries import ActivityFilter, activity_page
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects, summary
from gxtrack.settings import Settings

DECODE_SAMPLE = 300_000  # events decoded for the baseline rate, at each size
TAIL = 10_000  # events an incremental verification walks
PAST = TODAY - timedelta(days=365)


def label(head: int) -> str:
    """A size's name in the figures: 1m, 10m (events, rounded), or 20k."""
    if head >= 1_000_000:
        return f"{round(head / 1_000_000)}m"
    return f"{round(head / 1000)}k"


def rebuild_figures(runtime: Runtime, head: int) -> dict[str, Any]:
    """Rebuild every read model; its rate against the decode-only baseline."""
    sample = min(head, DECODE_SAMPLE)
    decode_all(runtime, stop=min(head, 50_000))  # warm the page cache
    started, cpu = time.monotonic(), time.process_time()
    decoded = decode_all(runtime, stop=sample)
    decode_rate = decoded / (time.monotonic() - started)
    decode_cpu_rate = decoded / (time.process_time() - cpu)
    samples: list[tuple[int, float]] = []

    rss_before = rss_mb()
    started, cpu = time.monotonic(), time.process_time()

    def progress(done: int, total: int) -> None:
        samples.append((done, rss_mb()))
        took = time.monotonic() - started
        print(
            f"rebuild: {done}/{total} in {took:.0f}s, RSS {samples[-1][1]:.0f} MB",
            file=sys.stderr,
            flush=True,
        )

    rebuilt = runtime.projections.rebuild(progress=progress)
    seconds = time.monotonic() - started
    cpu_rate = rebuilt / (time.process_time() - cpu)
    first = [rss for done, rss in samples if done <= head // 2] or [rss_before]
    second = [rss for done, rss in samples if done > head // 2] or [rss_before]
    return {
        "decode_events_per_s": decode_rate,
        "rebuild_seconds": seconds,
        "rebuild_events_per_s": rebuilt / seconds,
        "rebuild_over_decode": rebuilt / seconds / decode_rate,
        # Per CPU second of this process: steadier than wall time on a
        # machine shared with other work.
        "rebuild_over_decode_cpu": cpu_rate / decode_cpu_rate,
        "rss_before_rebuild_mb": rss_before,
        "rss_rebuild_first_half_max_mb": max(first),
        "rss_rebuild_second_half_max_mb": max(second),
        "peak_rss_mb": peak_rss_mb(),
    }


def pool_figures(runtime: Runtime, runs: int) -> dict[str, Any]:
    """The pool list, as of now and as of a past date, against the plain table."""
    db = runtime.db
    with db.transaction() as cur:
        for statement in PLAIN:
            cur.execute(statement)
        cur.execute("ANALYZE")

    def gx_list(rng: random.Random, as_of: Any = None) -> None:
        stage, industry, zone, page = _pick(rng)
        f = PoolFilter(stage=stage, industry=industry, zone=zone, as_of=as_of)
        list_projects(db, f, sort="-updated", page=page, page_size=50)

    samples = {
        "pool_list": timed(runs, gx_list),
        "pool_plain_list": timed(runs, lambda r: plain_list(db, *_pick(r))),
        "pool_as_of_list": timed(runs, lambda r: gx_list(r, PAST)),
        "pool_as_of_summary": timed(
            max(runs // 4, 10), lambda _r: summary(db, PoolFilter(as_of=PAST))
        ),
    }
    with db.transaction() as cur:
        cur.execute("DROP TABLE bench_plain")
        cur.execute("DROP TABLE bench_narrow")
    out = p95s(samples)
    plain = out["pool_plain_list_p95_ms"]
    out["pool_list_p95_over_plain"] = out["pool_list_p95_ms"] / plain
    out["pool_as_of_list_p95_over_plain"] = out["pool_as_of_list_p95_ms"] / plain
    return out


def activity_figures(runtime: Runtime, runs: int) -> dict[str, Any]:
    """activity_page() per filter shape over the rebuilt read model."""
    db = runtime.db
    days = db.fetchall("SELECT DISTINCT day, kind, type FROM rm_activity_days")
    actors = [r["actor"] for r in db.fetchall("SELECT DISTINCT actor FROM rm_activity")]
    types = sorted({r["type"] for r in days})
    dates = sorted({r["day"] for r in days})
    shapes = {
        "all": lambda r: ActivityFilter(),
        "type": lambda r: ActivityFilter(type=r.choice(types)),
        "kind": lambda r: ActivityFilter(kind=r.choice(["project", "enterprise"])),
        "actor": lambda r: ActivityFilter(actor=r.choice(actors)),
        "actor_type": lambda r: ActivityFilter(
            actor=r.choice(actors), type=r.choice(types)
        ),
        "day": lambda r: (lambda d: ActivityFilter(since=d, until=d))(
            TODAY.fromisoformat(r.choice(dates))
        ),
    }
    samples = {
        "activity_baseline": timed(
            runs,
            lambda r: db.fetchall(
                "SELECT * FROM rm_activity ORDER BY position DESC LIMIT 50"
            ),
        )
    }
    for name, shape in shapes.items():
        samples[f"activity_{name}"] = timed(
            runs,
            lambda r, shape=shape: activity_page(db, shape(r), r.randint(1, 3), 50),
        )
    out = p95s(samples)
    worst = max(out[f"activity_{name}_p95_ms"] for name in shapes)
    out["activity_worst_p95_ms"] = worst
    out["activity_worst_p95_over_baseline"] = worst / out["activity_baseline_p95_ms"]
    out["activity_actors"] = len(actors)
    return out


def page_figures(settings: Settings, runs: int) -> dict[str, Any]:
    """The /audit and activity pages through the web app, signed in as a leader."""
    import tempfile
    from pathlib import Path

    from bench.pages import PASSWORD, Browser, add_leader, start

    runtime = Runtime.open(settings)
    try:
        add_leader(runtime)
        with runtime.db.transaction() as cur:  # the first view finds none kept
            cur.execute("DELETE FROM audit_verifications")
    finally:
        runtime.close()
    pages = {
        "audit": "/audit",
        "activity_page": "/audit/activity",
        "activity_page_type": "/audit/activity?type=ProgressReported&page=2",
        "activity_page_actor": "/audit/activity?actor=bench",
    }
    log = Path(tempfile.mkstemp(prefix="gxtrack-scale-", suffix=".log")[1])
    process, port = start(settings, False, log)
    out: dict[str, Any] = {}
    samples: dict[str, list[float]] = {}
    try:
        browser = Browser(port)
        browser.login("bench_leader", PASSWORD)
        out["audit_first_view_ms"], _size = browser.timed("/audit")
        for path in pages.values():
            browser.timed(path)  # warm-up
        for _ in range(runs):
            for name, path in pages.items():
                samples.setdefault(name, []).append(browser.timed(path)[0])
    finally:
        process.terminate()
        process.wait(30)
        log.unlink(missing_ok=True)
    out.update(p95s(samples))
    return out


def verify_figures(runtime: Runtime, full: bool) -> dict[str, Any]:
    """`audit verify`: the whole log (if `full`), then the last TAIL events
    after a verified head (kept as a full walk that stopped there)."""
    app, db = runtime.app, runtime.db
    head = app.recorder.max_notification_id() or 0  # the leader's sign-up too
    out: dict[str, Any] = {}
    if full:
        started = time.monotonic()
        whole = verify(app, db)
        out["verify_full_seconds"] = time.monotonic() - started
        out["verify_full_events_per_s"] = head / out["verify_full_seconds"]
        assert whole.ok and whole.checked == head, whole.problem
    # The head a walk up to there would end on: the kept chain's link there.
    link = db.fetchone(
        "SELECT digest FROM audit_chain WHERE position = ?", (head - TAIL,)
    )
    record(
        db,
        FULL,
        VerifyResult(
            checked=head - TAIL, head_position=head - TAIL, head_digest=link["digest"]
        ),
        0.0,
    )
    started = time.monotonic()
    result, walk = verify_since_last(app, db)
    out["verify_incremental_ms"] = (time.monotonic() - started) * 1000
    assert result.ok and result.checked == TAIL and walk == "incremental", walk
    return out


def p95s(samples: dict[str, list[float]]) -> dict[str, float]:
    """Each series' p50 and p95 in ms."""
    out = {}
    for name, ms in samples.items():
        out[f"{name}_p50_ms"] = percentile(ms, 50)
        out[f"{name}_p95_ms"] = percentile(ms, 95)
    return out


def measure(projects: int, depth: int, runs: int, full: bool) -> dict[str, Any]:
    """Every figure of one size (run in a process of its own); each part's
    figures also go to stderr as they come, for a run cut short."""
    settings = settings_for(None, projects, depth)
    head = json.loads((settings.data_dir / "READY.json").read_text())["head"]
    out: dict[str, Any] = {"events": head, "depth": depth}

    def part(found: dict[str, Any]) -> None:
        found["load_1m"] = os.getloadavg()[0]
        print(json.dumps(found), file=sys.stderr, flush=True)
        out.update(found)

    runtime = Runtime.open(settings)
    try:
        part(rebuild_figures(runtime, head))
        part(pool_figures(runtime, runs))
        part(activity_figures(runtime, runs))
    finally:
        runtime.close()
    part(page_figures(settings, max(runs // 10, 5)))
    runtime = Runtime.open(settings)
    try:
        part(verify_figures(runtime, full))
    finally:
        runtime.close()
    return out


def run_size(args: argparse.Namespace, depth: int) -> dict[str, Any]:
    """Build the data set if missing (niced), then measure it in a child."""
    python, settings = sys.executable, settings_for(None, args.projects, depth)
    if not (settings.data_dir / "READY.json").exists():
        subprocess.run(
            ["nice", "-n", "5", python, "-m", "bench.data"]
            + ["--projects", str(args.projects), "--depth", str(depth)]
            + ["--enterprises", str(enterprises_for(args))],
            check=True,
            stdout=sys.stderr,  # the figures come last, alone
        )
    command = [python, "-m", "bench.scale", "--projects", str(args.projects)]
    command += ["--runs", str(args.runs), "--one", str(depth)]
    command += ["--skip-full-verify"] if args.skip_full_verify else []
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure each size, then print both and the growth from the first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--depths", default="1,15", help="log depths, baseline first")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--skip-full-verify", action="store_true", help="no whole-log walk"
    )
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pg:
        parser.error("scale 目前只测 SQLite (SQLite only for now)")
    if args.one is not None:
        print(
            json.dumps(
                measure(args.projects, args.one, args.runs, not args.skip_full_verify)
            )
        )
        return
    try:
        depths = [int(d) for d in args.depths.split(",")]
    except ValueError:
        parser.error("--depths 须为逗号分隔的正整数，如 1,15")
    if not depths or min(depths) < 1:
        parser.error("--depths 须为逗号分隔的正整数，如 1,15")
    results = [run_size(args, depth) for depth in depths]
    out: dict[str, float | str] = {"store": "sqlite", "projects": args.projects}
    base = results[0]
    for result in results:
        name = label(result["events"])
        for key, value in result.items():
            out[f"{name}_{key}"] = value
    for result in results[1:]:
        name = label(result["events"])
        for key, value in result.items():
            if key.endswith(("_ms", "_seconds", "_mb")) and base.get(key):
                out[f"growth_{name}_{key}"] = value / base[key]
    out["machine_load_1m"] = f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    figures(out)


if __name__ == "__main__":
    main()
