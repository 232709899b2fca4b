"""Reads the event log for the projection engine, the audit walk and the kept
values: plain rows, ids made once.

The library's `select_notifications()` turns every row into a `Notification`
through keyword arguments and, on SQLite (ids stored as text), builds a `UUID`
for each: together about three microseconds a row, most of a replay's reading
time. A replay reads a million rows and decodes barely half of them, so the
engine reads the same columns with its own query into `Logged` tuples (the same
attribute names). On SQLite each aggregate gets one shared `UUID`, made the
first time it is read; psycopg already returns UUIDs. Any other recorder (the
in-memory one in tests) is read through the library. It sits in gxtrack.infra,
beside the stores, so the read models and the audit both read through it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.utils import retry


class Logged(NamedTuple):
    """One stored event as the engine reads it (a Notification's fields)."""

    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


_as_logged = partial(tuple.__new__, Logged)  # a row tuple as Logged, in C
_UUIDS: dict[Any, UUID] = {}  # stored id (text on SQLite) -> its UUID
# Cleared when full, like gxtrack.infra.ids: a bound of 20k (about 5 MB) keeps
# memory flat however many aggregates the log holds (150k entries took about
# 35 MB); past it, a page's ids are made afresh, one UUID per aggregate.
_UUID_LIMIT = 20_000


def _with_uuids(rows: list[tuple[Any, ...]]) -> list[Logged]:
    """Rows as Logged, each stored id replaced by its aggregate's one UUID."""
    uuids = _UUIDS
    missing = {row[1] for row in rows}.difference(uuids)
    if len(uuids) + len(missing) > _UUID_LIMIT:
        uuids.clear()
        missing = {row[1] for row in rows}
    for text in missing:
        uuids[text] = UUID(text)
    return [_as_logged((n, uuids[o], v, t, s)) for n, o, v, t, s in rows]


def _table(recorder: Any) -> tuple[Any, str, dict[str, Callable[..., Any]]] | None:
    """The recorder's datastore, its events table and the readers for its
    driver; None: read through the library."""
    table = getattr(recorder, "events_table_name", None)
    datastore = getattr(recorder, "datastore", None)
    if (
        table is None
        or datastore is None
        or getattr(datastore, "originator_id_type", "uuid") != "uuid"
    ):
        return None
    # The event store is eventsourcing's, not gxtrack.infra's: its recorder
    # says which driver reads its table fastest.
    if hasattr(datastore, "schema"):
        return datastore, f'"{datastore.schema}"."{table}"', _POSTGRES
    return datastore, table, _SQLITE


def reader(recorder: Any) -> Callable[[int, int], Sequence[Any]]:
    """A function reading up to `limit` stored events from position `start`."""
    found = _table(recorder)
    if found is None:
        return lambda start, limit: [
            Logged(n.id, n.originator_id, n.originator_version, n.topic, n.state)
            for n in recorder.select_notifications(start=start, limit=limit)
        ]
    datastore, table, readers = found
    return partial(readers["events"], datastore, table)


Change = tuple[int, UUID, int]  # position, aggregate, version


def changes_reader(recorder: Any) -> Callable[[int, int], list[Change]]:
    """A function reading what changed from position `start`: (position,
    aggregate, version) of up to `limit` events, without their state.

    Every web request asks this (gxtrack.app.kept): through the library it
    was a transaction and a Notification built per row with the event's body,
    half of a cached page's time; here it is one SELECT of three columns.
    """
    found = _table(recorder)
    if found is None:
        return lambda start, limit: [
            (n.id, n.originator_id, n.originator_version)
            for n in recorder.select_notifications(start=start, limit=limit)
        ]
    datastore, table, readers = found
    return partial(readers["changes"], datastore, table)


EVENT_COLUMNS = "originator_id, originator_version, topic, state"
CHANGE_COLUMNS = "originator_id, originator_version"


def _rows_sqlite(
    datastore: Any, table: str, columns: str, start: int, limit: int
) -> list[tuple[Any, ...]]:
    statement = (
        f"SELECT rowid, {columns} FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT ?"
    )
    # The library's connections are in autocommit mode: a lone SELECT reads
    # one snapshot and needs no BEGIN/ROLLBACK around it.
    with datastore.get_connection(commit=False) as conn, conn.cursor() as raw:
        raw.row_factory = None  # plain tuples, not the connection's sqlite3.Row
        raw.execute(statement, (start, limit))
        return raw.fetchall()


@retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
def _rows_postgres(
    datastore: Any, table: str, columns: str, start: int, limit: int
) -> list[tuple[Any, ...]]:
    """As the library's own reads: retried while the server restarts."""
    from psycopg.rows import tuple_row

    statement = (
        f"SELECT notification_id, {columns} FROM {table}"
        " WHERE notification_id >= %s ORDER BY notification_id LIMIT %s"
    )
    with datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
        curs.execute(statement, (start, limit), prepare=True)
        return curs.fetchall()


def _read_sqlite(datastore: Any, table: str, start: int, limit: int) -> list[Logged]:
    return _with_uuids(_rows_sqlite(datastore, table, EVENT_COLUMNS, start, limit))


def _read_postgres(datastore: Any, table: str, start: int, limit: int) -> list[Logged]:
    rows = _rows_postgres(datastore, table, EVENT_COLUMNS, start, limit)
    return list(map(_as_logged, rows))


def _changes_sqlite(datastore: Any, table: str, start: int, limit: int) -> list[Change]:
    rows = _rows_sqlite(datastore, table, CHANGE_COLUMNS, start, limit)
    return [(n, UUID(o), v) for n, o, v in rows]


def _changes_postgres(
    datastore: Any, table: str, start: int, limit: int
) -> list[Change]:
    return _rows_postgres(datastore, table, CHANGE_COLUMNS, start, limit)


_SQLITE = {"events": _read_sqlite, "changes": _changes_sqlite}
_POSTGRES = {"events": _read_postgres, "changes": _changes_postgres}
