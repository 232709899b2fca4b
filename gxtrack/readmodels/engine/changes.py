"""Which aggregates and read models changed, and at what position.

A figure kept at some positions (engine/memo.py) may be patched rather than
computed afresh: it needs to know which projects changed since (`changed_since`)
and whether the read models it reads applied any event at all. The engine
records both as it applies each page, in its own two tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.utils import resolve_topic

from gxtrack.infra.db import Cursor, Database
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection

# Each aggregate whose events a read model applied, with the position of the
# latest: a figure kept at some positions learns which projects changed since
# and re-reads only those, rather than every row after any one event.
CHANGES_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_changes ("
    " originator_id TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rm_changes_position ON rm_changes (position)",
    # Each read model with the position of the latest event it applied (not
    # merely passed): a figure read from some read models only is kept while
    # none of those applied an event (memo's `reads`).
    "CREATE TABLE IF NOT EXISTS rm_model_changes ("
    " projection TEXT PRIMARY KEY, position BIGINT NOT NULL)",
)
RECORDED_AT_ONCE = 400  # rows per statement, well inside parameter limits


def changed_since(db: Database, position: int) -> list[str]:
    """The aggregates (project ids, …) any read model applied an event of
    after `position` (as recorded by the engine, with the positions)."""
    rows = db.fetchall(
        "SELECT originator_id FROM rm_changes WHERE position > ?", (position,)
    )
    return [r["originator_id"] for r in rows]


def applied_through(db: Database, projection: str) -> int:
    """The position a read model has applied the log through (0: none)."""
    found = db.scalar(
        "SELECT position FROM rm_tracking WHERE projection = ?", (projection,)
    )
    return int(found or 0)


def record_page(
    cur: Cursor,
    changed: dict[Any, int],
    appliers: list[tuple[int, Projection]],
    notifications: Sequence[Any],
) -> None:
    """Record a page just applied: its aggregates (`changed`: id → position of
    its latest event) and the read models that applied any of its events."""
    _raise(
        cur,
        "rm_changes",
        "originator_id",
        [(id_text(o), n) for o, n in changed.items()],
    )
    _raise(
        cur,
        "rm_model_changes",
        "projection",
        list(_applied(appliers, notifications).items()),
    )


def _raise(cur: Cursor, table: str, key: str, rows: list[tuple[str, int]]) -> None:
    """Raise the position of each (key, position) in `table`: a statement per
    RECORDED_AT_ONCE rows (executemany is a statement per row on PostgreSQL,
    and a replay records every aggregate).

    Never lowered: a read model replayed from zero passes an aggregate's
    earlier events again, and a kept figure patched meanwhile must still see
    the aggregate as changed after its positions.
    """
    later = f"CASE WHEN excluded.position > {table}.position"
    for start in range(0, len(rows), RECORDED_AT_ONCE):
        chunk = rows[start : start + RECORDED_AT_ONCE]
        cur.execute(
            f"INSERT INTO {table} ({key}, position) VALUES"
            + ", ".join("(?, ?)" for _ in chunk)
            + f" ON CONFLICT ({key}) DO UPDATE SET position ="
            f" {later} THEN excluded.position ELSE {table}.position END",
            [value for row in chunk for value in row],
        )


def _applied(
    appliers: list[tuple[int, Projection]], notifications: Sequence[Any]
) -> dict[str, int]:
    """Each projection that applied an event of the page, with the latest's
    position (an event it routes and had not seen)."""
    latest: dict[str, int] = {}
    for notification in notifications:
        latest[notification.topic] = notification.id
    found: dict[str, int] = {}
    for position, projection in appliers:
        for topic, at in latest.items():
            if at > position and projection.route(resolve_topic(topic)) is not None:
                found[projection.name] = max(found.get(projection.name, 0), at)
    return found
