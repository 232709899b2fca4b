"""A per-batch write buffer for the pool: a project's events become one write.

While a batch is applied, pool rows and new stage intervals are held in memory:
successive changes to one project merge into one INSERT or UPDATE, and new
intervals are inserted with executemany, all at `flush()` — which the engine
calls (through `finish_batch`) before advancing the tracking position in the
same transaction, so exactly-once is unchanged. During a rebuild most of a
project's events fall in one batch, which cuts the statements per event to a
fraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text

PROJECT_COLUMNS = (
    "id",
    "name",
    "investor",
    "search",
    "industry",
    "zone",
    "investment",
    "priority",
    "officer",
    "enterprise_id",
    "land_area",
    "stage",
    "stage_date",
    "withdrawn_from",
    "negotiating_on",
    "signed_on",
    "landed_on",
    "producing_on",
    "withdrawn_on",
    "planned_signed",
    "planned_landed",
    "planned_producing",
    "progress_on",
    "progress_note",
    "stall_level",
    "stall_rule",
    "stall_days",
    "stall_since",
    "version",
    "created_at",
    "updated_at",
)
INSERT_PROJECT = (
    f"INSERT INTO rm_projects ({', '.join(PROJECT_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in PROJECT_COLUMNS)})"
)
INSERT_INTERVAL = (
    "INSERT INTO rm_stage_history (project_id, seq, stage, entered_on, left_on,"
    " recorded_at, industry, zone, investment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
CLOSE_INTERVAL = (
    "UPDATE rm_stage_history SET left_on = ? WHERE project_id = ? AND left_on IS NULL"
)
EMPTY_ROW = dict.fromkeys(PROJECT_COLUMNS)
LEFT_ON = 4  # index of left_on in an interval row
LOAD_CHUNK = 500  # ids per lookup query (SQLite allows 32,766 parameters)
_PROJECT_VALUES = itemgetter(*PROJECT_COLUMNS)  # a row dict's values, in order
_UPDATE_SQL: dict[tuple[str, ...], str] = {}


class PoolBuffer:
    """Pool rows and stage intervals held back until the end of the batch."""

    def __init__(self) -> None:
        self.cur: Cursor | None = None
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}  # buffered values over stored
        self.loaded: set[str] = set()  # rows holding every column
        self.new: dict[str, None] = {}  # rows to insert, in order
        self.dirty: dict[str, dict[str, Any]] = {}  # stored rows: columns to set
        self.latest: dict[str, Any] = {}  # each touched row's latest event
        self.intervals: dict[str, list[list[Any]]] = {}  # intervals to insert
        self.closes: dict[str, str | None] = {}  # stored open intervals to close
        self.flushed: set[str] = set()  # new rows whose intervals were written
        self.expected: Sequence[Any] = ()  # the batch's events, not yet looked up
        self.absent: set[str] = set()  # looked up with them and not stored

    def bind(self, cur: Cursor) -> None:
        """Start afresh on a new transaction (a failed one left nothing behind)."""
        if self.cur is not cur:
            self.cur = cur
            self._reset()

    # -- rm_projects -------------------------------------------------------

    def register(self, cur: Cursor, row: dict[str, Any], seq: int, at: str) -> None:
        """Hold a new pool row (every column not given is NULL) and its first
        stage interval, opened by event `seq` recorded at `at`."""
        self.bind(cur)
        full = {**EMPTY_ROW, **row}
        pid = full["id"]
        self.rows[pid] = full
        self.loaded.add(pid)
        self.new[pid] = None
        self.intervals.setdefault(pid, []).append(
            [
                pid,
                seq,
                full["stage"],
                full["stage_date"],
                None,
                at,
                full["industry"],
                full["zone"],
                full["investment"],
            ]
        )

    def update(
        self, cur: Cursor, pid: str, columns: dict[str, Any], event: Any
    ) -> None:
        """Set columns of a pool row as of `event` (a missing row stays absent).

        The row's version and update time are the latest event's, written
        once at flush rather than formatted for every event.
        """
        self.bind(cur)
        self.latest[pid] = event
        if columns:
            self.rows.setdefault(pid, {}).update(columns)
            if pid not in self.new:
                self.dirty.setdefault(pid, {}).update(columns)

    def expect(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Note the batch's events: the first stored row read loads all of theirs."""
        self.bind(cur)
        self.expected = notifications

    def get(self, cur: Cursor, pid: str, *names: str) -> dict[str, Any] | None:
        """The row as it stands now (stored values under buffered ones), or None."""
        self.bind(cur)
        row = self.rows.get(pid)
        if row is not None and (pid in self.loaded or all(n in row for n in names)):
            return row
        if self.expected:
            self._load_expected(cur)
            if pid in self.loaded:
                return self.rows[pid]
        if pid in self.absent:
            return None
        stored = cur.fetchone("SELECT * FROM rm_projects WHERE id = ?", (pid,))
        return None if stored is None else self._keep(stored)

    def _keep(self, stored: dict[str, Any]) -> dict[str, Any]:
        """Hold a stored row, with this batch's buffered values over it."""
        pid = stored["id"]
        stored.update(self.rows.get(pid) or {})
        self.rows[pid] = stored
        self.loaded.add(pid)
        return stored

    def _load_expected(self, cur: Cursor) -> None:
        """Read the stored rows of every project in the batch at once.

        A weekly scan flags thousands of projects, each handler reading its
        row: one query per row cost a round trip each on PostgreSQL.
        """
        wanted = {
            id_text(n.originator_id)
            for n in self.expected
            if ":InvestmentProject." in n.topic
        } - self.loaded
        self.expected = ()
        found: set[str] = set()
        ids = sorted(wanted)
        for start in range(0, len(ids), LOAD_CHUNK):
            chunk = ids[start : start + LOAD_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for stored in cur.fetchall(
                f"SELECT * FROM rm_projects WHERE id IN ({marks})", chunk
            ):
                found.add(self._keep(stored)["id"])
        self.absent = wanted - found

    # -- rm_stage_history --------------------------------------------------

    def open_interval(
        self, cur: Cursor, pid: str, seq: int, stage: str, day: Any, at: str
    ) -> None:
        """Hold a new open interval carrying the row's industry, zone, investment."""
        row = self.get(cur, pid, "industry", "zone", "investment")
        if row is None:  # as INSERT … SELECT from a missing row: nothing
            return
        self.intervals.setdefault(pid, []).append(
            [
                pid,
                seq,
                stage,
                day,
                None,
                at,
                row["industry"],
                row["zone"],
                row["investment"],
            ]
        )

    def close_interval(self, cur: Cursor, pid: str, day: Any) -> None:
        """Close the project's open intervals, held or stored."""
        self.bind(cur)
        for interval in self.intervals.get(pid, ()):
            if interval[LEFT_ON] is None:
                interval[LEFT_ON] = day
        if pid not in self.new or pid in self.flushed:
            # The first close of the batch is the one that closes stored rows.
            self.closes.setdefault(pid, day)

    def copy_to_intervals(self, cur: Cursor, pid: str, copied: dict[str, Any]) -> None:
        """Set industry/zone/investment on every interval of the project."""
        self.bind(cur)
        index = {"industry": 6, "zone": 7, "investment": 8}
        for interval in self.intervals.get(pid, ()):
            for column, value in copied.items():
                interval[index[column]] = value
        if pid not in self.new or pid in self.flushed:  # else none are stored
            sets = ", ".join(f"{c} = ?" for c in copied)
            cur.execute(
                f"UPDATE rm_stage_history SET {sets} WHERE project_id = ?",
                (*copied.values(), pid),
            )

    # -- writing -----------------------------------------------------------

    def flush_intervals(self, cur: Cursor) -> None:
        """Write the held intervals (before a handler edits the table itself)."""
        if self.cur is not cur:
            return
        if self.closes:
            cur.executemany(
                CLOSE_INTERVAL, [(day, pid) for pid, day in self.closes.items()]
            )
            self.closes = {}
        if self.intervals:
            self.flushed.update(self.intervals)
            cur.executemany(
                INSERT_INTERVAL,
                [row for rows in self.intervals.values() for row in rows],
            )
            self.intervals = {}

    def flush(self, cur: Cursor) -> None:
        """Write everything held in this batch."""
        if self.cur is not cur:
            return
        self.flush_intervals(cur)
        rows, new, dirty = self.rows, self.new, self.dirty
        for pid, event in self.latest.items():
            target = rows[pid] if pid in new else dirty.setdefault(pid, {})
            target["version"] = event.originator_version
            target["updated_at"] = event.timestamp.isoformat()
        if self.new:
            cur.executemany(
                INSERT_PROJECT,
                [_PROJECT_VALUES(self.rows[pid]) for pid in self.new],
            )
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for pid, columns in self.dirty.items():
            groups.setdefault(tuple(columns), []).append((*columns.values(), pid))
        for key, params in groups.items():
            statement = _UPDATE_SQL.get(key)
            if statement is None:
                sets = ", ".join(f"{c} = ?" for c in key)
                statement = _UPDATE_SQL[key] = (
                    f"UPDATE rm_projects SET {sets} WHERE id = ?"
                )
            cur.executemany(statement, params)
        self._reset()
