"""A PostgreSQL primary with a streaming read replica, as one Database.

Reads (`fetchall` and read-only transactions) go to the replica; writes (and
the projection engine, credentials, locks: everything given `db.primary`) go to
the primary. Read-your-writes: after a command, `wait_for_replica()` takes the
primary's WAL position (`pg_current_wal_lsn()`, which covers every commit made
so far, the command's and its read-model rows included) and waits until the
replica has replayed it (`pg_last_wal_replay_lsn()`), up to a timeout; the
caller turns a timeout into the usual 503 ("saved, lists not yet updated").
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gxtrack.infra.db import Cursor, Database, Row
from gxtrack.infra.lock import StoreLock
from gxtrack.infra.postgres import PostgresDatabase

POLL_SECONDS = 0.005  # streaming replay takes milliseconds: poll finely


class ReplicatedDatabase(Database):
    """Reads from the replica, writes to the primary."""

    kind = "postgres"
    for_update = PostgresDatabase.for_update
    skip_locked = PostgresDatabase.skip_locked
    plpgsql_triggers = PostgresDatabase.plpgsql_triggers
    row_key = PostgresDatabase.row_key
    fts5_trigram = PostgresDatabase.fts5_trigram

    def __init__(self, primary: PostgresDatabase, replica: PostgresDatabase) -> None:
        self._primary = primary
        self.replica = replica
        self.schema = primary.schema
        self.params = primary.params

    @property
    def primary(self) -> Database:
        return self._primary

    def concat_agg(self, expr: str, order_by: str) -> str:
        return self._primary.concat_agg(expr, order_by)

    def roomy_sorts(self, cur: Cursor) -> None:
        self._primary.roomy_sorts(cur)

    def sql(self, text: str) -> str:
        return self._primary.sql(text)

    def column_types(self, cur: Cursor, table: str) -> dict[str, str]:
        return self._primary.column_types(cur, table)

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        return self.replica.fetchall(text, params)

    def tuples(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.replica.tuples(text, params)

    @contextmanager
    def transaction(self, write: bool = True, bulk: bool = False) -> Iterator[Cursor]:
        target = self._primary if write else self.replica
        with target.transaction(write, bulk) as cur:
            yield cur

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        with self._primary.bulk_load():
            yield

    def lock(self, purpose: str, directory: Path | str | None = None) -> StoreLock:
        return self._primary.lock(purpose, directory)

    def wait_for_replica(self, timeout: float) -> bool:
        """Wait until the replica has replayed every commit made so far."""
        lsn = self._primary.scalar("SELECT pg_current_wal_lsn()::text AS lsn")
        deadline = time.monotonic() + timeout
        while True:
            if self.replica.scalar(
                # A "replica" that is a primary itself has no replay position.
                "SELECT COALESCE(pg_last_wal_replay_lsn() >= ?::pg_lsn,"
                " NOT pg_is_in_recovery()) AS done",
                (lsn,),
            ):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(POLL_SECONDS)

    def close(self) -> None:
        self.replica.close()
        self._primary.close()
