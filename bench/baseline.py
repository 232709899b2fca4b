"""The plain app a bureau would write instead: Flask over one current-state table.

The same-run baseline of `bench/http.py` (and the shape `bench/pages.py` reads):
no history, no audit, no read models. One `projects` table holds each project's
current state with the indexes a careful developer would add; a bearer token is
checked against a `tokens` table (its SHA-256 digest, as gxtrack keeps
it), as any real app would. It serves the shapes
the gxtrack API serves for the bench's workload:

    POST /api/v1/projects                   register (JSON in, the row out, 201)
    POST /api/v1/projects/<id>/stage        move forward, with expected_version
    GET  /api/v1/projects?stage&industry&zone&q&sort&page&page_size
    GET  /api/v1/projects/<id>              the project page's data

SQLite (one file, WAL, a connection per thread) or PostgreSQL through psycopg
(a connection pool). `load(url, rows)` fills the table from gxtrack's pool rows,
so both apps answer from the same projects.

    BASELINE_DATABASE_URL=sqlite:///path.db  waitress-serve --call bench.baseline:create_app
    BASELINE_DATABASE_URL=postgresql://…?schema=s  gunicorn 'bench.baseline:create_app()'
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, abort, jsonify, request

from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES
from domain.stages import Stage

STAGES = ("negotiating", "signed", "landed", "producing", "withdrawn")
COLUMNS = (
    "id", "name", "investor", "industry", "zone", "investment", "officer",
    "priority", "enterprise_id", "stage", "stage_date", "negotiating_on",
    "signed_on", "landed_on", "producing_on", "withdrawn_on", "planned_signed",
    "planned_landed", "planned_producing", "progress_on", "progress_note",
    "stall_level", "stall_rule", "stall_days", "stall_since", "version",
    "updated_at", "created_at", "search",
)  # fmt: skip
# What a list item shows, by name: the shape gxtrack's API returns, so both
# apps encode the same JSON (stage, industry and zone names included).
STAGE_LABELS = {s.value: s.label for s in Stage}
LIST_COLUMNS = ", ".join(c for c in COLUMNS if c != "search")
SORTS = {"updated": "updated_at", "name": "name", "investment": "investment"}
DDL = (
    "CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " investor TEXT NOT NULL, industry TEXT NOT NULL, zone TEXT NOT NULL,"
    " investment BIGINT NOT NULL, officer TEXT, priority TEXT, enterprise_id TEXT,"
    " stage TEXT NOT NULL, stage_date TEXT, negotiating_on TEXT, signed_on TEXT,"
    " landed_on TEXT, producing_on TEXT, withdrawn_on TEXT, planned_signed TEXT,"
    " planned_landed TEXT, planned_producing TEXT, progress_on TEXT,"
    " progress_note TEXT, stall_level TEXT, stall_rule TEXT, stall_days INTEGER,"
    " stall_since TEXT, version INTEGER NOT NULL,"
    " updated_at TEXT NOT NULL, created_at TEXT NOT NULL, search TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS projects_filter"
    " ON projects (stage, industry, zone, updated_at)",
    "CREATE INDEX IF NOT EXISTS projects_updated ON projects (updated_at)",
    "CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, name TEXT NOT NULL)",
)


class Store:
    """A connection per call site: SQLite per thread, PostgreSQL from a pool."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        if self.postgres:
            from psycopg_pool import ConnectionPool

            base, _, query = url.partition("?")
            schema = query.partition("schema=")[2] or "public"
            self.pool = ConnectionPool(
                base,
                min_size=4,
                max_size=8,
                kwargs={"options": f"-c search_path={schema}"},
                open=True,
            )
        else:
            self.path = url.removeprefix("sqlite:///")
            self.local = threading.local()

    def _sqlite(self) -> sqlite3.Connection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL by default, as a careful developer would set it in WAL mode;
            # FULL (BASELINE_SQLITE_SYNCHRONOUS=FULL) syncs every commit to disk,
            # as gxtrack's event store does (its read models must never be
            # ahead of the log after a power cut), for a like-for-like run.
            sync = os.environ.get("BASELINE_SQLITE_SYNCHRONOUS", "NORMAL").upper()
            if sync not in ("NORMAL", "FULL"):
                raise SystemExit(
                    f"BASELINE_SQLITE_SYNCHRONOUS: NORMAL or FULL, not {sync}"
                )
            conn.execute(f"PRAGMA synchronous={sync}")
            self.local.conn = conn
        return conn

    @contextmanager
    def cursor(self, write: bool = False) -> Iterator[Any]:
        """A cursor in one transaction (`?` placeholders on both databases)."""
        if self.postgres:
            with self.pool.connection() as conn, conn.cursor() as cur:
                yield _QmarkCursor(cur)
            return
        conn = self._sqlite()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn.cursor()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def setup(self) -> None:
        """Create the tables and indexes (idempotent)."""
        with self.cursor(write=True) as cur:
            for statement in DDL:
                cur.execute(statement)


