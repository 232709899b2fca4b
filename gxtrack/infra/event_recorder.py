"""The event recorders: eventsourcing's own, their saves grouped across threads.

Each records a save as the library does (the same statements, notification ids
and errors), but the saves of concurrent requests share one transaction
(gxtrack.infra.group_commit), each in a savepoint of its own.

On PostgreSQL, eventsourcing sends a save in psycopg's pipeline mode. Past
several megabytes of events in one save (a ledger import of a few thousand
rows: each event carries its row's source) the client and the server each
waited for the other and the save never returned. A save is the table lock, a
NOTIFY and one INSERT: pipelining them gains nothing, so here they run in an
ordinary transaction, one lock and one NOTIFY for the whole group.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry

from gxtrack.infra.group_commit import GroupCommit, Pending


class _Grouped:
    """A recorder whose saves go through a GroupCommit to its `_write_group`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._group = GroupCommit(self._write_group)

    def _write_group(self, group: list[Pending]) -> None:
        raise NotImplementedError


class SQLiteEventRecorder(_Grouped, SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder, its saves grouped."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record the events, with other threads' saves; their notification ids."""
        if not stored_events:
            return []
        return self._group.submit((stored_events, kwargs))

    def _write_group(self, group: list[Pending]) -> None:
        with self.datastore.transaction(commit=True) as c:
            for pending in group:
                stored_events, kwargs = pending.work
                c.execute("SAVEPOINT save")
                try:
                    pending.result = self._insert_events(c, stored_events, **kwargs)
                except sqlite3.IntegrityError as error:
                    pending.error = IntegrityError(error)
                    c.execute("ROLLBACK TO save")
                c.execute("RELEASE save")


class PostgresEventRecorder(_Grouped, PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL application recorder, its saves grouped and
    sent without a pipeline."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Record the events, with other threads' saves; their notification ids."""
        if self.datastore.enable_db_functions:  # one function call: no pipeline
            return super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return None
        return self._group.submit((stored_events, kwargs))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _write_group(self, group: list[Pending]) -> None:
        for pending in group:  # a retry starts the group afresh
            pending.result = pending.error = None
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._lock_table(curs)
            self._notify_channel(curs)
            for pending in group:
                stored_events, kwargs = pending.work
                try:
                    with conn.transaction():  # a savepoint
                        PostgresAggregateRecorder._insert_stored_events(
                            self, curs, stored_events, **kwargs
                        )
                        pending.result = self._fetch_ids_after_insert_events(
                            curs, stored_events, **kwargs
                        )
                except psycopg.IntegrityError as error:
                    pending.error = IntegrityError(str(error))
