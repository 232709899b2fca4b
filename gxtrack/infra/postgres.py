"""The production store: PostgreSQL through a psycopg connection pool."""

from __future__ import annotations

import functools
import hashlib
import re
import select
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gxtrack.infra.db import RECONNECT_SECONDS, Cursor, Database, Row
from gxtrack.infra.lock import StoreLock


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
    skip_locked = " FOR UPDATE SKIP LOCKED"
    row_key = None
    plpgsql_triggers = True
    fts5_trigram = False

    def trigram_ops(self, cur: Cursor) -> str | None:
        """pg_trgm's GIN operator class, named with its schema; the extension
        is added (to public) if it is missing and may be; None if it may not.

        pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may
        add it. Named with its schema, the class is found whatever schema the
        read models use.
        """
        found = cur.fetchone(
            "SELECT n.nspname AS schema FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
        if found is None:
            import psycopg

            cur.execute("SAVEPOINT add_trigram")
            try:
                cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            except psycopg.Error:
                cur.execute("ROLLBACK TO SAVEPOINT add_trigram")
                return None
            cur.execute("RELEASE SAVEPOINT add_trigram")
            found = {"schema": "public"}
        return f"{found['schema']}.gin_trgm_ops"

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
        self._closed = False
        self._listeners: list[Any] = []  # LISTEN connections, closed with the pool
        self._listeners_lock = threading.Lock()
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

    def tuples(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement as tuples, on an autocommit connection (one round trip)."""
        with self.pool.connection() as conn, conn.cursor() as raw:
            return Cursor(self, raw).tuples(text, params)

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

    def announce(self, cur: Cursor, channel: str, payload: str) -> None:
        """NOTIFY: delivered when the transaction commits, not before."""
        cur.execute("SELECT pg_notify(?, ?)", (self._channel(channel), payload))

    def listen(self, channel: str) -> Iterator[str]:
        """LISTEN on a connection of its own, opened at the first look."""
        return self._listening(self._channel(channel))

    def _channel(self, channel: str) -> str:
        # Channels are the database's and read models the schema's: each
        # schema (a test's, a bench's) hears its own.
        digest = hashlib.sha1((self.schema or "public").encode()).hexdigest()[:12]
        return f"{channel}_{digest}"

    def _listening(self, channel: str) -> Iterator[str]:
        import psycopg
        from psycopg import sql

        conn = psycopg.connect(**self.params, autocommit=True)
        with self._listeners_lock:
            self._listeners.append(conn)
        try:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            yield ""  # listening: what is announced from now on is heard
            while not self._closed:
                # A second at most between looks at whether to stop.
                for notice in conn.notifies(timeout=1.0):
                    yield notice.payload
        except psycopg.Error:
            if not self._closed:
                raise
        finally:
            with self._listeners_lock:
                self._listeners.remove(conn)
            conn.close()

    def close(self) -> None:
        self._closed = True
        with self._listeners_lock:
            listeners = list(self._listeners)
        for conn in listeners:  # their listen() ends
            conn.close()
        self.pool.close()
