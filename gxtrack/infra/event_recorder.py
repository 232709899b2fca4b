"""The event recorders: eventsourcing's own, their saves grouped across threads.

Each records a save as the library does (the same statements, notification ids
and errors), but the saves of concurrent requests share one transaction
(gxtrack.infra.group_commit), each in a savepoint of its own.

On PostgreSQL, eventsourcing sends a save in psycopg's pipeline mode. Past
several megabytes of events in one save (a ledger import of a few thousand
rows: each event carries its row's source) the client and the server each
waited for the other and the save never returned. Here a group is one call of
a function on the server (the table lock, one NOTIFY, each save's INSERT):
one statement, sent whole and answered whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

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
    each group written by one call of a function on the server.

    The events table's lock orders the notification ids by commit, so it is
    held until the commit. Sent as statements, a group held it through a
    round trip per statement (lock, NOTIFY, and a savepoint, an INSERT and a
    release per save, then COMMIT); under load every round trip waited for
    the client's process to get a core, and every other save in the district
    waited behind it (under 20 clients a save took 30 ms for 0.8 ms of CPU).
    In one call on an autocommit connection, the lock is taken and let go by
    the server, within the one statement's transaction.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = Identifier(self.datastore.schema)
        self._save_groups = SQL(
            # Binary parameters (%b): as text, every state of a big save was
            # escaped by a regular expression, most of its time in Python.
            "SELECT save_no, notification_ids FROM {0}.{1}(%b::{2}[],"
            " %b::bigint[], %b::text[], %b::bytea[], %b::integer[])"
        ).format(
            schema,
            Identifier(SAVE_GROUP_FUNCTION),
            SQL(self.datastore.originator_id_type),
        )
        self.sql_create_statements.append(
            SQL(SAVE_GROUP_SQL).format(
                schema=schema,
                function=Identifier(SAVE_GROUP_FUNCTION),
                table=Identifier(self.events_table_name),
                channel=Identifier(self.channel_name),
                id_type=SQL(self.datastore.originator_id_type),
                lock_timeout=SQL(str(int(self.datastore.lock_timeout))),
            )
        )

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
        ids: list[Any] = []
        versions: list[int] = []
        topics: list[str] = []
        states: list[bytes] = []
        ends: list[int] = []  # where each save's events end in the lists
        for pending in group:  # a retry starts the group afresh
            pending.result = pending.error = None
            for event in pending.work[0]:
                ids.append(event.originator_id)
                versions.append(event.originator_version)
                topics.append(event.topic)
                states.append(event.state)
            ends.append(len(ids))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                self._save_groups, (ids, versions, topics, states, ends), prepare=True
            )
            for row in curs.fetchall():
                pending = group[row["save_no"] - 1]
                recorded = row["notification_ids"]
                if recorded is None:  # one of its events is recorded already
                    pending.error = IntegrityError(
                        "duplicate key value violates unique constraint"
                        " (originator_id, originator_version)"
                    )
                else:
                    pending.result = recorded


SAVE_GROUP_FUNCTION = "gx_save_group"
# A group of saves in one statement: the table's lock, one NOTIFY, and each
# save's events in a block of its own (a subtransaction), so that a save whose
# event is recorded already (an aggregate changed meanwhile) fails alone. Each
# save's notification ids, in its events' order, or NULL for a failed save.
# A save's events are its slice of the arrays, unnested: taken one subscript
# at a time (e_states[n]), each element of a bytea[] was found by walking the
# array from its start, and a ledger import's save of 10k events took a second.
SAVE_GROUP_SQL = """
CREATE OR REPLACE FUNCTION {schema}.{function}(
    e_ids {id_type}[], e_versions bigint[], e_topics text[], e_states bytea[],
    e_ends integer[]
) RETURNS TABLE (save_no integer, notification_ids bigint[])
LANGUAGE plpgsql AS $body$
DECLARE
    lo integer := 1;
    recorded bigint[];
BEGIN
    SET LOCAL lock_timeout = '{lock_timeout}s';
    LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE;
    NOTIFY {channel};
    FOR i IN 1 .. coalesce(array_length(e_ends, 1), 0) LOOP
        BEGIN
            WITH added AS (
                INSERT INTO {schema}.{table}
                    (originator_id, originator_version, topic, state)
                SELECT u.id, u.version, u.topic, u.state
                FROM unnest(
                    e_ids[lo:e_ends[i]], e_versions[lo:e_ends[i]],
                    e_topics[lo:e_ends[i]], e_states[lo:e_ends[i]]
                ) WITH ORDINALITY AS u(id, version, topic, state, n)
                ORDER BY u.n
                RETURNING notification_id
            )
            SELECT array_agg(added.notification_id ORDER BY added.notification_id)
            INTO recorded FROM added;
        EXCEPTION WHEN unique_violation THEN
            recorded := NULL;
        END;
        save_no := i;
        notification_ids := recorded;
        RETURN NEXT;
        lo := e_ends[i] + 1;
    END LOOP;
END
$body$
"""
