"""rm_investment_facts (bitemporal monthly figures) and rm_nodes (node dates).

Each reported month is a row recorded at an instant; reporting the month again
supersedes it (`superseded_at`) and adds the new figure, so a year's total can
be read as it stands now or as it was known at any past instant. rm_nodes keeps
each project's non-gate nodes' dates; a gate node's dates are its stage's, held
in the pool. rm_node_facts keeps the same dates bitemporally (each change a row
recorded at an instant, superseding the last), so the as-of pool reads a
project's nodes as they were known on a past date.

rm_investment_groups keeps the current sum per (month, zone, industry),
rm_investment_changes what each UTC day changed in those sums, and
rm_investment_places each project's zone and industry as they stand now: the
breakdowns, now or as known at an instant, read a few thousand rows instead of
every reported month. A project that moves takes its months along, in the
current sums and in every day's changes, so each figure counts it where it is
now. A withdrawn project's months stay (the money was spent).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from domain.milestones import GATES
from domain.project import InvestmentProject
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles, to_yuan


def _text(value: Any) -> str | None:
    """A decimal or date as text for the JSON columns (None stays None)."""
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def instant_text(moment: datetime) -> str:
    """A fixed-width UTC text form, so instants compare correctly as strings."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


PLACES = ("zone", "industry")
PLACE_SQL = (
    "INSERT INTO rm_investment_places (project_id, zone, industry)"
    " VALUES (?, ?, ?) ON CONFLICT (project_id) DO NOTHING"
)


def _place(cur: Cursor, pid: str) -> dict[str, str]:
    """The project's zone and industry as the breakdowns count it."""
    row = cur.fetchone(
        "SELECT zone, industry FROM rm_investment_places WHERE project_id = ?", (pid,)
    )
    return {"zone": row["zone"], "industry": row["industry"]} if row else {
        "zone": "", "industry": ""}  # fmt: skip


def _add(cur: Cursor, month: str, place: dict[str, str], amount: int) -> None:
    """Add 元 to a (month, zone, industry) sum."""
    if not amount:
        return
    cur.execute(
        "INSERT INTO rm_investment_groups (month, zone, industry, amount)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (month, zone, industry)"
        " DO UPDATE SET amount = rm_investment_groups.amount + excluded.amount",
        (month, place["zone"], place["industry"], amount),
    )


def _change(
    cur: Cursor, at: str, month: str, place: dict[str, str], amount: int
) -> None:
    """Add 元 to what the UTC day of instant text `at` changed in a sum."""
    if not amount:
        return
    cur.execute(
        "INSERT INTO rm_investment_changes (day, month, zone, industry, amount)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, month, zone, industry)"
        " DO UPDATE SET amount = rm_investment_changes.amount + excluded.amount",
        (at[:10], month, place["zone"], place["industry"], amount),
    )


