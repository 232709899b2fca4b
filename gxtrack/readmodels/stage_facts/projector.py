"""Bitemporal stage facts: what the bureau knew, and when it knew it.

`rm_stage_facts` keeps every "project P entered stage S on business date D" with
the instant it was recorded and the instant a later correction superseded it
(a re-dated stage, a stage taken back). `rm_project_facts` does the same for the
attributes reports group by (industry, zone, investment). Nothing is ever
updated in place except `superseded_at`, so the pool for any business date can be
rebuilt as it was known at any recorded instant (gxtrack.readmodels.stage_facts.queries).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.project import InvestmentProject
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles, to_yuan

ATTRIBUTES = ("name", "industry", "zone", "planned_investment")
PROJECT_FACT_SQL = (
    "INSERT INTO rm_project_facts (project_id, version, name, industry, zone,"
    " investment, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
STAGE_FACT_SQL = (
    "INSERT INTO rm_stage_facts (project_id, version, seq, stage, entered_on,"
    " kind, recorded_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
)
ZERO = timedelta(0)
SUPERSEDED = 7  # index of superseded_at in a held rm_project_facts row


def instant_text(moment: datetime) -> str:
    """A fixed-width UTC text form, so instants compare correctly as strings."""
    # isoformat() of a UTC time is that form and several times cheaper than
    # strftime(); events are stamped in UTC, so the conversion is rare.
    if moment.tzinfo is not UTC and moment.utcoffset() != ZERO:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


class StageFactsProjection(Projection):
    """rm_stage_facts and rm_project_facts."""

    name = "stage_facts"
    tables = ("rm_stage_facts", "rm_project_facts")
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_stage_facts ("
        " project_id TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL,"
        " stage TEXT NOT NULL, entered_on TEXT NOT NULL, kind TEXT NOT NULL,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        " PRIMARY KEY (project_id, version))",
        "CREATE INDEX IF NOT EXISTS rm_stage_facts_day"
        " ON rm_stage_facts (entered_on, stage)",
        "CREATE TABLE IF NOT EXISTS rm_project_facts ("
        " project_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
        " industry TEXT NOT NULL, zone TEXT NOT NULL, investment BIGINT NOT NULL,"
        " recorded_at TEXT NOT NULL, superseded_at TEXT,"
        " PRIMARY KEY (project_id, version))",
    )

    def __init__(self) -> None:
        super().__init__()
        # New rows are held back and written in one statement per table, unless a
        # handler must read or update the table first.
        self._cur: Cursor | None = None
        self._pending: dict[str, list[Any]] = {}
        # Each project's current rm_project_facts row while it is still held
        # back: a revision then supersedes it in memory, with no read or update.
        self._current: dict[str, list[Any]] = {}

    # -- helpers -----------------------------------------------------------

    def _hold(self, cur: Cursor, sql: str, row: Any) -> None:
        if self._cur is not cur:
            self._cur, self._pending, self._current = cur, {}, {}
        self._pending.setdefault(sql, []).append(row)

    def _flush(self, cur: Cursor) -> None:
        if self._cur is cur:
            for sql, rows in self._pending.items():
                cur.executemany(sql, rows)
        self._pending, self._current = {}, {}

    def _hold_project_fact(self, cur: Cursor, row: list[Any]) -> None:
        self._hold(cur, PROJECT_FACT_SQL, row)
        self._current[row[0]] = row

    def finish_batch(self, cur: Cursor) -> None:
        """Write the rows held back during the batch."""
        self._flush(cur)

    def _fact(
        self,
        cur: Cursor,
        e: Any,
        stage: str,
        day: Any,
        kind: str,
        seq: int | None = None,
    ) -> None:
        if self._cur is not cur:
            self._cur, self._pending, self._current = cur, {}, {}
        version = e.originator_version
        # Appended straight to the held rows: a third of all events land here.
        rows = self._pending.get(STAGE_FACT_SQL)
        if rows is None:
            rows = self._pending[STAGE_FACT_SQL] = []
        rows.append(
            (
                id_text(e.originator_id),
                version,
                version if seq is None else seq,
                stage,
                day.isoformat(),
                kind,
                instant_text(e.timestamp),
            )
        )

    def _supersede(
        self, cur: Cursor, e: Any, where: str, params: tuple[Any, ...]
    ) -> None:
        self._flush(cur)
        cur.execute(
            "UPDATE rm_stage_facts SET superseded_at = ?"
            " WHERE project_id = ? AND superseded_at IS NULL AND " + where,
            (instant_text(e.timestamp), id_text(e.originator_id), *params),
        )

    def _move(self, cur: Cursor, e: Any, stage: str) -> None:
        self._fact(cur, e, stage, e.effective_date, "move")

    # -- handlers ----------------------------------------------------------

    @handles(InvestmentProject.Registered)
    def on_InvestmentProject_Registered(self, cur: Cursor, e: Any) -> None:
        self._fact(cur, e, e.stage, e.stage_date, "registered")
        self._hold_project_fact(
            cur,
            [
                id_text(e.originator_id),
                e.originator_version,
                e.name,
                e.industry,
                e.zone,
                to_yuan(e.planned_investment),
                instant_text(e.timestamp),
                None,
            ],
        )

    @handles(InvestmentProject.Signed)
    def on_InvestmentProject_Signed(self, cur: Cursor, e: Any) -> None:
        self._move(cur, e, "signed")

    @handles(InvestmentProject.Landed)
    def on_InvestmentProject_Landed(self, cur: Cursor, e: Any) -> None:
        self._move(cur, e, "landed")

    @handles(InvestmentProject.ProductionStarted)
    def on_InvestmentProject_ProductionStarted(self, cur: Cursor, e: Any) -> None:
        self._move(cur, e, "producing")

    @handles(InvestmentProject.Withdrawn)
    def on_InvestmentProject_Withdrawn(self, cur: Cursor, e: Any) -> None:
        self._move(cur, e, "withdrawn")

    @handles(InvestmentProject.Reinstated)
    def on_InvestmentProject_Reinstated(self, cur: Cursor, e: Any) -> None:
        # The withdrawal stays a fact of its time; from the reinstatement date the
        # project is back in its old stage.
        self._fact(cur, e, e.to_stage, e.effective_date, "reinstated")

    @handles(InvestmentProject.StageCorrected)
    def on_InvestmentProject_StageCorrected(self, cur: Cursor, e: Any) -> None:
        stages = list(e.removed)
        if stages:
            marks = ", ".join("?" for _ in stages)
            self._supersede(cur, e, f"stage IN ({marks})", tuple(stages))

    @handles(InvestmentProject.StageDateCorrected)
    def on_InvestmentProject_StageDateCorrected(self, cur: Cursor, e: Any) -> None:
        self._flush(cur)
        row = cur.fetchone(
            "SELECT seq, kind FROM rm_stage_facts WHERE project_id = ?"
            " AND stage = ? AND entered_on = ? AND superseded_at IS NULL"
            " ORDER BY version DESC LIMIT 1",
            (id_text(e.originator_id), e.stage, e.before.isoformat()),
        )
        if row is None:
            return
        self._supersede(
            cur, e, "stage = ? AND entered_on = ?", (e.stage, e.before.isoformat())
        )
        self._fact(cur, e, e.stage, e.effective_date, row["kind"], row["seq"])

    @handles(InvestmentProject.MergedInto)
    def on_InvestmentProject_MergedInto(self, cur: Cursor, e: Any) -> None:
        # What was known of a duplicate stops being known at the merge: the
        # pool as known from then has it no more, as known before it still does.
        self._flush(cur)
        at, pid = instant_text(e.timestamp), id_text(e.originator_id)
        for table in ("rm_stage_facts", "rm_project_facts"):
            cur.execute(
                f"UPDATE {table} SET superseded_at = ?"
                " WHERE project_id = ? AND superseded_at IS NULL",
                (at, pid),
            )

    @handles(InvestmentProject.DetailsRevised)
    def on_InvestmentProject_DetailsRevised(self, cur: Cursor, e: Any) -> None:
        changed = {k: after for k, (_b, after) in e.changes.items() if k in ATTRIBUTES}
        if not changed:
            return
        pid = id_text(e.originator_id)
        at = instant_text(e.timestamp)
        investment = changed.get("planned_investment")
        held = self._current.get(pid) if self._cur is cur else None
        if held is not None:  # supersede the held row in memory
            held[SUPERSEDED] = at
            self._hold_project_fact(
                cur,
                [
                    pid,
                    e.originator_version,
                    changed.get("name", held[2]),
                    changed.get("industry", held[3]),
                    changed.get("zone", held[4]),
                    held[5] if investment is None else to_yuan(investment),
                    at,
                    None,
                ],
            )
            return
        # No held row of this project: its current row is stored.
        row = cur.fetchone(
            "SELECT name, industry, zone, investment FROM rm_project_facts"
            " WHERE project_id = ? AND superseded_at IS NULL",
            (pid,),
        )
        if row is None:
            return
        cur.execute(
            "UPDATE rm_project_facts SET superseded_at = ?"
            " WHERE project_id = ? AND superseded_at IS NULL",
            (at, pid),
        )
        self._hold_project_fact(
            cur,
            [
                pid,
                e.originator_version,
                changed.get("name", row["name"]),
                changed.get("industry", row["industry"]),
                changed.get("zone", row["zone"]),
                row["investment"] if investment is None else to_yuan(investment),
                at,
                None,
            ],
        )
