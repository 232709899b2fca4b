"""Completed investment by zone or industry, and the as-of pool's node and
investment facts (each as known at the end of the day asked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.milestones import Node, NodeRecord, project_nodes
from domain.stages import Stage
from gxtrack.app.base import ServiceBase
from gxtrack.app.reports.investment_by import breakdown, kpi_periods
from gxtrack.readmodels.milestones.queries import (
    cumulative_investment_of,
    node_dates_as_known,
)
from gxtrack.readmodels.stage_facts.queries import known_instant


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class InvestmentViewService(ServiceBase):
    """完成投资 by zone/industry; the as-of pool's nodes and investment."""

    def investment_breakdown(
        self, by: str, year: int | None = None, as_of: date | None = None
    ) -> dict[str, Any]:
        """This year to date, the same day last year (同比) and cumulative,
        per zone or industry (万元), as the figures stand now."""
        as_of = as_of or bureau_today()
        year = year or as_of.year
        reference = self.reference()
        names = {"zone": reference.zones, "industry": reference.industries}.get(by)
        found = breakdown(
            self.read_side.db, by, kpi_periods(year, as_of), dict(names or {})
        )
        return {"year": year, "as_of": as_of.isoformat(), "by": by, **found}

    def with_as_of_facts(
        self, items: list[dict[str, Any]], as_of: date
    ) -> list[dict[str, Any]]:
        """Pool items as of `as_of` with their nodes and cumulative completed
        investment as known at the end of that day: later corrections and node
        changes do not show, and a node done after the day was not done yet.

        Each item gains `completed_investment` (万元), `overdue_nodes` (count)
        and `next_node` ({code, name, planned_on, overdue} or None): the most
        overdue undone node, else the undone node planned soonest.
        """
        if not items:
            return items
        db = self.read_side.db
        known_at = known_instant(as_of)
        ids = [i["id"] for i in items]
        invested = cumulative_investment_of(db, ids, f"{as_of:%Y-%m}", known_at)
        nodes = node_dates_as_known(db, ids, known_at)
        template = [Node(**n) for n in self.milestone_template()["nodes"]]  # type: ignore[attr-defined]
        for found in items:
            records = {
                code: NodeRecord(planned, done if done and done <= as_of else None)
                for code, (planned, done) in nodes.get(found["id"], {}).items()
            }
            reached = {
                stage: day
                for stage, text in found["stage_dates"].items()
                if (day := _day(text)) is not None and day <= as_of
            }
            planned = {
                k: d for k, v in found["planned_dates"].items() if (d := _day(v))
            }
            listed = project_nodes(template, records, reached, planned, as_of)
            if found["stage"] == Stage.WITHDRAWN.value:
                listed = []  # a withdrawn project has nothing pending
            open_nodes = [n for n in listed if n["done_on"] is None and n["planned_on"]]
            overdue = [n for n in open_nodes if n["overdue"]]
            nxt = min(
                overdue or open_nodes, key=lambda n: n["planned_on"], default=None
            )
            found["completed_investment"] = invested.get(found["id"], "0")
            found["overdue_nodes"] = len(overdue)
            found["next_node"] = (
                {
                    "code": nxt["code"],
                    "name": nxt["name"],
                    "planned_on": nxt["planned_on"].isoformat(),
                    "overdue": nxt["overdue"],
                }
                if nxt
                else None
            )
        return items
