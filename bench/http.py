"""Benchmark `http`: one workload against gxtrack and the plain app, same run.

The workload is what a bureau's users do through the JSON API, mixed per
client: filtered pool list (stage+industry+zone, newest first, page of 50),
text search, the project page, register a project, move one of the client's
own projects a stage forward (with its expected version). It is sent, under 20
and then 50 concurrent clients (keep-alive connections, client threads spread
over two processes), to

- gxtrack: `gxtrack serve` (waitress, 8 threads, its projection process) on SQLite,
  or gunicorn 4 workers × 4 threads plus `gxtrack projections run --follow` on
  PostgreSQL (the production layout, deploy/gunicorn.conf.py);
- the baseline: `bench/baseline.py`, a plain Flask app over one current-state
  table filled with the same projects, served the same way (waitress 8 threads
  on SQLite, gunicorn 4×4 on PostgreSQL).

Durability differs unless asked: gxtrack's event store commits with SQLite's
synchronous=FULL (a command is on disk before its answer, so the read models
can never be ahead of the log after a power cut); the baseline uses NORMAL, as
is usual in WAL mode. `--plain-sync FULL` gives the baseline the same.

Rounds interleave the two apps so the shared machine's noise hits both; each
figure is the median over the rounds, and the ratios are gxtrack / baseline.
Targets (BENCH.md): reads p95 ≤ 1.2×, reads throughput ≥ 0.8×, create and move
≤ 1.5× the baseline's time; no errors.

    python bench/http.py [--projects 20000] [--clients 20,50] [--seconds 10]
        [--rounds 3] [--pg [URL]] [--plain-sync NORMAL|FULL]

On SQLite each run works on a copy of the data set (bench/out/), so runs do not
drift; on PostgreSQL the data set's schema gains the run's registrations.
Prints `name: value` lines last.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, where its name
# would shadow the standard library's `http` package: put the project there.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [
    p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"
]

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from typing import Any  # noqa: E402

from bench.http_servers import OUT, prepare, start_servers  # noqa: E402
from bench.http_workload import MIX, READS, WRITES, drive  # noqa: E402

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--enterprises", type=int, default=None)
    parser.add_argument("--clients", default="20,50")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pg", nargs="?", const=PG_DEFAULT, default=None)
    parser.add_argument(
        "--plain-sync",
        choices=("NORMAL", "FULL"),
        default="NORMAL",
        type=str.upper,
        help="the baseline's SQLite synchronous setting (gxtrack's log: FULL)",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gxtrack-http-"))
    processes: list[subprocess.Popen] = []
    try:
        data = prepare(args, work)
        ports, processes = start_servers(args, data, work)
        levels = [int(c) for c in args.clients.split(",")]
        runs: dict[tuple[str, int], list[dict]] = {}
        for app in ports:  # warm-up: caches, connections, JIT-free but page cache
            drive(ports[app], data, levels[0], 2, seed=0)
        for n in range(args.rounds):
            for clients in levels:
                for app, port in ports.items():
                    run = drive(port, data, clients, args.seconds, seed=n + 1)
                    runs.setdefault((app, clients), []).append(run)
                    reads = run.get("reads", {})
                    print(
                        f"# round {n + 1} {app} {clients} clients: reads p95"
                        f" {reads.get('p95', 0):.1f} ms {reads.get('rps', 0):.0f}/s,"
                        f" errors {run['errors']} {run['failures'] or ''}",
                        file=sys.stderr,
                    )
        load = os.getloadavg()[0]
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)
    report(args, data, levels, runs, load)


def _median(runs: list[dict], op: str, key: str) -> float:
    values = [r[op][key] for r in runs if op in r]
    return statistics.median(values) if values else float("nan")


def report(args, data, levels, runs, load) -> None:
    """The figures, then the ratios gxtrack / baseline, one per line."""
    from bench.common import figures

    values: dict[str, Any] = {
        "store": "postgresql (gunicorn 4x4 + follower)"
        if args.pg
        else f"sqlite (serve; baseline synchronous={args.plain_sync})",
        "projects": data["projects"],
        "rounds": f"{args.rounds}x{args.seconds:g}s",
        "machine_load_1m": f"{load:.1f} on {os.cpu_count()} cores",
    }
    for clients in levels:
        gx, plain = runs[("gxtrack", clients)], runs[("plain", clients)]
        tag = f"c{clients}"
        for app, rs in (("gxtrack", gx), ("plain", plain)):
            values[f"{tag}_{app}_errors"] = sum(r["errors"] for r in rs)
            for op in (*MIX, "reads"):
                values[f"{tag}_{app}_{op}_p95_ms"] = _median(rs, op, "p95")
                values[f"{tag}_{app}_{op}_rps"] = _median(rs, op, "rps")
        for op in ("reads", *READS):
            values[f"{tag}_{op}_p95_ratio"] = _median(gx, op, "p95") / _median(
                plain, op, "p95"
            )
        values[f"{tag}_reads_throughput_ratio"] = _median(gx, "reads", "rps") / _median(
            plain, "reads", "rps"
        )
        for op in WRITES:
            values[f"{tag}_{op}_time_ratio"] = _median(gx, op, "mean") / _median(
                plain, op, "mean"
            )
    figures(values)


if __name__ == "__main__":
    main()
