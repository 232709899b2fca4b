"""Benchmark `pages`: every page and report a leader opens, at 100k projects.

Serves the "district × 10" data set (bench/data.py, read models caught up
first) with `gxtrack serve` on SQLite, or gunicorn on PostgreSQL (`--pg`), logs
in as a leader through the real login form (CSRF token, session cookie) and
times, one client, each of:

    pool (the same-run baseline: the pool list page), dashboard, pool as of a
    date (whole, narrowed, by name 200 a page), project page, stalled list,
    monthly report (page and .xlsx), audit (the first view timed on its own,
    then repeats), pool exports (.xlsx, .csv) streamed, and from the export
    buttons in the background (started, its progress page followed until the
    file is ready, then downloaded)

p50/p95 over `--runs` requests after one warm-up; the ratio to the pool page;
exports also as rows per second, beside their same-run ceilings: the export's
query alone, and its rows written by a bare csv writer and by openpyxl's
write_only mode. Targets (BENCH.md): p95 ≤ 300 ms each, the first /audit view
≤ 1 s, exports ≥ 50k rows/s.

Views back to back find the figures the server keeps until the read models
move on; `*_after_write` times the first view of a leader's page after one
event (a progress note, recorded and projected by this process as by another
user's), which brings them up to date: the stall roster re-judges the
projects changed since, figures of read models the event left alone are kept,
the rest are computed afresh.

    python -m bench.pages [--projects 100000] [--runs 7] [--pg [URL]]

Prints `name: value` lines last.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.common import figures, percentile
from bench.data import TODAY, common_args, ensure, enterprises_for

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-leader-pw-2026"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """One signed-in session over a keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.last_headers: list[tuple[str, str]] = []

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body, headers)
        response = self.conn.getresponse()
        data = response.read()
        self.last_headers = response.getheaders()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, name: str, password: str) -> None:
        _status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        if token is None:
            raise SystemExit("no CSRF token on the login page")
        status, _ = self.request(
            "POST",
            "/login",
            {"csrf_token": token.group(1).decode(), "name": name, "password": password},
        )
        if status not in (302, 303):
            raise SystemExit(f"login refused ({status})")

    def timed(self, path: str) -> tuple[float, int]:
        """Milliseconds for one GET (body read to its end) and its size."""
        started = time.perf_counter()
        status, data = self.request("GET", path)
        took = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"GET {path}: {status}\n{data[:500]!r}")
        return took, len(data)


def add_leader(runtime) -> None:
    """Read models caught up; `bench_leader` signs in with PASSWORD."""
    from domain.permissions import Actor
    from gxtrack.errors import ConflictError

    runtime.projections.run()
    with contextlib.suppress(ConflictError):
        runtime.app.add_user(Actor.system(), "bench_leader", "leader")
    runtime.accounts.set_password("bench_leader", PASSWORD)


def prepare(settings) -> str:
    """Read models caught up, a leader with a password; a sample project id."""
    from gxtrack.bootstrap import Runtime

    runtime = Runtime.open(settings)
    try:
        add_leader(runtime)
        row = runtime.db.fetchone(
            "SELECT id FROM rm_projects ORDER BY id LIMIT 1 OFFSET 5000"
        )
        return row["id"]
    finally:
        runtime.close()


