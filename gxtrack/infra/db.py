"""The SQL database behind the read models and credentials, SQLite or PostgreSQL.

Queries are written once with `?` placeholders and portable SQL; the few dialect
differences (placeholders, locking a row, connection set-up) live in this
package: the shared interface here, each store in gxtrack/infra/sqlite.py and
gxtrack/infra/postgres.py.
"""

from __future__ import annotations

import re
import sqlite3
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
# "INSERT INTO t (a, b) VALUES (?, NULL)" and nothing more: on SQLite many rows
# of it go as multi-row VALUES lists (Cursor.insert_together).
_VALUES_INSERT = r"\s*INSERT INTO (\w+) \(([\w, ]+)\) VALUES \(((?:\?|NULL|, )+)\)"
_PLAIN_INSERT = re.compile(_VALUES_INSERT + r"\s*$", re.I)
# The same, or ending in what to do on a conflict: nothing, or (when the rows
# are distinct by the conflict's key) an update. PostgreSQL takes any of them
# for many rows as one INSERT … SELECT FROM unnest(…) with the same ending.
_UNNEST_INSERT = re.compile(
    _VALUES_INSERT
    + r"(\s+ON CONFLICT \([\w, ]+\) DO (NOTHING|UPDATE SET [^?%]+))?\s*$",
    re.I | re.S,
)
UNNEST_MIN_ROWS = 50
# Rows per multi-row INSERT on SQLite at most (fewer when the columns are many:
# SQLite allows so many parameters a statement). Each statement holds a power
# of two of rows, so the few texts stay in sqlite3's statement cache: parsing a
# VALUES list of a new length each time cost more than it saved.
TOGETHER_MAX_ROWS = 256


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
    # The same, but rows another transaction holds are left out instead of
    # waited for: a caller that finds some missing knows someone else is at
    # them. SQLite's BEGIN IMMEDIATE holds the whole database, so every row
    # comes back (another process's writer is waited for, as SQLite does).
    skip_locked = ""
    # Whether row triggers are written as one PL/pgSQL function (PostgreSQL)
    # rather than as SQL trigger bodies (SQLite).
    plpgsql_triggers = False
    # A column naming a row in its table, for choosing rows narrow (from an
    # index) before reading them whole; None where the planner does it itself.
    row_key: str | None = "rowid"
    # Whether text is searched through an FTS5 trigram table (SQLite 3.34+)
    # rather than by LIKE alone (gxtrack/readmodels/pool/text_search.py).
    fts5_trigram = sqlite3.sqlite_version_info >= (3, 34, 0)

    def announce(self, cur: Cursor, channel: str, payload: str) -> None:
        """Tell the other processes listening on `channel`, when `cur`'s
        transaction commits."""

    def listen(self, channel: str) -> Iterator[str] | None:
        """What is announced on `channel`, as it comes, until the database is
        closed: first "" once listening, then each payload. None where the
        store cannot tell."""
        return None

    def wake(self, channel: str, payload: str) -> None:
        """Tell the process listening on `channel` now, outside any
        transaction. Where the store tells other processes of new events
        itself (PostgreSQL's NOTIFY on the event table), nothing."""

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

    def tuples(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of a query as the driver's tuples (hot paths)."""
        with self.transaction(write=False) as cur:
            return cur.tuples(text, params)

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

    @property
    def primary(self) -> Database:
        """Where writes go and what must be read fresh (tracking positions,
        credentials): this database, or the primary behind a read replica."""
        return self

    def wait_for_replica(self, timeout: float) -> bool:
        """Whether reads see every write committed so far (within `timeout`
        seconds). Without a replica they always do."""
        return True

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
        # Statements of ours sent since the last reply was read. The first
        # query of a transaction has none before it (BEGIN's reply is the
        # driver's own), so it skips the wait: a round trip per batch.
        self._queued = False
        # Projections run millions of statements: skip the no-op translation.
        self._native = db.kind == "sqlite"

    def execute(self, text: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement."""
        self._queued = True
        if self._native:
            self.raw.execute(text, params)
        else:
            self.raw.execute(self.db.sql(text), tuple(params))
        return self

    def executemany(
        self, text: str, rows: Sequence[Sequence[Any]], distinct: bool = False
    ) -> None:
        """Run one statement for many parameter rows.

        `distinct`: no two rows share the key of the statement's ON CONFLICT
        clause, so an upsert may go as one statement (PostgreSQL refuses to
        update a row twice in one).
        """
        if not rows:
            return
        self._queued = True
        if not self._native and len(rows) >= UNNEST_MIN_ROWS:
            insert = _UNNEST_INSERT.match(text)
            if insert and (distinct or (insert.group(5) or "NOTHING") == "NOTHING"):
                table, columns, values, ending, _ = insert.groups()
                self._insert_unnest(table, columns, values, rows, ending or "")
                return
        if self._native:  # sqlite3 takes lists as they are: no copy per row
            self.raw.executemany(text, rows)
        else:
            self.raw.executemany(self.db.sql(text), [tuple(r) for r in rows])

    def insert_together(self, text: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run a plain INSERT (as executemany) for many rows in few statements.

        For a table whose triggers cost per statement: SQLite's FTS5 index
        flushes at the end of each statement, so executemany (a statement per
        row) paid that flush per row. On SQLite the rows go as multi-row
        VALUES lists; PostgreSQL's executemany already makes one statement.
        """
        insert = _PLAIN_INSERT.match(text) if self._native else None
        if insert is None or len(rows) < 2:
            self.executemany(text, rows)
            return
        table, columns, values = insert.groups()
        head = f"INSERT INTO {table} ({columns}) VALUES "
        row = f"({values})"
        limit = self.raw.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        size = TOGETHER_MAX_ROWS
        while size > 1 and size * values.count("?") > limit:
            size //= 2
        done = 0
        while done < len(rows):
            while size > len(rows) - done:
                size //= 2
            part = rows[done : done + size]
            done += size
            self.raw.execute(
                head + ", ".join([row] * size), [v for r in part for v in r]
            )

    def _insert_unnest(
        self,
        table: str,
        columns: str,
        values: str,
        rows: Sequence[Sequence[Any]],
        ending: str = "",
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
            f"INSERT INTO {table} ({', '.join(given)}) SELECT * FROM unnest({casts})"
            + ending,
            arrays,
        )

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a query and return its rows as dicts."""
        rows = self.tuples(text, params)  # first: then the description is its own
        names = [d[0] for d in self.raw.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def tuples(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return the driver's own rows (tuples): for hot paths."""
        if self.pipeline is not None and self._queued:
            self.pipeline.sync()
        self.execute(text, params)
        rows = self.raw.fetchall()
        self._queued = False  # its reply, and so every one before it, is in
        return rows

    def fetchone(self, text: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a query and return its first row, or None."""
        rows = self.fetchall(text, params)
        return rows[0] if rows else None

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self.raw.rowcount


def job_store_options(settings: Any) -> dict[str, Any] | None:
    """SQLAlchemyJobStore arguments for the scheduler's job store in the
    project's database (None for a store in memory)."""
    if settings.in_memory:
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
    from gxtrack.infra.postgres import PostgresDatabase
    from gxtrack.infra.sqlite import SQLiteDatabase

    if settings.in_memory:
        return SQLiteDatabase(None)
    if settings.is_postgres:
        primary = PostgresDatabase(settings.postgres_params())
        if settings.read_database_url:
            from gxtrack.infra.replica import ReplicatedDatabase

            replica = PostgresDatabase(settings.postgres_params(read=True))
            return ReplicatedDatabase(primary, replica)
        return primary
    return SQLiteDatabase(settings.data_dir / "gxtrack.db")
