"""Rebuild every read model from ~1M events vs reading + decoding them alone.

Baseline: the notification log read in pages and decoded into domain events,
nothing written. Target: the rebuild runs at >= 50% of that rate, with peak RSS
<= 300 MB (the process's high-water mark, read from the kernel).

    python -m bench.rebuild [--projects 100000] [--pg [URL]] [--batch N]
                            [--only NAME] [--each]

With --only, just the named read models are rebuilt (repeatable). With --each,
every read model is then rebuilt alone too, and its seconds printed: reading
the log, decoding the events it reads and its own writes and indexes. A read
model that decodes nothing costs the read alone; the rest is its own.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.common import figures, peak_rss_mb, rss_mb
from bench.data import common_args, ensure, enterprises_for
from gxtrack.bootstrap import Runtime


def decode_all(runtime: Runtime, page: int = 500, stop: int | None = None) -> int:
    """Read and decode every event (no writes); returns how many."""
    recorder, mapper = runtime.app.recorder, runtime.app.mapper
    start, count = 1, 0
    while True:
        batch = recorder.select_notifications(start=start, limit=page, stop=stop)
        if not batch:
            return count
        for notification in batch:
            mapper.to_domain_event(notification)
        count += len(batch)
        start = batch[-1].id + 1


def main() -> None:
    """Run the baseline, then the rebuild, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    common_args(parser)
    parser.add_argument("--batch", type=int, default=None, help="events per txn")
    parser.add_argument("--only", action="append", default=[], help="a read model")
    parser.add_argument(
        "--each", action="store_true", help="then rebuild each read model alone"
    )
    args = parser.parse_args()
    settings, head = ensure(args.pg, args.projects, enterprises_for(args))
    runtime = Runtime.open(settings)
    try:
        decode_all(runtime, stop=min(head, 50_000))  # warm the page cache
        started, cpu = time.monotonic(), time.process_time()
        decoded = decode_all(runtime)
        decode_s = time.monotonic() - started
        decode_cpu = time.process_time() - cpu
        rss_before = rss_mb()
        samples: list[float] = []

        def progress(done: int, total: int) -> None:
            samples.append(rss_mb())
            if len(samples) % 100 == 0:
                print(f"\rrebuild: {done}/{total}", end="", file=sys.stderr)

        started, cpu = time.monotonic(), time.process_time()
        rebuilt = runtime.projections.rebuild(
            args.only, progress=progress, batch_size=args.batch
        )
        rebuild_s = time.monotonic() - started
        rebuild_cpu = time.process_time() - cpu
        print("", file=sys.stderr)
        each = rebuild_each(runtime) if args.each else {}
    finally:
        runtime.close()
    decode_rate = decoded / decode_s
    rebuild_rate = rebuilt / rebuild_s
    figures(
        {
            "store": "postgres" if settings.is_postgres else "sqlite",
            "read_models": ",".join(args.only) or "all",
            "events": decoded,
            "decode_seconds": decode_s,
            "rebuild_seconds": rebuild_s,
            "decode_events_per_s": decode_rate,
            "rebuild_events_per_s": rebuild_rate,
            "rebuild_over_decode": rebuild_rate / decode_rate,
            # CPU seconds of this process: steadier than wall time on a
            # machine shared with other work.
            "decode_cpu_seconds": decode_cpu,
            "rebuild_cpu_seconds": rebuild_cpu,
            "rebuild_over_decode_cpu": decode_cpu / rebuild_cpu,
            "rss_before_rebuild_mb": rss_before,
            "rss_max_during_rebuild_mb": max(samples, default=rss_before),
            "peak_rss_mb": peak_rss_mb(),
            **{f"alone_{name}_seconds": s for name, s in each.items()},
        }
    )


def rebuild_each(runtime: Runtime) -> dict[str, float]:
    """Seconds to rebuild each read model alone, in the engine's order."""
    took = {}
    for name in runtime.projections.projections:
        print(f"rebuild {name} alone", file=sys.stderr)
        started = time.monotonic()
        runtime.projections.rebuild([name])
        took[name] = time.monotonic() - started
    return took


if __name__ == "__main__":
    main()
