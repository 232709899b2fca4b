"""Forecast, what-if and backtest at 100k projects, against the pool list's p95.

- forecast: GET /forecast's use case (8 quarters, bootstrap intervals), cold
  (nothing kept from an earlier call) and warm (the kept result);
- what_if: a year of weeks under a draft policy, cold (stage intervals read)
  and warm (another draft on the kept intervals);
- after_event: what a view waits for once an event has moved the read models,
  with the stale allowance a deployment has by default
  (GXTRACK_STALE_FIGURES=600): the kept result, its successor computed in the
  background (the refit's own time is the cold figure);
- backtest: forecasts made on the data set's past quarter ends beside what
  happened, and how often the 80% intervals held the actual count.

The data set is loaded after the fact (every event recorded at build time), so
the forecasts learn from the stage dates as they stand ("dated"), not from
what was recorded on each past day (which is nothing).

    python -m bench.forecast [--projects 100000] [--pg [URL]] [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from bench.common import figures, percentile
from bench.data import TODAY, common_args, ensure, enterprises_for
from bench.pool import _pick
from domain.permissions import Actor
from domain.users import Role
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine.memo import forget, settled
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects

LEADER = Actor("bench", Role.LEADER)


def timed(runs: int, call: Callable[[], object]) -> list[float]:
    """Milliseconds per call."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    """Time the forecast and the what-if beside the pool list; run the backtest."""
    parser = argparse.ArgumentParser(description=__doc__)
    common_args(parser)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--origins", type=int, default=8)
    args = parser.parse_args()
    settings, head = ensure(args.pg, args.projects, enterprises_for(args))
    settings = dataclasses.replace(settings, stale_figures_seconds=600)
    runtime = Runtime.open(settings)
    try:
        if runtime.projections.lowest() == 0:
            print("building read models (first run)…", file=sys.stderr)
            runtime.projections.rebuild()
        runtime.projections.run()
        app, db, rng = runtime.app, runtime.db, random.Random(1)

        def pool_list() -> None:
            stage, industry, zone, page = _pick(rng)
            f = PoolFilter(stage=stage, industry=industry, zone=zone)
            list_projects(db, f, sort="-updated", page=page, page_size=50)

        def forecast_cold() -> None:
            forget(db)  # nothing kept: the entries are read and the curves fitted
            app.forecast(TODAY, 8, known="dated")

        drafts = iter(range(100, 10_000))

        def what_if(cold: bool) -> Callable[[], None]:
            def call() -> None:
                if cold:
                    forget(db)  # the stage intervals read afresh
                app.stall_what_if(
                    LEADER,
                    {"signed": next(drafts)},
                    TODAY - timedelta(days=364),
                    TODAY,
                )

            return call

        noted = list_projects(db, PoolFilter(), page_size=50)["items"]

        def after_event(call: Callable[[], object]) -> list[float]:
            # One progress note (an event every read model sees), then the view.
            call()  # kept once, as in a process that has served a view since start
            samples = []
            for i in range(args.runs * 4):
                settled(db, timeout=120)  # the previous refresh done, as in use
                project = noted[i % len(noted)]["id"]
                app.report_progress(LEADER, project, TODAY, "基准测试：推进情况")
                runtime.wait_for_read_models()
                started = time.perf_counter()
                call()
                samples.append((time.perf_counter() - started) * 1000)
            return samples

        results = {
            "pool_list": timed(max(args.runs * 20, 100), pool_list),
            "forecast_cold": timed(args.runs, forecast_cold),
            "forecast_warm": timed(
                args.runs * 20, lambda: app.forecast(TODAY, 8, known="dated")
            ),
            "what_if_cold": timed(args.runs, what_if(True)),
            "what_if_warm": timed(args.runs * 4, what_if(False)),
        }
        results["forecast_after_event"] = after_event(
            lambda: app.forecast(TODAY, 8, known="dated")
        )
        results["what_if_after_event"] = after_event(what_if(False))
        started = time.perf_counter()
        backtest = app.forecast_backtest(args.origins, 4, known="dated", today=TODAY)
        backtest_s = time.perf_counter() - started
        sample = app.forecast(TODAY, 8, known="dated")
    finally:
        runtime.close()
    out: dict[str, float | str] = {
        "store": "postgres" if settings.is_postgres else "sqlite",
        "events": head,
        "open_signed": sample["basis"]["open"]["signed"],
        "open_landed": sample["basis"]["open"]["landed"],
    }
    for name, samples in results.items():
        out[f"{name}_p50_ms"] = percentile(samples, 50)
        out[f"{name}_p95_ms"] = percentile(samples, 95)
    pool = out["pool_list_p95_ms"]
    for name in [n for n in results if n != "pool_list"]:
        out[f"{name}_p95_over_pool_list"] = out[f"{name}_p95_ms"] / pool
    out["backtest_s"] = backtest_s
    for target, cover in backtest["coverage"].items():
        out[f"backtest_{target}_cells"] = cover["scored"]
        out[f"backtest_{target}_coverage"] = float(cover["rate"] or 0.0)
    figures(out)


if __name__ == "__main__":
    main()