class _QmarkCursor:
    """psycopg's cursor taking SQLite's `?` placeholders."""

    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        self.cur.execute(sql.replace("?", "%s"), list(params))
        return self

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        self.cur.executemany(sql.replace("?", "%s"), [list(r) for r in rows])

    def fetchone(self) -> Any:
        return self.cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cur.fetchall()


def load(url: str, rows: Iterable[dict[str, Any]], tokens: dict[str, str]) -> int:
    """Fill a fresh baseline table with these projects and tokens."""
    store = Store(url)
    with store.cursor(write=True) as cur:
        cur.execute("DROP TABLE IF EXISTS projects")
        cur.execute("DROP TABLE IF EXISTS tokens")
    store.setup()
    marks = ", ".join("?" for _ in COLUMNS)
    count = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(tuple(row.get(c) for c in COLUMNS))
        if len(batch) >= 2000:
            with store.cursor(write=True) as cur:
                cur.executemany(f"INSERT INTO projects VALUES ({marks})", batch)
            count += len(batch)
            batch.clear()
    with store.cursor(write=True) as cur:
        if batch:
            cur.executemany(f"INSERT INTO projects VALUES ({marks})", batch)
        count += len(batch)
        for token, name in tokens.items():
            digest = hashlib.sha256(token.encode()).hexdigest()
            cur.execute("INSERT INTO tokens VALUES (?, ?)", (digest, name))
        if store.postgres:
            cur.execute("ANALYZE projects")
        else:
            cur.execute("ANALYZE")
    return count


