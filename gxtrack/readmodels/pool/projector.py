"""The project pool (one row per project) and its stage history (one per interval).

The pool row carries everything the pool is filtered, sorted and summed on. The
history holds each stage interval [entered_on, left_on): the stage of any project
on any past business date is the interval containing that date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from domain.project import InvestmentProject
from domain.stages import FORWARD as STAGES
from domain.stages import Stage
from domain.stall import StallPolicy
from domain.timeline import StageEntry, StageTimeline
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Handler, Projection, handles, to_yuan
from gxtrack.readmodels.pool import as_of_page, orders, stage_months, text_search
from gxtrack.readmodels.pool.buffer import PoolBuffer
from gxtrack.readmodels.pool.judgement import POLICY_TABLE, record_policy
from gxtrack.readmodels.pool.schema import ENTRY_INDEXES, POOL_DDL

FORWARD = tuple(stage.value for stage in STAGES)
HISTORY_COPY = ("industry", "zone", "investment")  # kept on every interval too
STAGE_ON = {stage: f"{stage}_on" for stage in (*FORWARD, "withdrawn")}


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


class PoolProjection(Projection):
    """rm_projects, rm_stage_history and its monthly sums (rm_stage_months)."""

    name = "pool"
    tables = (
        "rm_projects",
        "rm_stage_history",
        "rm_stage_months",
        POLICY_TABLE,
    )
    # A project's latest progress note is all the pool shows: the earlier ones in
    # a batch are not even decoded (half of all events in a year's log).
    latest_only = frozenset(
        {
            InvestmentProject.ProgressReported,
            InvestmentProject.OfficerReassigned,  # the officer is set, not changed
            InvestmentProject.PlannedDatesRevised,  # so are all planned dates
        }
    )
    ddl = POOL_DDL

    def __init__(self) -> None:
        super().__init__()
        self.buffer = PoolBuffer()

    def create(self, cur: Cursor) -> None:
        """Tables and indexes, and the triggers keeping rm_stage_months and
        the text index."""
        super().create(cur)
        for statement in (*ENTRY_INDEXES, *as_of_page.INDEXES, *orders.INDEXES):
            cur.execute(statement)
        stage_months.install(cur)
        text_search.install(cur)

    def drop(self, cur: Cursor) -> None:
        """Drop the tables; the text index's come back empty at once. (They are
        an index, numbered as rows came: not listed among the tables a rebuild
        must reproduce row for row.)"""
        super().drop(cur)
        text_search.drop_tables(cur)
        text_search.create_tables(cur)

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Let the buffer read the batch's stored rows in one go when needed."""
        self.buffer.expect(cur, notifications)

    def finish_batch(self, cur: Cursor) -> None:
        """Write the rows and intervals held back during the batch."""
        self.buffer.flush(cur)

    # -- helpers -----------------------------------------------------------

    def _set(self, cur: Cursor, event: Any, columns: dict[str, Any]) -> None:
        self.buffer.update(cur, id_text(event.originator_id), columns, event)

    def _touch(self, cur: Cursor, event: Any, **columns: Any) -> None:
        self._set(cur, event, columns)

    def _open_interval(self, cur: Cursor, event: Any, stage: str, day: Any) -> None:
        self.buffer.open_interval(
            cur,
            id_text(event.originator_id),
            event.originator_version,
            stage,
            _iso(day),
            event.timestamp.isoformat(),
        )

    def _close_interval(self, cur: Cursor, event: Any, day: Any) -> None:
        self.buffer.close_interval(cur, id_text(event.originator_id), _iso(day))

    def _advance(self, cur: Cursor, event: Any, stage: str) -> None:
        # A fifth of all events: the steps of _close/_open_interval and _touch
        # inline, each value formatted once.
        pid = id_text(event.originator_id)
        day = _iso(event.effective_date)
        buffer = self.buffer
        buffer.close_interval(cur, pid, day)
        buffer.open_interval(
            cur, pid, event.originator_version, stage, day, event.timestamp.isoformat()
        )
        buffer.update(
            cur, pid, {"stage": stage, "stage_date": day, STAGE_ON[stage]: day}, event
        )

    def route(self, event_class: type) -> Handler | None:
        """A project event's handler; unhandled project events still bump the version."""
        handler = self.handlers.get(event_class)
        if handler is None and issubclass(event_class, InvestmentProject.Event):
            return self._touch
        return handler

    # -- handlers ----------------------------------------------------------

    @handles(InvestmentProject.Registered)
    def on_InvestmentProject_Registered(self, cur: Cursor, e: Any) -> None:
        planned = e.planned_dates or {}
        day = _iso(e.stage_date)
        at = e.timestamp.isoformat()
        pid = id_text(e.originator_id)
        self.buffer.register(
            cur,
            {
                "id": pid,
                "name": e.name,
                "investor": e.investor,
                "search": f"{e.name}\n{e.investor}".lower(),
                "industry": e.industry,
                "zone": e.zone,
                "investment": to_yuan(e.planned_investment),
                "priority": e.priority,
                "officer": e.officer,
                "enterprise_id": str(e.enterprise_id) if e.enterprise_id else None,
                "land_area": None if e.land_area is None else str(e.land_area),
                "stage": e.stage,
                "stage_date": day,
                "negotiating_on": day if e.stage == "negotiating" else None,
                "signed_on": day if e.stage == "signed" else None,
                "planned_signed": _iso(planned.get("signed")),
                "planned_landed": _iso(planned.get("landed")),
                "planned_producing": _iso(planned.get("producing")),
                "version": e.originator_version,
                "created_at": at,
                "updated_at": at,
            },
            e.originator_version,
            at,
        )

    @handles(InvestmentProject.Signed)
    def on_InvestmentProject_Signed(self, cur: Cursor, e: Any) -> None:
        self._advance(cur, e, "signed")

    @handles(InvestmentProject.Landed)
    def on_InvestmentProject_Landed(self, cur: Cursor, e: Any) -> None:
        self._advance(cur, e, "landed")

    @handles(InvestmentProject.ProductionStarted)
    def on_InvestmentProject_ProductionStarted(self, cur: Cursor, e: Any) -> None:
        self._advance(cur, e, "producing")

    @handles(InvestmentProject.Withdrawn)
    def on_InvestmentProject_Withdrawn(self, cur: Cursor, e: Any) -> None:
        self._advance(cur, e, "withdrawn")
        self._touch(cur, e, withdrawn_from=e.from_stage)

    @handles(InvestmentProject.Reinstated)
    def on_InvestmentProject_Reinstated(self, cur: Cursor, e: Any) -> None:
        self._close_interval(cur, e, e.effective_date)
        self._open_interval(cur, e, e.to_stage, e.effective_date)
        column = f"{e.to_stage}_on"
        row = self.buffer.get(cur, id_text(e.originator_id), column)
        self._touch(
            cur,
            e,
            stage=e.to_stage,
            stage_date=row[column] if row else _iso(e.effective_date),
            withdrawn_from=None,
            withdrawn_on=None,
        )

    @handles(InvestmentProject.StageCorrected)
    def on_InvestmentProject_StageCorrected(self, cur: Cursor, e: Any) -> None:
        pid = id_text(e.originator_id)
        self._change_timeline(cur, pid, lambda t: t.back_to(Stage(e.to_stage)))
        column = f"{e.to_stage}_on"
        row = self.buffer.get(cur, pid, column)
        cleared = {f"{stage}_on": None for stage in e.removed}
        self._touch(
            cur, e, stage=e.to_stage, stage_date=row[column] if row else None, **cleared
        )

    @handles(InvestmentProject.StageDateCorrected)
    def on_InvestmentProject_StageDateCorrected(self, cur: Cursor, e: Any) -> None:
        pid = id_text(e.originator_id)
        day = _iso(e.effective_date)
        stage = Stage(e.stage)
        self._change_timeline(cur, pid, lambda t: t.redate(stage, e.effective_date))
        row = self.buffer.get(cur, pid, "stage")
        extra = {"stage_date": day} if row and row["stage"] == e.stage else {}
        self._touch(cur, e, **{f"{e.stage}_on": day}, **extra)

    def _change_timeline(
        self,
        cur: Cursor,
        pid: str,
        change: Callable[[StageTimeline], StageTimeline],
    ) -> None:
        """Make the project's intervals what the domain's own change makes them.

        A correction or a re-dated stage is rare; reading the project's
        intervals back as the aggregate's StageTimeline and applying the same
        change keeps the history and the aggregate one fact, not two rules.
        """
        self.buffer.flush_intervals(cur)
        rows = cur.fetchall(
            "SELECT seq, stage, entered_on, left_on FROM rm_stage_history"
            " WHERE project_id = ? ORDER BY seq",
            (pid,),
        )
        if not rows:
            return
        timeline = StageTimeline(
            tuple(StageEntry(Stage(r["stage"]), _day(r["entered_on"])) for r in rows)
        )
        entries = change(timeline).entries
        for index, row in enumerate(rows):
            if index >= len(entries):
                cur.execute(
                    "DELETE FROM rm_stage_history WHERE project_id = ? AND seq = ?",
                    (pid, row["seq"]),
                )
                continue
            entered = entries[index].day.isoformat()
            left = (
                entries[index + 1].day.isoformat() if index + 1 < len(entries) else None
            )
            if (entered, left) != (str(row["entered_on"]), _text(row["left_on"])):
                cur.execute(
                    "UPDATE rm_stage_history SET entered_on = ?, left_on = ?"
                    " WHERE project_id = ? AND seq = ?",
                    (entered, left, pid, row["seq"]),
                )

    @handles(InvestmentProject.ProgressReported)
    def on_InvestmentProject_ProgressReported(self, cur: Cursor, e: Any) -> None:
        self._set(
            cur, e, {"progress_on": _iso(e.effective_date), "progress_note": e.note}
        )

    @handles(InvestmentProject.DetailsRevised)
    def on_InvestmentProject_DetailsRevised(self, cur: Cursor, e: Any) -> None:
        columns: dict[str, Any] = {}
        for field, (_before, after) in e.changes.items():
            if field == "planned_investment":
                columns["investment"] = to_yuan(after)
            elif field in ("enterprise_id", "land_area"):
                columns[field] = None if after is None else str(after)
            else:
                columns[field] = after
        if "name" in columns or "investor" in columns:
            row = self.buffer.get(cur, id_text(e.originator_id), "name", "investor")
            name = columns.get("name", row["name"] if row else "")
            investor = columns.get("investor", row["investor"] if row else "")
            columns["search"] = f"{name}\n{investor}".lower()
        self._set(cur, e, columns)
        copied = {c: columns[c] for c in HISTORY_COPY if c in columns}
        if copied:
            self.buffer.copy_to_intervals(cur, id_text(e.originator_id), copied)

    @handles(InvestmentProject.OfficerReassigned)
    def on_InvestmentProject_OfficerReassigned(self, cur: Cursor, e: Any) -> None:
        self._set(cur, e, {"officer": e.after})

    @handles(InvestmentProject.PlannedDatesRevised)
    def on_InvestmentProject_PlannedDatesRevised(self, cur: Cursor, e: Any) -> None:
        self._touch(
            cur,
            e,
            planned_signed=_iso(e.after.get("signed")),
            planned_landed=_iso(e.after.get("landed")),
            planned_producing=_iso(e.after.get("producing")),
        )

    @handles(InvestmentProject.MergedInto)
    def on_InvestmentProject_MergedInto(self, cur: Cursor, e: Any) -> None:
        # A duplicate merged away was never a project of its own: it leaves
        # the pool and its stage history, so no count, as of any date, has it
        # twice. Its history stays in the log, under its id.
        self.buffer.flush(cur)
        pid = id_text(e.originator_id)
        cur.execute("DELETE FROM rm_stage_history WHERE project_id = ?", (pid,))
        cur.execute("DELETE FROM rm_projects WHERE id = ?", (pid,))

    # -- stall alerts --------------------------------------------------------

    @handles(InvestmentProject.StallFlagged)
    def on_InvestmentProject_StallFlagged(self, cur: Cursor, e: Any) -> None:
        # stall_since keeps the first flag of the episode across escalations.
        row = self.buffer.get(cur, id_text(e.originator_id), "stall_since")
        since = row["stall_since"] if row else None
        self._touch(
            cur,
            e,
            stall_since=since if since is not None else _iso(e.as_of),
            stall_level=e.level,
            stall_rule=e.rule,
            stall_days=e.days_in_stage,
        )

    @handles(InvestmentProject.StallCleared)
    def on_InvestmentProject_StallCleared(self, cur: Cursor, e: Any) -> None:
        self._touch(
            cur, e, stall_level=None, stall_rule=None, stall_days=None, stall_since=None
        )

    @handles(InvestmentProject.StallExempted)
    def on_InvestmentProject_StallExempted(self, cur: Cursor, e: Any) -> None:
        self._touch(
            cur,
            e,
            exempt_until=_iso(e.until),
            exempt_reason=e.reason,
            exempt_by=e.actor,
            exempt_on=_iso(e.granted_on),
        )

    # -- the stall policy's versions (the judgement's terms) ----------------

    @handles(StallPolicy.Created)
    def on_StallPolicy_Created(self, cur: Cursor, e: Any) -> None:
        record_policy(cur, e)

    @handles(StallPolicy.PolicyChanged)
    def on_StallPolicy_PolicyChanged(self, cur: Cursor, e: Any) -> None:
        record_policy(cur, e)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
