"""`bench/http`'s two servers: the data set each serves, and starting them.

gxtrack (`gxtrack serve` on SQLite, or gunicorn plus the projection follower
on PostgreSQL) and the plain baseline app (bench/baseline.py) over the same
projects, each on a free loopback port.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from domain.reference import DEFAULT_ZONES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


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
        BASELINE_SQLITE_SYNCHRONOUS=args.plain_sync,
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
