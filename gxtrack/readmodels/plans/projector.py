"""Revisions of planned dates (计划签约/开工/投产), one row per date moved.

Each PlannedDatesRevised event gives one row per planned date it moved from
one day to another: `days` is after − before (positive: pushed back). A date
set for the first time or removed is not a slip and is not kept. Milestone
nodes' planned dates are meant to land here too, with `kind` 'node' and the
node's code as `item`: their event gets a handler calling `_record`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

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
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_plan_revisions ("
        " project_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,"
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
