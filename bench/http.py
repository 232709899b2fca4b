"""Benchmark `http`: one workload against gxtrack and the plain app, same run.

The workload is what a bureau's users do through the JSON API, mixed per
client: filtered pool list (stage+industry+zone, newest first, page of 50),
text search, the project page, register a project, move one of the client's
own projects a stage forward (with its expected version). It is sent, under 20
and then 50 concurrent clients (keep-alive connections, client threads spread
over two processes), to

- gxtrack: `gxtrack serve` (waitress, 8 threads, projections inline) on SQLite,
  or gunicorn 4 workers × 4 threads plus `gxtrack projections run --follow` on
  PostgreSQL (the production layout, deploy/gunicorn.conf.py);
- the baseline: `bench/baseline.py`, a plain Flask app over one current-state
  table filled with the same projects, served the same way (waitress 8 threads
  on SQLite, gunicorn 4×4 on PostgreSQL).

Rounds interleave the two apps so the shared machine's noise hits both; each
figure is the median over the rounds, and the ratios are gxtrack / baseline.
Targets (BENCH.md): reads p95 ≤ 1.2×, reads throughput ≥ 0.8×, create and move
≤ 1.5× the baseline's time; no errors.

    python bench/http.py [--projects 20000] [--clients 20,50] [--seconds 10]
        [--rounds 3] [--pg [URL]]

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
import contextlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES  # noqa: E402

OUT = ROOT / "bench" / "out"
STAGES = ("negotiating", "signed", "landed", "producing")
INDUSTRIES = tuple(DEFAULT_INDUSTRIES)
READS = ("list", "search", "page")
WRITES = ("create", "move")
# How often each operation comes up in a client's loop.
MIX = {"list": 30, "search": 20, "page": 20, "create": 15, "move": 15}
CLIENT_PROCESSES = 2
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- data -------------------------------------------------------------------


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """gxtrack's store (a copy on SQLite), a token, and the baseline's table."""
    from bench import baseline
    from bench.data import build, enterprises_for
    from domain.permissions import Actor
    from gxtrack.bootstrap import Runtime
    from gxtrack.errors import ConflictError
    from gxtrack.settings import Settings

    if args.pg:
        import psycopg

        schema = f"bench_http_{args.projects}"
        source = Settings(
            data_dir=OUT / f"http-{args.projects}-pg",
            database_url=f"{args.pg}?schema={schema}",
        )
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    else:
        source = Settings(data_dir=OUT / f"http-{args.projects}")
    source.data_dir.mkdir(parents=True, exist_ok=True)
    if not (source.data_dir / "READY.json").exists():
        build(source, args.projects, enterprises_for(args))
        runtime = Runtime.open(source)
        runtime.projections.run()
        runtime.close()
    if args.pg:
        settings = source
    else:
        settings = Settings(data_dir=work / "gxtrack")
        shutil.copytree(source.data_dir, settings.data_dir)
    runtime = Runtime.open(settings)
    try:
        runtime.projections.run()
        with contextlib.suppress(ConflictError):
            runtime.app.add_user(Actor.system(), "bench_admin", "admin")
        token = runtime.accounts.issue_token("bench_admin")
        columns = ", ".join(c for c in baseline.COLUMNS)
        rows = runtime.db.fetchall(f"SELECT {columns} FROM rm_projects")
        sample = [r["id"] for r in rows[:: max(1, len(rows) // 1000)]]
    finally:
        runtime.close()
    if args.pg:
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS bench_http_plain CASCADE")
            conn.execute("CREATE SCHEMA bench_http_plain")
        plain = f"{args.pg}?schema=bench_http_plain"
    else:
        plain = f"sqlite:///{work / 'plain.db'}"
    baseline.load(plain, rows, {token: "bench_admin"})
    return {
        "settings": settings,
        "plain_url": plain,
        "token": token,
        "sample": sample,
        "projects": len(rows),
        "zones": list(DEFAULT_ZONES),
    }


# -- servers ----------------------------------------------------------------


def _wait_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/projects/none")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")


def start_servers(
    args: argparse.Namespace, data: dict[str, Any], work: Path
) -> tuple[dict[str, int], list[subprocess.Popen]]:
    """gxtrack and the baseline, each on a free loopback port."""
    settings = data["settings"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GXTRACK_")}
    env.update(
        GXTRACK_DATA_DIR=str(settings.data_dir),
        GXTRACK_SECRET_KEY="bench-only",
        GXTRACK_EMBEDDED_SCHEDULER="0",
        BASELINE_DATABASE_URL=data["plain_url"],
        PYTHONPATH=str(ROOT),
    )
    py = sys.executable
    ports = {"gxtrack": free_port(), "plain": free_port()}
    if args.pg:
        env["GXTRACK_DATABASE_URL"] = settings.database_url
        env["GXTRACK_WEB_WORKERS"] = str(args.workers)
        env["GXTRACK_WEB_THREADS"] = str(args.threads)
        gunicorn = [py, "-m", "gunicorn", "--access-logfile", "/dev/null"]
        commands = {
            "follower": [py, "-m", "gxtrack", "projections", "run", "--follow"],
            "gxtrack": [
                *gunicorn, "-c", "deploy/gunicorn.conf.py",
                "--bind", f"127.0.0.1:{ports['gxtrack']}", "web:create_app()",
            ],
            "plain": [
                *gunicorn, "-k", "gthread", "-w", str(args.workers),
                "--threads", str(args.threads),
                "--bind", f"127.0.0.1:{ports['plain']}",
                "bench.baseline:create_app()",
            ],
        }  # fmt: skip
    else:
        commands = {
            "gxtrack": [
                py, "-m", "gxtrack", "serve", "--port", str(ports["gxtrack"]),
                "--threads", "8",
            ],
            "plain": [
                py, "-m", "waitress", "--threads", "8",
                f"--listen=127.0.0.1:{ports['plain']}", "--call",
                "bench.baseline:create_app",
            ],
        }  # fmt: skip
    processes = []
    for name, command in commands.items():
        log = work / f"{name}.log"
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        processes.append(process)
        if name in ports:
            _wait_up(ports[name], process, log)
    return ports, processes


# -- the workload -----------------------------------------------------------


class Client:
    """One user: a keep-alive connection and the projects it registered."""

    def __init__(self, port: int, token: str, data: dict[str, Any], seed: int) -> None:
        self.port = port
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
        self.rng = random.Random(seed)
        self.sample = data["sample"]
        self.zones = data["zones"]
        self.mine: list[dict[str, Any]] = []
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, payload, self.headers)
                response = self.conn.getresponse()
                raw = response.read()
                return response.status, raw
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30
                )
                if attempt == 2:
                    return 0, b""
        return 0, b""

    def step(self) -> tuple[str, float, bool]:
        rng = self.rng
        op = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if op == "move" and not self.mine:
            op = "create"
        started = time.perf_counter()
        if op == "list":
            path = (
                f"/api/v1/projects?stage={rng.choice(STAGES)}"
                f"&industry={rng.choice(INDUSTRIES)}&zone={rng.choice(self.zones)}"
                "&sort=-updated&page_size=50"
            )
            status, _ = self.call("GET", path)
            ok = status == 200
        elif op == "search":
            term = f"项目{rng.randint(0, 9999):04d}"
            status, _ = self.call(
                "GET", f"/api/v1/projects?q={_quote(term)}&page_size=50"
            )
            ok = status == 200
        elif op == "page":
            status, _ = self.call("GET", f"/api/v1/projects/{rng.choice(self.sample)}")
            ok = status == 200
        elif op == "create":
            body = {
                "name": f"压测项目{rng.randint(0, 10**9)}",
                "investor": f"压测投资方{rng.randint(0, 9999)}",
                "industry": rng.choice(INDUSTRIES),
                "zone": rng.choice(self.zones),
                "planned_investment": str(rng.randint(100, 90000)),
                "stage": "negotiating",
                "stage_date": "2026-01-05",
            }
            status, raw = self.call("POST", "/api/v1/projects", body)
            ok = status == 201
            if ok:
                made = json.loads(raw)
                self.mine.append(
                    {"id": made["id"], "version": made["version"], "at": 0}
                )
        else:
            project = self.mine[0]
            to = STAGES[project["at"] + 1]
            body = {
                "to": to,
                "date": "2026-02-01",
                "expected_version": project["version"],
            }
            status, raw = self.call(
                "POST", f"/api/v1/projects/{project['id']}/stage", body
            )
            ok = status == 200
            if ok:
                project["version"] = json.loads(raw)["version"]
                project["at"] += 1
            if not ok or project["at"] == len(STAGES) - 1:
                self.mine.pop(0)
        return op, (time.perf_counter() - started) * 1000, ok


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def _client_process(
    port: int, token: str, data: dict[str, Any], threads: int, seed: int,
    seconds: float, queue: Any,
) -> None:  # fmt: skip
    import threading

    results: list[tuple[str, float, bool]] = []
    lock = threading.Lock()
    start_at = time.monotonic() + 0.5
    stop_at = start_at + seconds

    def loop(n: int) -> None:
        client = Client(port, token, data, seed * 1000 + n)
        mine = []
        while time.monotonic() < start_at:
            time.sleep(0.01)
        while time.monotonic() < stop_at:
            mine.append(client.step())
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(results)


def drive(
    port: int, data: dict[str, Any], clients: int, seconds: float, seed: int
) -> dict:
    """Run the workload with `clients` clients; latency in ms, rates per second."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    light = {k: data[k] for k in ("sample", "zones")}
    share = [clients // CLIENT_PROCESSES + (n < clients % CLIENT_PROCESSES)
             for n in range(CLIENT_PROCESSES)]  # fmt: skip
    procs = [
        context.Process(
            target=_client_process,
            args=(port, data["token"], light, n, seed * 10 + i, seconds, queue),
        )
        for i, n in enumerate(share)
        if n
    ]
    for proc in procs:
        proc.start()
    results = [r for _ in procs for r in queue.get()]
    for proc in procs:
        proc.join()
    return summarize(results, seconds)


def summarize(results: list[tuple[str, float, bool]], seconds: float) -> dict:
    """p50/p95 and rate per operation and for all reads together."""
    from bench.common import percentile

    out: dict[str, Any] = {"errors": sum(1 for _op, _ms, ok in results if not ok)}
    groups = {op: [ms for o, ms, _ok in results if o == op] for op in MIX}
    groups["reads"] = [ms for o, ms, _ok in results if o in READS]
    for name, samples in groups.items():
        if not samples:
            continue
        out[name] = {
            "n": len(samples),
            "rps": len(samples) / seconds,
            "p50": percentile(samples, 50),
            "p95": percentile(samples, 95),
            "mean": statistics.fmean(samples),
        }
    return out


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
                        f" errors {run['errors']}",
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
        else "sqlite (serve)",
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
