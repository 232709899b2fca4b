"""A per-batch write buffer for the pool: a project's events become one write.

While a batch is applied, pool rows and new stage intervals are held in memory:
successive changes to one project merge into one INSERT or UPDATE, and new
rows and intervals are inserted in a few multi-row statements, all at
`flush()` — which the engine calls (through `finish_batch`) before advancing
the tracking position in the same transaction, so exactly-once is unchanged.
During a rebuild most of a project's events fall in one batch, which cuts the
statements per event to a fraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.rows import RowBuffer, insert_statement

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
    "exempt_until",
    "exempt_reason",
    "exempt_by",
    "exempt_on",
    "version",
    "created_at",
    "updated_at",
)
INTERVAL_COLUMNS = (
    "project_id",
    "seq",
    "stage",
    "entered_on",
    "left_on",
    "recorded_at",
    "industry",
    "zone",
    "investment",
)
INSERT_INTERVAL = insert_statement("rm_stage_history", INTERVAL_COLUMNS)
_INTERVAL_VALUES = itemgetter(*INTERVAL_COLUMNS)
CLOSE_INTERVAL = (
    "UPDATE rm_stage_history SET left_on = ? WHERE project_id = ? AND left_on IS NULL"
)


class PoolBuffer:
    """Pool rows and stage intervals held back until the end of the batch."""

    def __init__(self) -> None:
        # Both tables have triggers (the text index, the stage-month sums).
        self.projects = RowBuffer("rm_projects", PROJECT_COLUMNS, triggered=True)
        self.cur: Cursor | None = None
        self._reset()

    def _reset(self) -> None:
        self.latest: dict[str, Any] = {}  # each touched row's latest event
        self.intervals: dict[str, list[dict[str, Any]]] = {}  # to insert
        self.closes: dict[str, str | None] = {}  # stored open intervals to close
        self.flushed: set[str] = set()  # new rows whose intervals were written

    def bind(self, cur: Cursor) -> None:
        """Start afresh on a new transaction (a failed one left nothing behind)."""
        self.projects.bind(cur)
        if self.cur is not cur:
            self.cur = cur
            self._reset()

    # -- rm_projects -------------------------------------------------------

    def register(self, cur: Cursor, row: dict[str, Any], seq: int, at: str) -> None:
        """Hold a new pool row (every column not given is NULL) and its first
        stage interval, opened by event `seq` recorded at `at`."""
        self.bind(cur)
        self.projects.insert(cur, row)
        pid = row["id"]
        self.intervals.setdefault(pid, []).append(
            {
                "project_id": pid,
                "seq": seq,
                "stage": row["stage"],
                "entered_on": row["stage_date"],
                "left_on": None,
                "recorded_at": at,
                "industry": row["industry"],
                "zone": row["zone"],
                "investment": row["investment"],
            }
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
        self.projects.update(cur, pid, columns)

    def expect(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Note the batch's events: the first stored row read loads all of theirs."""
        self.bind(cur)
        self.projects.expect(
            cur,
            lambda: {
                id_text(n.originator_id)
                for n in notifications
                if ":InvestmentProject." in n.topic
            },
        )

    def get(self, cur: Cursor, pid: str, *names: str) -> dict[str, Any] | None:
        """The row as it stands now (stored values under buffered ones), or None."""
        self.bind(cur)
        return self.projects.get(cur, pid, *names)

    # -- rm_stage_history --------------------------------------------------

    def open_interval(
        self, cur: Cursor, pid: str, seq: int, stage: str, day: Any, at: str
    ) -> None:
        """Hold a new open interval carrying the row's industry, zone, investment."""
        row = self.get(cur, pid, "industry", "zone", "investment")
        if row is None:  # as INSERT … SELECT from a missing row: nothing
            return
        self.intervals.setdefault(pid, []).append(
            {
                "project_id": pid,
                "seq": seq,
                "stage": stage,
                "entered_on": day,
                "left_on": None,
                "recorded_at": at,
                "industry": row["industry"],
                "zone": row["zone"],
                "investment": row["investment"],
            }
        )

    def close_interval(self, cur: Cursor, pid: str, day: Any) -> None:
        """Close the project's open intervals, held or stored."""
        self.bind(cur)
        for interval in self.intervals.get(pid, ()):
            if interval["left_on"] is None:
                interval["left_on"] = day
        if not self.projects.is_new(pid) or pid in self.flushed:
            # The first close of the batch is the one that closes stored rows.
            self.closes.setdefault(pid, day)

    def copy_to_intervals(self, cur: Cursor, pid: str, copied: dict[str, Any]) -> None:
        """Set industry/zone/investment on every interval of the project."""
        self.bind(cur)
        for interval in self.intervals.get(pid, ()):
            interval.update(copied)
        if not self.projects.is_new(pid) or pid in self.flushed:  # else none stored
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
            cur.insert_together(
                INSERT_INTERVAL,
                [_INTERVAL_VALUES(i) for rows in self.intervals.values() for i in rows],
            )
            self.intervals = {}

    def flush(self, cur: Cursor) -> None:
        """Write everything held in this batch."""
        if self.cur is not cur:
            return
        self.flush_intervals(cur)
        projects = self.projects
        for pid, event in self.latest.items():
            projects.update(
                cur,
                pid,
                {
                    "version": event.originator_version,
                    "updated_at": event.timestamp.isoformat(),
                },
            )
        projects.flush(cur)
        self._reset()
