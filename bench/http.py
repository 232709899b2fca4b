"""Benchmark `http`: the API under 50 concurrent clients (gunicorn + PostgreSQL).

Serves gxtrack with deploy/gunicorn.conf.py (N workers) on a PostgreSQL schema
holding the "district × 10" pool (100,000 projects, seeded, made once with
batched saves and kept in the schema; bench/out/ remembers it), then drives it
with wrk over loopback for a bounded time per endpoint:

- baseline `GET /healthz` (the app and three small queries, no auth),
- `GET /api/v1/projects` filtered by stage+industry+zone, sorted, page of 50,
- `GET /api/v1/projects` unfiltered (counts all 100k), page of 50,
- `GET /api/v1/projects/<id>` (the project page's data: the aggregate).

    .venv/bin/python bench/http.py [--projects 100000] [--clients 50]
        [--seconds 10] [--rounds 3] [--workers CORES] [--database-url URL]

The database URL defaults to the test server (127.0.0.1:5432/test); the data
set lives in schema bench_http_<n>_<seed> (drop it to reclaim the space).

Needs wrk (apt-get install wrk). Prints `name: value` lines last.
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
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

OUT = ROOT / "bench" / "out"
SEED = 8
TODAY = date(2025, 12, 31)  # the data set's "today": dates are fixed, not wall-clock
BATCH = 1000
LUA = """
wrk.headers["Authorization"] = "Bearer {token}"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_projects(count: int, reference, rng: random.Random):
    """Batches of seeded projects at every stage (~4 events each)."""
    from domain.project import InvestmentProject

    industries = sorted(reference.industries)
    zones = sorted(reference.zones)
    batch = []
    for n in range(count):
        day = TODAY - timedelta(days=rng.randint(200, 2000))
        project = InvestmentProject.register(
            name=f"【示例】项目{n:06d}",
            investor=f"【示例】投资方{rng.randint(1, 20000):05d}",
            industry=rng.choice(industries),
            zone=rng.choice(zones),
            planned_investment=rng.randint(500, 200000),
            officer=f"officer{rng.randint(1, 40):02d}",
            actor="bench",
            reference=reference,
            stage_date=day,
            today=TODAY,
        )
        for to in ("signed", "landed", "producing"):
            if rng.random() < 0.45:
                break
            day += timedelta(days=rng.randint(20, 150))
            project.move(to, min(day, TODAY), "bench", today=TODAY)
        for _ in range(rng.randint(1, 2)):
            note = f"【示例】推进情况 {rng.randint(1, 999)}"
            project.report_progress(TODAY, note, "bench", today=TODAY)
        if rng.random() < 0.03:
            project.move("withdrawn", TODAY, "bench", "【示例】投资方撤回", TODAY)
        batch.append(project)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def ensure_data(database_url: str, count: int, fresh: bool = False) -> dict:
    """The seeded pool in its own schema, made once and reused (bench/out/)."""
    import psycopg

    from domain.permissions import Actor
    from gxtrack.bootstrap import Runtime
    from gxtrack.settings import Settings

    schema = f"bench_http_{count}_{SEED}"
    marker = OUT / f"http-{schema}.json"
    conninfo = database_url.split("?")[0]
    if marker.exists() and not fresh:
        data = json.loads(marker.read_text())
        with psycopg.connect(conninfo) as conn:
            try:
                rows = conn.execute(f"SELECT count(*) FROM {schema}.rm_projects")
                if rows.fetchone()[0] == count:
                    return data
            except psycopg.Error:
                pass
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="gxtrack-bench-")),
        database_url=f"{conninfo}?schema={schema}",
    )
    runtime = Runtime.open(settings)
    try:
        runtime.app.add_user(Actor.system(), "bench_admin", "admin")
        reference = runtime.app.reference()
        rng = random.Random(SEED)
        started, done, sample = time.monotonic(), 0, None
        for batch in make_projects(count, reference, rng):
            runtime.app.save(*batch)
            sample = sample or str(batch[len(batch) // 2].id)
            done += len(batch)
            rate = done / (time.monotonic() - started)
            print(f"\r生成项目 {done}/{count} ({rate:.0f}/s)", end="", file=sys.stderr)
        print(file=sys.stderr)
        runtime.projections.run(
            lambda pos, head: print(
                f"\r投影 {pos}/{head}", end="", file=sys.stderr, flush=True
            )
        )
        print(file=sys.stderr)
        # What autovacuum does on a live system within minutes: statistics for
        # the planner and a visibility map for index-only counts.
        with psycopg.connect(conninfo, autocommit=True) as conn:
            for table in ("rm_projects", "rm_stage_history", "gxtrack_events"):
                conn.execute(f"VACUUM ANALYZE {schema}.{table}")
        data = {
            "schema": schema,
            "projects": count,
            "events": runtime.app.position(),
            "sample_id": sample,
            "token": runtime.accounts.issue_token("bench_admin"),
        }
    finally:
        runtime.close()
    marker.write_text(json.dumps(data))
    return data


def start_server(url: str, workers: int, threads: int, log: Path) -> tuple:
    """gunicorn with the production config on a free loopback port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GXTRACK_")}
    env.update(
        GXTRACK_DATABASE_URL=url,
        GXTRACK_DATA_DIR=tempfile.mkdtemp(prefix="gxtrack-bench-"),
        GXTRACK_SECRET_KEY="bench-only",
        GXTRACK_WEB_WORKERS=str(workers),
        GXTRACK_WEB_THREADS=str(threads),
        PYTHONPATH=str(ROOT),
    )
    command = [
        sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
        "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
        "web:create_app()",
    ]  # fmt: skip
    out = log.open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()[-2000:]}")


def wrk(port: int, path: str, token: str, clients: int, seconds: int) -> dict:
    """Run wrk against one path; latency in ms, throughput in requests/s."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(token=token))
    threads = min(4, clients)
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s",
         "-s", script.name, f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    os.unlink(script.name)
    match = re.search(
        r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", result.stdout
    )
    if not match:
        raise SystemExit(f"wrk failed: {result.stdout}\n{result.stderr}")
    n, micros, p50, p95, p99, socket_errors, status_errors = map(int, match.groups())
    return {
        "requests": n,
        "rps": n / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": socket_errors + status_errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; medians reported"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "GXTRACK_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the data")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    data = ensure_data(args.database_url, args.projects, fresh=args.fresh)
    url = f"{args.database_url}?schema={data['schema']}"
    process, port = start_server(url, args.workers, args.threads, OUT / "http.log")
    targets = {
        "healthz": "/healthz",
        "list_filtered": "/api/v1/projects?stage=signed&industry=robotics"
        "&zone=mudu&sort=-updated&page_size=50",
        "list_all": "/api/v1/projects?sort=-updated&page_size=50",
        "project": f"/api/v1/projects/{data['sample_id']}",
    }
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    try:
        for path in targets.values():
            wrk(port, path, data["token"], args.clients, 2)  # warm-up
        # The machine is shared: rounds interleave the endpoints so that noise
        # hits the baseline and the endpoints alike; medians are reported.
        for n in range(args.rounds):
            for name, path in targets.items():
                run = wrk(port, path, data["token"], args.clients, args.seconds)
                runs[name].append(run)
                print(f"# round {n + 1} {name}: {json.dumps(run)}", file=sys.stderr)
    finally:
        process.terminate()
        process.wait(30)
    results = {
        name: {
            key: statistics.median(r[key] for r in rs)
            if key != "errors"
            # errors are summed over the rounds, never hidden by a median
            else sum(r[key] for r in rs)
            for key in rs[0]
        }
        for name, rs in runs.items()
    }
    base = results["healthz"]
    print(f"projects: {data['projects']}")
    print(f"events: {data['events']}")
    print(f"clients: {args.clients}")
    print(f"rounds: {args.rounds}x{args.seconds}s")
    print(f"machine_load_1m: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"web_workers: {args.workers}x{args.threads}")
    for name, r in results.items():
        print(f"{name}_p50_ms: {r['p50']:.1f}")
        print(f"{name}_p95_ms: {r['p95']:.1f}")
        print(f"{name}_p99_ms: {r['p99']:.1f}")
        print(f"{name}_rps: {r['rps']:.0f}")
        print(f"{name}_errors: {r['errors']}")
        if name != "healthz":
            print(f"{name}_p50_vs_healthz: {r['p50'] / max(base['p50'], 0.001):.2f}")
            print(f"{name}_p95_vs_healthz: {r['p95'] / max(base['p95'], 0.001):.2f}")
            print(f"{name}_rps_vs_healthz: {r['rps'] / max(base['rps'], 0.001):.2f}")


if __name__ == "__main__":
    main()
