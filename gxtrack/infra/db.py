"""The SQL database behind the read models and credentials, SQLite or PostgreSQL.

Queries are written once with `?` placeholders and portable SQL; the few dialect
differences (placeholders, locking a row, connection set-up) live here.
"""

from __future__ import annotations

import functools
import re
import select
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gxtrack.infra.lock import StoreLock

Row = dict[str, Any]
# psycopg_pool retries a lost connection with exponential backoff for this long,
# then gives the slot up; the next request opens a fresh one at once. Kept short
# so a pool recovers within seconds of PostgreSQL coming back, not minutes.
RECONNECT_SECONDS = 5.0
# "INSERT INTO t (a, b) VALUES (?, NULL)" and nothing more: on PostgreSQL many
# rows of it go as one statement over arrays (Cursor._insert_unnest).
_PLAIN_INSERT = re.compile(
    r"\s*INSERT INTO (\w+) \(([\w, ]+)\) VALUES \(((?:\?|NULL|, )+)\)\s*$", re.I
)
UNNEST_MIN_ROWS = 50
CHECKPOINT_PAGES = 16384  # 64 MB of 4 KB pages: see SQLiteDatabase._connect
BULK_CHECKPOINT_PAGES = 262144  # 1 GB, while a rebuild runs


class Database:
    """A connection source with transactions and dict rows.

    Callers never ask which database this is: what differs between the two
    (locking rows, aggregating text, sort memory, locks, triggers) is asked of
    the database itself, through the attributes and methods below.
    """

    kind = "sqlite"
    # Appended to a SELECT whose rows the transaction then updates. SQLite needs
    # none: a writer's BEGIN IMMEDIATE already holds the whole database.
    for_update = ""
    # Whether row triggers are written as one PL/pgSQL function (PostgreSQL)
    # rather than as SQL trigger bodies (SQLite).
    plpgsql_triggers = False

    def concat_agg(self, expr: str, order_by: str) -> str:
        """An aggregate joining `expr` over rows in `order_by` order, no separator.

        SQLite's group_concat follows the order of its (ordered) input rows.
        """
        return f"group_concat({expr}, '')"

    def roomy_sorts(self, cur: Cursor) -> None:
        """Let the rest of this transaction sort in memory (a big one-off fill)."""

    def sql(self, text: str) -> str:
        """The statement in this dialect's placeholder style."""
        return text

    @contextmanager
    def transaction(self, write: bool = True, bulk: bool = False) -> Iterator[Cursor]:
        """A transaction; `write=False` for reads that need no write lock.

        `bulk` marks a batch of many small writes (the dialect may pipeline).
        """
        raise NotImplementedError  # pragma: no cover - each dialect has its own
        yield

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Around a long run of big write transactions (a rebuild) in this thread."""
        yield

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows of a query, as dicts."""
        with self.transaction(write=False) as cur:
            return cur.fetchall(text, params)

    def fetchone(self, text: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        rows = self.fetchall(text, params)
        return rows[0] if rows else None

    def scalar(self, text: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.fetchone(text, params)
        return next(iter(row.values())) if row else None

    def column_types(self, cur: Cursor, table: str) -> dict[str, str]:
        """A table's column types, for dialects that cast parameters."""
        raise NotImplementedError

    def lock(self, purpose: str, directory: Path | str | None = None) -> StoreLock:
        """The store's lock for `purpose` (gxtrack.infra.lock); `directory`
        overrides where SQLite keeps its lock file."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""


class Cursor:
    """A thin cursor wrapper that adapts placeholders and returns dict rows."""

    def __init__(self, db: Database, raw: Any, pipeline: Any = None) -> None:
        self.db = db
        self.raw = raw
        # PostgreSQL pipeline mode: a query must wait for the replies to the
        # statements queued before it, or the cursor may hand back one of
        # theirs ("the last operation didn't produce records").
        self.pipeline = pipeline
        # Projections run millions of statements: skip the no-op translation.
        self._native = db.kind == "sqlite"

    def execute(self, text: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement."""
        if self._native:
            self.raw.execute(text, params)
        else:
            self.raw.execute(self.db.sql(text), tuple(params))
        return self

    def executemany(self, text: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many parameter rows."""
        if not rows:
            return
        if not self._native and len(rows) >= UNNEST_MIN_ROWS:
            insert = _PLAIN_INSERT.match(text)
            if insert:
                self._insert_unnest(*insert.groups(), rows)
                return
        if self._native:  # sqlite3 takes lists as they are: no copy per row
            self.raw.executemany(text, rows)
        else:
            self.raw.executemany(self.db.sql(text), [tuple(r) for r in rows])

    def _insert_unnest(
        self, table: str, columns: str, values: str, rows: Sequence[Sequence[Any]]
    ) -> None:
        """Many rows as one INSERT … SELECT FROM unnest(arrays) (PostgreSQL).

        executemany sends a statement per row, and psycopg's per-row work was
        the largest part of a rebuild; one array per column is one statement.
        Columns given as NULL in the VALUES list are left to their default.
        """
        names = [c.strip() for c in columns.split(",")]
        given = [n for n, v in zip(names, values.split(","), strict=True) if "?" in v]
        types = self.db.column_types(self, table)
        arrays = [list(column) for column in zip(*rows, strict=True)]
        casts = ", ".join(f"%b::{types[n]}[]" for n in given)
        self.raw.execute(
            f"INSERT INTO {table} ({', '.join(given)}) SELECT * FROM unnest({casts})",
            arrays,
        )

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query and return its rows as dicts."""
        rows = self.tuples(text, params)  # first: then the description is its own
        names = [d[0] for d in self.raw.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def tuples(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return the driver's own rows (tuples): for hot paths."""
        if self.pipeline is not None:
            self.pipeline.sync()
        self.execute(text, params)
        return self.raw.fetchall()

    def fetchone(self, text: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        rows = self.fetchall(text, params)
        return rows[0] if rows else None

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self.raw.rowcount


class SQLiteDatabase(Database):
    """A SQLite file (or shared in-memory database), one connection per thread."""

    kind = "sqlite"

    def __init__(self, path: Path | str | None) -> None:
        # The file, or None for an in-memory database.
        self.path = None if path is None else Path(path).resolve()
        if self.path is None:
            self.target = f"file:gxtrack-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.target = f"file:{self.path}"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._purpose_locks: dict[str, Any] = {}
        # Shared-cache memory databases lock per table and report a conflict at
        # once (SQLITE_LOCKED) instead of waiting like a file does, so their
        # transactions take turns within the process.
        self._turns = threading.RLock() if path is None else None
        # An in-memory database lives as long as one connection to it is open.
        self._keeper = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.target,
            uri=True,
            timeout=30,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        # 32 MB page cache (default 2 MB): the pool's rows and indexes at 100k
        # projects stay in memory while projections update them at random.
        conn.execute("PRAGMA cache_size=-32768")
        conn.execute("PRAGMA temp_store=MEMORY")
        # Checkpoint every 64 MB of WAL, not every 4 MB: a projection batch dirties
        # thousands of pages, and a checkpoint after each one rewrote them all
        # into the database file (about 15% of a rebuild's CPU time).
        conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        conn.execute("PRAGMA journal_size_limit=134217728")  # WAL back to 128 MB
        with self._lock:
            self._all.append(conn)
        return conn

    def connection(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def transaction(self, write: bool = True, bulk: bool = False) -> Iterator[Cursor]:
        """BEGIN IMMEDIATE for writers, so they queue on SQLite's lock, not fail."""
        conn = self.connection()
        if conn.in_transaction:  # nested use joins the open transaction
            yield Cursor(self, conn.cursor())
            return
        if self._turns is None:
            with self._run(conn, write) as cur:
                yield cur
            return
        with self._turns, self._run(conn, write) as cur:
            yield cur

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Checkpoint the WAL once at the end, not every 64 MB; drop tables fast.

        A rebuild rewrites the same B-tree pages batch after batch; each
        checkpoint copied them all into the database file again (about a
        sixth of a rebuild's time). Past 1 GB of WAL it checkpoints anyway,
        so the disk the WAL takes stays bounded.

        Debian builds SQLite with secure_delete on: dropping a read model's
        tables zeroed every freed page, and wrote each one to the WAL (about a
        second and a half at 100k projects). Their content is derived from
        the event log, which keeps it anyway, so a rebuild uses FAST: deleted
        content is still zeroed wherever that costs no extra write.
        """
        conn = self.connection()
        secure = conn.execute("PRAGMA secure_delete").fetchone()[0]
        conn.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
        conn.execute("PRAGMA secure_delete=FAST")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA secure_delete={int(secure)}")
            conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
            # PASSIVE: never waits on readers; journal_size_limit then trims the
            # file once the WAL restarts.
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @contextmanager
    def _run(self, conn: sqlite3.Connection, write: bool) -> Iterator[Cursor]:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield Cursor(self, conn.cursor())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def lock(self, purpose: str, directory: Path | str | None = None) -> StoreLock:
        """A file lock next to the database file; a thread lock in memory."""
        if directory is None and self.path is not None:
            directory = self.path.parent
        if directory is not None:
            return StoreLock(purpose, directory=directory)
        with self._lock:
            local = self._purpose_locks.setdefault(purpose, threading.Lock())
        return StoreLock(purpose, local=local)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def check_connection(conn: Any) -> None:
    """The pool's check on checkout, without a round trip for a healthy connection.

    An idle connection has nothing to read; when its socket is readable the
    server has closed it or sent an error (a restart sends "terminating
    connection"), so only then is it pinged, which raises and makes the pool
    replace it. A healthy connection costs one poll(), not a query.
    """
    import psycopg
    from psycopg_pool import ConnectionPool

    if conn.closed:
        raise psycopg.OperationalError("connection closed")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        ConnectionPool.check_connection(conn)


# What a statement may hold besides `?`: quoted text, a dollar-quoted body, `%`.
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|\$\$.*?\$\$|[?%]", re.S)


def _format_token(match: re.Match[str]) -> str:
    token = match.group()
    return "%s" if token == "?" else token.replace("%", "%%")


@functools.lru_cache(maxsize=4096)
def format_placeholders(text: str) -> str:
    """A `?` statement in psycopg's `%s` style: the one translation of the two.

    `?` becomes `%s` outside quoted text ('…', "…", $$…$$); a `%` anywhere is
    doubled, since psycopg reads it as a placeholder even inside a literal.
    Statements are few and run often: each is translated once.
    """
    if not any(mark in text for mark in ("'", '"', "$$", "%")):
        return text.replace("?", "%s")  # most statements: no quotes at all
    return _TOKENS.sub(_format_token, text)


def connection_kwargs(params: dict[str, str]) -> dict[str, Any]:
    """psycopg.connect() arguments for parsed GXTRACK_DATABASE_URL parameters."""
    kwargs: dict[str, Any] = {
        "host": params["host"],
        "port": params["port"],
        "dbname": params["dbname"],
        "user": params["user"],
        "connect_timeout": 5,
    }
    if params.get("password"):
        kwargs["password"] = params["password"]
    # Plan every execution for its parameters: psycopg prepares a statement
    # after a few runs, and PostgreSQL may then keep a generic plan made
    # while a read-model table was nearly empty — a sequential scan that
    # made a scan's 10k flags quadratic (4.5 s waiting on the server).
    options = ["-c plan_cache_mode=force_custom_plan"]
    if params.get("schema"):
        options.append(f"-c search_path={params['schema']}")
    kwargs["options"] = " ".join(options)
    return kwargs


class PostgresDatabase(Database):
    """PostgreSQL through a psycopg connection pool."""

    kind = "postgres"
    for_update = " FOR UPDATE"
    plpgsql_triggers = True

    def concat_agg(self, expr: str, order_by: str) -> str:
        return f"string_agg({expr}, '' ORDER BY {order_by})"

    def roomy_sorts(self, cur: Cursor) -> None:
        # Its sorts in memory, not in files: a quarter of the time.
        cur.execute("SET LOCAL work_mem = '64MB'")

    def __init__(self, params: dict[str, str], max_size: int = 8) -> None:
        from psycopg_pool import ConnectionPool

        self.schema = params.get("schema")
        self._column_types: dict[str, dict[str, str]] = {}
        kwargs = connection_kwargs(params)
        self.params = kwargs  # for connections of their own (locks, LISTEN)
        self.pool = ConnectionPool(
            # Single reads skip BEGIN/COMMIT; transaction() still opens one.
            kwargs={**kwargs, "autocommit": True},
            min_size=1,
            max_size=max_size,
            open=True,
            # A request waits this long for a connection, then answers 503; a
            # connection broken by a server restart fails the check on checkout
            # and is replaced, so the pool heals without a process restart.
            timeout=5,
            check=check_connection,
            reconnect_timeout=RECONNECT_SECONDS,
        )

    def sql(self, text: str) -> str:
        return format_placeholders(text)

    def column_types(self, cur: Cursor, table: str) -> dict[str, str]:
        """A table's column types (cached: read models keep their shape)."""
        types = self._column_types.get(table)
        if types is None:
            rows = cur.tuples(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ?",
                (table,),
            )
            types = self._column_types[table] = dict(rows)
        return types

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """One statement on an autocommit connection: one round trip, not three."""
        with self.pool.connection() as conn, conn.cursor() as raw:
            return Cursor(self, raw).fetchall(text, params)

    @contextmanager
    def transaction(self, write: bool = True, bulk: bool = False) -> Iterator[Cursor]:
        """A transaction; `bulk` pipelines the statements (projection batches).

        In pipeline mode statements are sent without waiting for each reply,
        so hundreds of small UPDATEs cost one round trip, not hundreds; a
        fetch simply waits for the replies before it.
        """
        with self.pool.connection() as conn:
            if bulk:
                with conn.pipeline() as pipe, conn.transaction(), conn.cursor() as raw:
                    yield Cursor(self, raw, pipe)
                return
            with conn.transaction(), conn.cursor() as raw:
                yield Cursor(self, raw)

    def lock(self, purpose: str, directory: Path | str | None = None) -> StoreLock:
        """A session advisory lock keyed by (schema, purpose)."""
        return StoreLock(purpose, postgres=self.params, schema=self.schema)

    def close(self) -> None:
        self.pool.close()


def job_store_options(settings: Any) -> dict[str, Any] | None:
    """SQLAlchemyJobStore arguments for the scheduler's job store in the
    project's database (None for a store in memory)."""
    if settings.database_url == "memory://":
        return None
    if settings.is_postgres:
        from sqlalchemy.engine import URL

        params = settings.postgres_params()
        url = URL.create(
            "postgresql+psycopg",
            username=params["user"],
            password=params["password"] or None,
            host=params["host"],
            port=int(params["port"]),
            database=params["dbname"],
        )
        return {"url": url, "tableschema": params.get("schema")}
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return {
        "url": f"sqlite:///{settings.data_dir / 'gxtrack.db'}",
        # Wait out a projection batch holding SQLite's write lock.
        "engine_options": {"connect_args": {"timeout": 30}},
    }


def open_database(settings: Any) -> Database:
    """The read-model database for these settings."""
    if settings.database_url == "memory://":
        return SQLiteDatabase(None)
    if settings.is_postgres:
        return PostgresDatabase(settings.postgres_params())
    return SQLiteDatabase(settings.data_dir / "gxtrack.db")
