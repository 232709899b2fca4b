"""Revisions of planned dates (计划签约/开工/投产), one row per date moved.

Each PlannedDatesRevised event gives one row per planned date it moved from
one day to another: `days` is after − before (positive: pushed back). A date
set for the first time or removed is not a slip and is not kept. A milestone
node's planned date moved by MilestoneUpdated is kept the same way, with `kind`
'node' and the node's code as `item`. The gate nodes (开工, 投产) are left out
there: their planned dates are the stages' and already arrive here through
PlannedDatesRevised, so counting their node events too would count them twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.milestones import GATES
from domain.project import InvestmentProject
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles

INSERT = (
    "INSERT INTO rm_plan_revisions (project_id, version, kind, item, before_on,"
    " after_on, days, actor, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


class PlanRevisionProjection(Projection):
    """rm_plan_revisions."""

    name = "plans"
    tables = ("rm_plan_revisions",)
    # The kind's CHECK came with the node handler: the DDL's change rebuilds
    # the table once, so stores made before it also count past node revisions.
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_plan_revisions ("
        " project_id TEXT NOT NULL, version INTEGER NOT NULL,"
        " kind TEXT NOT NULL CHECK (kind IN ('stage', 'node')),"
        " item TEXT NOT NULL, before_on TEXT NOT NULL, after_on TEXT NOT NULL,"
        " days INTEGER NOT NULL, actor TEXT NOT NULL, recorded_at TEXT NOT NULL,"
        " PRIMARY KEY (project_id, version, kind, item))",
    )

    def _record(
        self, cur: Cursor, e: Any, kind: str, item: str, before: Any, after: Any
    ) -> None:
        """Keep one moved planned date (a first date or a removal is no slip)."""
        before, after = _day(before), _day(after)
        if before is None or after is None or before == after:
            return
        cur.execute(
            INSERT,
            (
                id_text(e.originator_id),
                e.originator_version,
                kind,
                item,
                before.isoformat(),
                after.isoformat(),
                (after - before).days,
                e.actor,
                e.timestamp.isoformat(),
            ),
        )

    @handles(InvestmentProject.MergedInto)
    def on_InvestmentProject_MergedInto(self, cur: Cursor, e: Any) -> None:
        # A duplicate's slipped plans were the survivor's counted twice.
        cur.execute(
            "DELETE FROM rm_plan_revisions WHERE project_id = ?",
            (id_text(e.originator_id),),
        )

    @handles(InvestmentProject.PlannedDatesRevised)
    def on_InvestmentProject_PlannedDatesRevised(self, cur: Cursor, e: Any) -> None:
        for stage in sorted(set(e.before) | set(e.after)):
            self._record(
                cur, e, "stage", stage, e.before.get(stage), e.after.get(stage)
            )

    @handles(InvestmentProject.MilestoneUpdated)
    def on_InvestmentProject_MilestoneUpdated(self, cur: Cursor, e: Any) -> None:
        if e.code in GATES or "planned_on" not in e.changes:
            return
        before, after = e.changes["planned_on"]
        self._record(cur, e, "node", e.code, before, after)