def start(settings, pg: bool, log: Path) -> tuple[subprocess.Popen, int]:
    """The web app on a free port, as deployed for this store."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GXTRACK_")}
    env.update(
        GXTRACK_DATA_DIR=str(settings.data_dir),
        GXTRACK_SECRET_KEY="bench-only",
        GXTRACK_EMBEDDED_SCHEDULER="0",
        PYTHONPATH=str(ROOT),
    )
    py = sys.executable
    if pg:
        env["GXTRACK_DATABASE_URL"] = settings.database_url
        env["GXTRACK_INLINE_PROJECTIONS"] = "1"  # nothing is written: no follower
        command = [
            py, "-m", "gunicorn", "-k", "gthread", "-w", "2", "--threads", "4",
            "--timeout", "600", "--bind", f"127.0.0.1:{port}", "web:create_app()",
        ]  # fmt: skip
    else:
        command = [py, "-m", "gxtrack", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"server did not start:\n{log.read_text()[-3000:]}")


def ceilings(settings, stage: str) -> dict[str, float]:
    """Rows a second for the export's query alone, then for its rows written
    by a bare csv writer and by openpyxl write_only (no labels, no typing)."""
    import csv
    import io

    from openpyxl import Workbook

    from gxtrack.bootstrap import Runtime
    from gxtrack.readmodels.pool.exports import export_tuples
    from gxtrack.readmodels.pool.queries import PoolFilter

    runtime = Runtime.open(settings)
    try:
        started = time.perf_counter()
        rows = export_tuples(runtime.db, PoolFilter(stage=stage))
        took = {"query": time.perf_counter() - started}
    finally:
        runtime.close()
    started = time.perf_counter()
    csv.writer(io.StringIO()).writerows(rows)
    took["csv_writer"] = time.perf_counter() - started
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("pool")
    for row in rows:
        sheet.append(row)
    book.save(io.BytesIO())
    took["openpyxl_write_only"] = time.perf_counter() - started
    return {f"export_{k}_rows_per_s": len(rows) / s for k, s in took.items()}


def background(browser: Browser, kind: str, query: str) -> float:
    """Milliseconds from the pool page's export button to its file downloaded,
    the progress page followed as a browser would (without its second's wait)."""
    _status, page = browser.request("GET", f"/projects?{query}")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on the pool page")
    form = {"csrf_token": token.group(1).decode(), "kind": kind}
    started = time.perf_counter()
    status, _ = browser.request("POST", f"/projects/export-runs?{query}", form)
    location = next(
        (v for k, v in browser.last_headers if k.lower() == "location"), None
    )
    if status != 303 or location is None:
        raise SystemExit(f"export run not started: {status}")
    path = "/" + location.split("/", 3)[-1] if "://" in location else location
    while True:
        status, page = browser.request("GET", path)
        if status != 200 or b'id="export-download"' in page:
            break
        if "导出失败".encode() in page:
            raise SystemExit(f"export run failed: {path}")
        time.sleep(0.05)  # a browser waits a second; the bench, less
    status, data = browser.request("GET", f"{path}.{kind}")
    took = (time.perf_counter() - started) * 1000
    if status != 200 or not data:
        raise SystemExit(f"GET {path}.{kind}: {status}")
    return took


AFTER_WRITE = ("dashboard", "stalled", "monthly", "monthly_xlsx")


def after_write(
    settings, browser: Browser, paths: dict[str, str], sample: str, runs: int
) -> dict[str, list[float]]:
    """Milliseconds for the first view of each page after one event."""
    from gxtrack.bootstrap import Runtime

    runtime = Runtime.open(settings)
    samples: dict[str, list[float]] = {}
    try:
        leader = runtime.app.actor_for("bench_leader")
        for _ in range(runs):
            for name in AFTER_WRITE:
                runtime.app.report_progress(leader, sample, TODAY, "基准测试：推进情况")
                runtime.wait_for_read_models()
                took, _size = browser.timed(paths[name])
                samples.setdefault(f"{name}_after_write", []).append(took)
    finally:
        runtime.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common_args(parser)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    settings, head = ensure(args.pg, args.projects, enterprises_for(args))
    sample = prepare(settings)
    as_of = (TODAY.replace(month=1, day=1)).isoformat()
    month = TODAY.strftime("%Y-%m")
    pages = {
        "pool": "/projects",
        "dashboard": "/",
        "pool_as_of": f"/projects?as_of={as_of}",
        # As of the day, narrowed to a stage, industry and zone, and the whole
        # pool by name a page of 200 at a time: the list's two kinds of plan.
        "pool_as_of_narrow": f"/projects?as_of={as_of}&stage=landed&industry=ngit"
        "&zone=mudu",
        "pool_as_of_by_name": f"/projects?as_of={as_of}&sort=name&page_size=200",
        "project": f"/projects/{sample}",
        "stalled": "/stalled",
        "monthly": f"/reports/monthly?month={month}",
        "monthly_xlsx": f"/reports/monthly.xlsx?month={month}",
        "audit": "/audit",
    }
    exports = {
        "export_xlsx": "/projects/export.xlsx?stage=producing",
        "export_csv": "/projects/export.csv?stage=producing",
    }
    log = Path(tempfile.mkstemp(prefix="gxtrack-pages-", suffix=".log")[1])
    process, port = start(settings, bool(args.pg), log)
    values: dict[str, float | str] = {"events": head, "projects": args.projects}
    samples: dict[str, list[float]] = {}
    try:
        browser = Browser(port)
        browser.login("bench_leader", PASSWORD)
        first, _size = browser.timed("/audit")
        values["audit_first_ms"] = first
        for path in {**pages, **exports}.values():
            browser.timed(path)  # warm-up
        for _ in range(args.runs):  # interleaved: noise hits every page alike
            for name, path in {**pages, **exports}.items():
                took, size = browser.timed(path)
                samples.setdefault(name, []).append(took)
                values[f"{name}_kb"] = size / 1024
        for _ in range(args.runs):  # the export buttons: in the background
            for kind in ("xlsx", "csv"):
                took = background(browser, kind, "stage=producing")
                samples.setdefault(f"export_background_{kind}", []).append(took)
        samples.update(after_write(settings, browser, pages, sample, args.runs))
        _status, csv = browser.request("GET", exports["export_csv"])
        rows = csv.count(b"\n") - 1
        load = os.getloadavg()[0]
    finally:
        process.terminate()
        process.wait(30)
        log.unlink(missing_ok=True)
    base = percentile(samples["pool"], 95)
    values["machine_load_1m"] = f"{load:.1f} on {os.cpu_count()} cores"
    for name, ms in samples.items():
        values[f"{name}_p50_ms"] = percentile(ms, 50)
        values[f"{name}_p95_ms"] = percentile(ms, 95)
        values[f"{name}_p95_vs_pool"] = percentile(ms, 95) / base
    values["export_rows"] = rows
    for name in [*exports, "export_background_xlsx", "export_background_csv"]:
        values[f"{name}_rows_per_s"] = rows / (percentile(samples[name], 50) / 1000)
    values.update(ceilings(settings, "producing"))
    figures(values)


if __name__ == "__main__":
    main()