class MilestonesProjection(Projection):
    """Investment facts and sums, node dates, agreements and results."""

    name = "milestones"
    tables = (
        "rm_investment_facts",
        "rm_nodes",
        "rm_node_facts",
        "rm_investment_places",
        "rm_investment_groups",
        "rm_investment_changes",
        "rm_agreements",
        "rm_results",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_investment_facts ("
        " project_id TEXT NOT NULL, version INTEGER NOT NULL, month TEXT NOT NULL,"
        " amount BIGINT NOT NULL, recorded_at TEXT NOT NULL, superseded_at TEXT,"
        " PRIMARY KEY (project_id, version))",
        "CREATE INDEX IF NOT EXISTS rm_investment_facts_month"
        " ON rm_investment_facts (month, superseded_at)",
        # The rows of one day up to an instant (the last, partial day of a sum
        # as known then).
        "CREATE INDEX IF NOT EXISTS rm_investment_facts_recorded"
        " ON rm_investment_facts (recorded_at)",
        "CREATE INDEX IF NOT EXISTS rm_investment_facts_superseded"
        " ON rm_investment_facts (superseded_at)",
        "CREATE TABLE IF NOT EXISTS rm_investment_changes ("
        " day TEXT NOT NULL, month TEXT NOT NULL, zone TEXT NOT NULL,"
        " industry TEXT NOT NULL, amount BIGINT NOT NULL,"
        " PRIMARY KEY (day, month, zone, industry))",
        "CREATE TABLE IF NOT EXISTS rm_investment_places ("
        " project_id TEXT PRIMARY KEY, zone TEXT NOT NULL, industry TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_investment_groups ("
        " month TEXT NOT NULL, zone TEXT NOT NULL, industry TEXT NOT NULL,"
        " amount BIGINT NOT NULL, PRIMARY KEY (month, zone, industry))",
        "CREATE TABLE IF NOT EXISTS rm_nodes ("
        " project_id TEXT NOT NULL, code TEXT NOT NULL, planned_on TEXT,"
        " done_on TEXT, unit TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY (project_id, code))",
        "CREATE INDEX IF NOT EXISTS rm_nodes_open ON rm_nodes (done_on, planned_on)",
        "CREATE TABLE IF NOT EXISTS rm_node_facts ("
        " project_id TEXT NOT NULL, code TEXT NOT NULL, version INTEGER NOT NULL,"
        " planned_on TEXT, done_on TEXT, recorded_at TEXT NOT NULL,"
        " superseded_at TEXT, PRIMARY KEY (project_id, code, version))",
        # 履约: the promises (JSON of decimal strings) and each year's actuals.
        "CREATE TABLE IF NOT EXISTS rm_agreements ("
        " project_id TEXT PRIMARY KEY, promises TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_results ("
        " project_id TEXT NOT NULL, year INTEGER NOT NULL, results TEXT NOT NULL,"
        " PRIMARY KEY (project_id, year))",
    )

    def __init__(self) -> None:
        super().__init__()
        # A registration's place, held until the batch ends (or a handler reads
        # the table): one statement per batch, not one per new project.
        self._places: list[tuple[str, str, str]] = []
        self._places_cur: Cursor | None = None

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Start the batch with no place held (a failed one left none behind)."""
        self._places, self._places_cur = [], cur

    def finish_batch(self, cur: Cursor) -> None:
        """Write the places held back during the batch."""
        self._flush_places(cur)

    def _flush_places(self, cur: Cursor) -> None:
        """Write the held places: before a handler reads the table, and at the end."""
        if self._places and self._places_cur is cur:
            cur.executemany(PLACE_SQL, self._places)
        self._places = []

    @handles(InvestmentProject.PromisesRecorded)
    def on_InvestmentProject_PromisesRecorded(self, cur: Cursor, e: Any) -> None:
        pid = id_text(e.originator_id)
        row = cur.fetchone(
            "SELECT promises FROM rm_agreements WHERE project_id = ?", (pid,)
        )
        promises = json.loads(row["promises"]) if row else {}
        promises.update({k: _text(after) for k, (_b, after) in e.changes.items()})
        cur.execute("DELETE FROM rm_agreements WHERE project_id = ?", (pid,))
        cur.execute(
            "INSERT INTO rm_agreements (project_id, promises) VALUES (?, ?)",
            (pid, json.dumps(promises)),
        )

    @handles(InvestmentProject.ResultsReported)
    def on_InvestmentProject_ResultsReported(self, cur: Cursor, e: Any) -> None:
        pid = id_text(e.originator_id)
        cur.execute(
            "DELETE FROM rm_results WHERE project_id = ? AND year = ?", (pid, e.year)
        )
        cur.execute(
            "INSERT INTO rm_results (project_id, year, results) VALUES (?, ?, ?)",
            (pid, e.year, json.dumps({k: _text(v) for k, v in e.after.items()})),
        )

    @handles(InvestmentProject.Registered)
    def on_InvestmentProject_Registered(self, cur: Cursor, e: Any) -> None:
        if self._places_cur is not cur:  # applied outside a batch of the engine's
            self._places, self._places_cur = [], cur
        self._places.append((id_text(e.originator_id), e.zone or "", e.industry or ""))

    @handles(InvestmentProject.DetailsRevised)
    def on_InvestmentProject_DetailsRevised(self, cur: Cursor, e: Any) -> None:
        moved = {f: after for f, (_b, after) in e.changes.items() if f in PLACES}
        if not moved:
            return
        self._flush_places(cur)
        pid = id_text(e.originator_id)
        old = _place(cur, pid)
        new = {**old, **moved}
        facts = cur.fetchall(
            "SELECT month, amount, recorded_at, superseded_at"
            " FROM rm_investment_facts WHERE project_id = ?",
            (pid,),
        )
        for row in facts:  # the project's months move with it, history and all
            month, amount = row["month"], int(row["amount"])
            _change(cur, row["recorded_at"], month, old, -amount)
            _change(cur, row["recorded_at"], month, new, amount)
            if row["superseded_at"] is None:
                _add(cur, month, old, -amount)
                _add(cur, month, new, amount)
            else:
                _change(cur, row["superseded_at"], month, old, amount)
                _change(cur, row["superseded_at"], month, new, -amount)
        cur.execute(
            "UPDATE rm_investment_places SET zone = ?, industry = ?"
            " WHERE project_id = ?",
            (new["zone"], new["industry"], pid),
        )

    @handles(InvestmentProject.InvestmentReported)
    def on_InvestmentProject_InvestmentReported(self, cur: Cursor, e: Any) -> None:
        self._flush_places(cur)
        pid = id_text(e.originator_id)
        at = instant_text(e.timestamp)
        before = cur.fetchone(
            "SELECT amount FROM rm_investment_facts"
            " WHERE project_id = ? AND month = ? AND superseded_at IS NULL",
            (pid, e.month),
        )
        change = to_yuan(e.amount) - (int(before["amount"]) if before else 0)
        place = _place(cur, pid)
        _add(cur, e.month, place, change)
        _change(cur, at, e.month, place, change)
        cur.execute(
            "UPDATE rm_investment_facts SET superseded_at = ?"
            " WHERE project_id = ? AND month = ? AND superseded_at IS NULL",
            (at, pid, e.month),
        )
        cur.execute(
            "INSERT INTO rm_investment_facts"
            " (project_id, version, month, amount, recorded_at, superseded_at)"
            " VALUES (?, ?, ?, ?, ?, NULL)",
            (pid, e.originator_version, e.month, to_yuan(e.amount), at),
        )

    @handles(InvestmentProject.MergedInto)
    def on_InvestmentProject_MergedInto(self, cur: Cursor, e: Any) -> None:
        # A duplicate's figures leave the totals with it: its investment facts
        # are superseded at the merge (as known before, they still count), its
        # nodes and agreement stop being listed. Its history keeps them all.
        self._flush_places(cur)
        pid = id_text(e.originator_id)
        at = instant_text(e.timestamp)
        place = _place(cur, pid)
        current = cur.fetchall(
            "SELECT month, amount FROM rm_investment_facts"
            " WHERE project_id = ? AND superseded_at IS NULL",
            (pid,),
        )
        for row in current:  # the kept sums lose them at the same instant
            _add(cur, row["month"], place, -int(row["amount"]))
            _change(cur, at, row["month"], place, -int(row["amount"]))
        cur.execute(
            "UPDATE rm_investment_facts SET superseded_at = ?"
            " WHERE project_id = ? AND superseded_at IS NULL",
            (at, pid),
        )
        for table in ("rm_nodes", "rm_agreements", "rm_results"):
            cur.execute(f"DELETE FROM {table} WHERE project_id = ?", (pid,))

    @handles(InvestmentProject.MilestoneUpdated)
    def on_InvestmentProject_MilestoneUpdated(self, cur: Cursor, e: Any) -> None:
        if e.code in GATES:  # its dates are the stage's (the pool's)
            return
        after = {
            field: value
            for field, (_before, value) in e.changes.items()
            if field in ("planned_on", "done_on", "unit")
        }
        if not after:
            return
        pid = id_text(e.originator_id)
        cur.execute(
            "INSERT INTO rm_nodes (project_id, code) VALUES (?, ?)"
            " ON CONFLICT (project_id, code) DO NOTHING",
            (pid, e.code),
        )
        values = [
            v.isoformat() if hasattr(v, "isoformat") else v for v in after.values()
        ]
        sets = ", ".join(f"{field} = ?" for field in after)
        cur.execute(
            f"UPDATE rm_nodes SET {sets} WHERE project_id = ? AND code = ?",
            (*values, pid, e.code),
        )
        self._node_fact(cur, pid, e)

    @staticmethod
    def _node_fact(cur: Cursor, pid: str, e: Any) -> None:
        """The node's dates from this event on, superseding the row before."""
        at = instant_text(e.timestamp)
        row = cur.fetchone(
            "SELECT planned_on, done_on FROM rm_node_facts WHERE project_id = ?"
            " AND code = ? AND superseded_at IS NULL",
            (pid, e.code),
        )
        dates = dict(row) if row else {"planned_on": None, "done_on": None}
        for field in ("planned_on", "done_on"):
            if field in e.changes:
                value = e.changes[field][1]
                dates[field] = value.isoformat() if value is not None else None
        cur.execute(
            "UPDATE rm_node_facts SET superseded_at = ? WHERE project_id = ?"
            " AND code = ? AND superseded_at IS NULL",
            (at, pid, e.code),
        )
        cur.execute(
            "INSERT INTO rm_node_facts (project_id, code, version, planned_on,"
            " done_on, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (pid, e.code, e.originator_version, dates["planned_on"],
             dates["done_on"], at),
        )  # fmt: skip