def _row(values: Iterable[Any]) -> dict[str, Any]:
    """A row as the API item gxtrack returns (nested dates, progress, stall)."""
    r = dict(zip((c for c in COLUMNS if c != "search"), values, strict=True))
    return {
        "id": r["id"],
        "name": r["name"],
        "investor": r["investor"],
        "industry": r["industry"],
        "industry_name": DEFAULT_INDUSTRIES.get(r["industry"], ""),
        "zone": r["zone"],
        "zone_name": DEFAULT_ZONES.get(r["zone"], ""),
        "planned_investment": f"{r['investment'] / 10000:.2f}",
        "priority": r["priority"],
        "officer": r["officer"],
        "enterprise_id": r["enterprise_id"],
        "stage": r["stage"],
        "stage_label": STAGE_LABELS[r["stage"]],
        "stage_date": r["stage_date"],
        "stage_dates": {s: r[f"{s}_on"] for s in STAGES if r[f"{s}_on"]},
        "planned_dates": {
            s: r[f"planned_{s}"]
            for s in ("signed", "landed", "producing")
            if r[f"planned_{s}"]
        },
        "last_progress": {"date": r["progress_on"], "note": r["progress_note"]}
        if r["progress_on"]
        else None,
        "stall": {
            "level": r["stall_level"],
            "rule": r["stall_rule"],
            "days_in_stage": r["stall_days"],
            "since": r["stall_since"],
        }
        if r["stall_level"]
        else None,
        "version": r["version"],
        "updated_at": r["updated_at"],
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def create_app(url: str | None = None) -> Flask:
    """The plain app over the table at `url` (default: $BASELINE_DATABASE_URL)."""
    store = Store(url or os.environ["BASELINE_DATABASE_URL"])
    app = Flask(__name__)

    @app.before_request
    def authenticate() -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        digest = hashlib.sha256(token.strip().encode()).hexdigest()
        with store.cursor() as cur:
            found = cur.execute(
                "SELECT name FROM tokens WHERE token = ?", (digest,)
            ).fetchone()
        if scheme.lower() != "bearer" or found is None:
            abort(401)

    @app.get("/api/v1/projects")
    def list_projects() -> Any:
        args = request.args
        where, params = [], []
        for key in ("stage", "industry", "zone"):
            if args.get(key):
                where.append(f"{key} = ?")
                params.append(args[key])
        if args.get("q"):
            where.append("search LIKE ?")
            params.append(f"%{args['q'].strip().lower()}%")
        sort = args.get("sort", "-updated")
        column = SORTS.get(sort.lstrip("-"))
        if column is None:
            return jsonify(message=f"unsupported sort: {sort}"), 422
        direction = "DESC" if sort.startswith("-") else "ASC"
        size = min(max(int(args.get("page_size", 50)), 1), 200)
        page = max(int(args.get("page", 1)), 1)
        clause = " FROM projects" + (" WHERE " + " AND ".join(where) if where else "")
        with store.cursor() as cur:
            total = cur.execute("SELECT COUNT(*)" + clause, params).fetchone()[0]
            rows = cur.execute(
                f"SELECT {LIST_COLUMNS}{clause} ORDER BY {column} {direction},"
                f" id {direction} LIMIT ? OFFSET ?",
                [*params, size, (page - 1) * size],
            ).fetchall()
        return jsonify(items=[_row(r) for r in rows], total=total)

    @app.post("/api/v1/projects")
    def register() -> Any:
        body = request.get_json(silent=True) or {}
        for key in ("name", "investor", "industry", "zone", "planned_investment"):
            if not body.get(key):
                return jsonify(message=f"{key} is required", field=key), 422
        stage = body.get("stage", "negotiating")
        if stage not in ("negotiating", "signed"):
            return jsonify(message="stage", field="stage"), 422
        day = body.get("stage_date") or date.today().isoformat()
        now = _now()
        row = {
            "id": str(uuid.uuid4()),
            "name": body["name"],
            "investor": body["investor"],
            "industry": body["industry"],
            "zone": body["zone"],
            "investment": round(float(body["planned_investment"]) * 10000),
            "officer": body.get("officer") or "bench_admin",
            "priority": body.get("priority", "normal"),
            "stage": stage,
            "stage_date": day,
            f"{stage}_on": day,
            "version": 1,
            "updated_at": now,
            "created_at": now,
            "search": f"{body['name']} {body['investor']}".lower(),
        }
        marks = ", ".join("?" for _ in COLUMNS)
        with store.cursor(write=True) as cur:
            cur.execute(
                f"INSERT INTO projects VALUES ({marks})", [row.get(c) for c in COLUMNS]
            )
        return jsonify(_row(row.get(c) for c in COLUMNS if c != "search")), 201

    @app.get("/api/v1/projects/<project_id>")
    def project(project_id: str) -> Any:
        with store.cursor() as cur:
            found = cur.execute(
                f"SELECT {LIST_COLUMNS} FROM projects WHERE id = ?", (project_id,)
            ).fetchone()
        if found is None:
            abort(404)
        return jsonify(_row(found))

    @app.post("/api/v1/projects/<project_id>/stage")
    def move(project_id: str) -> Any:
        body = request.get_json(silent=True) or {}
        to, day = body.get("to"), body.get("date")
        if to not in STAGES or not day:
            return jsonify(message="to/date", field="to"), 422
        lock = " FOR UPDATE" if store.postgres else ""
        with store.cursor(write=True) as cur:
            found = cur.execute(
                f"SELECT {LIST_COLUMNS} FROM projects WHERE id = ?{lock}",
                (project_id,),
            ).fetchone()
            if found is None:
                abort(404)
            row = _row(found)
            if row["version"] != body.get("expected_version"):
                return jsonify(message="version conflict"), 409
            if to != "withdrawn" and STAGES.index(to) <= STAGES.index(row["stage"]):
                return jsonify(message="not forward", field="to"), 422
            row.update({"stage": to, "stage_label": STAGE_LABELS[to]})
            row.update({"stage_date": day, "updated_at": _now()})
            row["stage_dates"][to] = day
            row["version"] += 1
            cur.execute(
                f"UPDATE projects SET stage = ?, stage_date = ?, {to}_on = ?,"
                " version = ?, updated_at = ? WHERE id = ?",
                (to, day, day, row["version"], row["updated_at"], project_id),
            )
        return jsonify(row)

    return app
