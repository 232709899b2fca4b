"""Benchmark `import`: a 5,000-row ledger imported end to end (see BENCH.md).

Generates a deterministic ledger (seeded), imports it into a fresh store with
`import_ledger` (read, check every row through the domain, one batched save,
projections caught up), and measures in the same run the raw driver inserting
the same number of event rows, one transaction per 500 rows.

    .venv/bin/python -m bench.import [--rows 5000] [--store sqlite|postgres]

Prints `name: value` lines last, with this process's CPU seconds, in all and
for the check and the catch-up (on a loaded machine the wall time mostly
waits for a core; on SQLite the database's work is this process's too), and
the load average.
As a module (-m): run as a script, bench/http.py would hide the standard
library's http package.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.permissions import Actor  # noqa: E402
from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES  # noqa: E402
from gxtrack.bootstrap import Runtime  # noqa: E402
from gxtrack.settings import Settings  # noqa: E402

HEADERS = [
    "序号",
    "项目名称",
    "投资方",
    "产业类别",
    "落户板块",
    "总投资（万元）",
    "签约日期",
    "开工日期",
    "投产日期",
    "终止日期",
    "终止原因",
    "责任人",
    "计划投产日期",
    "推进情况",
    "重点级别",
    "用地亩数",
]
DATE_STYLES = (
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: d.isoformat(),
    lambda d: (d - date(1899, 12, 30)).days,  # an Excel serial number
)


def ledger_rows(count: int, seed: int = 2022) -> list[list[object]]:
    """A plausible district ledger: stages, dates in every style, amounts."""
    rng = random.Random(seed)
    industries = list(DEFAULT_INDUSTRIES.values())
    zones = list(DEFAULT_ZONES.values())
    end = date(2025, 12, 31)
    rows = []
    for n in range(count):
        day = end - timedelta(days=rng.randint(400, 2400))
        dates: list[object] = [None, None, None]
        for i in range(3):
            if rng.random() < 0.45:
                break
            dates[i] = rng.choice(DATE_STYLES)(day)
            day += timedelta(days=rng.randint(20, 200))
        wan = rng.randint(500, 200000)
        amount = rng.choice([f"{wan:,}", wan, f"{wan / 10000:.4f}亿"])
        withdrawn = rng.random() < 0.05 and dates[0] is not None
        rows.append(
            [
                n + 1,
                f"【示例】项目（{n + 1:05d}）",
                f"【示例】某投资有限公司{rng.randint(1, 900):03d}",
                rng.choice(industries),
                rng.choice(zones),
                amount,
                *dates,
                f"{day.year}年{day.month}月{day.day}日" if withdrawn else None,
                "投资方战略调整" if withdrawn else None,
                f"示例专员{rng.randint(1, 20):02d}",
                None,
                "正在推进" if rng.random() < 0.5 else None,
                rng.choice(["区级重点", "市级重点", "省级重点"]),
                rng.randint(10, 200) if rng.random() < 0.3 else None,
            ]
        )
    return rows


def ledger_xlsx(rows: list[list[object]]) -> bytes:
    """The rows as an xlsx with a merged title row, as bureaus keep them."""
    import openpyxl

    # A normal workbook writes shared strings and a dimension, as Excel does.
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "项目台账"
    ws.append(["【示例】招商项目台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def raw_sqlite(path: Path, count: int, payload: int) -> float:
    """Seconds for sqlite3 to insert `count` event rows, 500 per transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, originator_id BLOB,"
        " originator_version INTEGER, topic TEXT, state BLOB,"
        " UNIQUE (originator_id, originator_version))"
    )
    state = os.urandom(payload)
    rows = [
        (uuid.uuid4().bytes, 1, "domain.project:InvestmentProject.Registered", state)
        for _ in range(count)
    ]
    started = time.perf_counter()
    for i in range(0, count, 500):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (originator_id, originator_version, topic, state)"
            " VALUES (?, ?, ?, ?)",
            rows[i : i + 500],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def raw_postgres(url: str, schema: str, count: int, payload: int) -> float:
    """Seconds for psycopg to insert `count` event rows, 500 per transaction."""
    import psycopg

    state = os.urandom(payload)
    rows = [
        (uuid.uuid4(), 1, "domain.project:InvestmentProject.Registered", state)
        for _ in range(count)
    ]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(
            "CREATE TABLE raw_events (id BIGSERIAL PRIMARY KEY, originator_id UUID,"
            " originator_version INTEGER, topic TEXT, state BYTEA,"
            " UNIQUE (originator_id, originator_version))"
        )
        started = time.perf_counter()
        for i in range(0, count, 500):
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO raw_events (originator_id, originator_version,"
                    " topic, state) VALUES (%s, %s, %s, %s)",
                    rows[i : i + 500],
                )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    rows = ledger_rows(args.rows)
    data = ledger_xlsx(rows)
    tmp = Path(tempfile.mkdtemp(prefix="gxtrack-bench-import-"))
    schema = None
    if args.store == "postgres":
        import psycopg

        url = os.environ.get(
            "GXTRACK_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        )
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        settings = Settings(data_dir=tmp, database_url=f"{url}?schema={schema}")
    else:
        settings = Settings(data_dir=tmp / "var")
    marks: dict[str, float] = {}
    cpu_marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        mark = phase + (":end" if done >= total else ":start")
        marks[mark], cpu_marks[mark] = time.perf_counter(), time.process_time()
        if done >= total:
            print(f"{phase}: {done}/{total}", file=sys.stderr)

    runtime = Runtime.open(settings)
    runtime.app.reference()
    runtime.wait_for_read_models()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        result = runtime.app.import_ledger(
            data, "ledger.xlsx", Actor.system(), True, progress=progress
        )
        total = time.perf_counter() - started
        cpu_end = time.process_time()
        projections_cpu = cpu_end - cpu_marks["写入:end"]
        check_cpu = cpu_marks["写入:start"] - cpu
        cpu = cpu_end - cpu  # this process only: the database's own
        print(file=sys.stderr)
        events = result.events
        save_start = marks["写入:start"]
        save = marks["写入:end"] - save_start
        projections = time.perf_counter() - marks["写入:end"]
        check = save_start - started
        payload = 400  # bytes of a typical compressed-or-not event state
        if args.store == "postgres":
            raw = raw_postgres(url, schema, events, payload)
        else:
            raw = raw_sqlite(tmp / "raw.db", events, payload)
    finally:
        runtime.close()
        if schema:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print(f"store: {args.store}")
    print(f"rows: {args.rows}")
    print(f"projects_created: {result.preview.counts()['create']}")
    print(f"events: {events}")
    print(f"read_and_check_seconds: {check:.2f}")
    print(f"save_seconds: {save:.2f}")
    print(f"projections_seconds: {projections:.2f}")
    print(f"read_and_check_cpu_seconds: {check_cpu:.2f}")
    print(f"projections_cpu_seconds: {projections_cpu:.2f}")
    print(f"import_seconds: {total:.2f}")
    print(f"import_events_per_second: {events / total:.0f}")
    print(f"import_cpu_seconds: {cpu:.2f}")
    print(f"import_events_per_cpu_second: {events / cpu:.0f}")
    print(f"save_events_per_second: {events / save:.0f}")
    print(f"raw_driver_seconds: {raw:.3f}")
    print(f"raw_driver_rows_per_second: {events / raw:.0f}")
    print(f"save_vs_raw: {save / raw:.1f}x")
    print(f"import_vs_raw: {total / raw:.1f}x")
    print("load_average: " + " ".join(f"{n:.2f}" for n in os.getloadavg()))


if __name__ == "__main__":
    main()
