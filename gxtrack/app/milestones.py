"""Milestone and investment use cases: the node template, node changes, monthly
completed investment.

Who may change a project's nodes or investment is `domain.actions`' answer
(`Action.MILESTONE`, `Action.INVESTMENT`), as for every other project command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.actions import Action, ProjectFacts, require_action
from domain.agreement import action_list as listed
from domain.agreement import compliance
from domain.clock import today as bureau_today
from domain.investment import (
    InvestmentTarget,
    investment_target_id,
    plain,
    same_day_last_year,
)
from domain.milestones import MilestoneTemplate
from domain.permissions import Actor, require_admin, require_leader
from domain.project import InvestmentProject
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.milestones.queries import (
    agreement_facts,
    completed_investment,
    land_done,
)
from gxtrack.readmodels.pool.queries import new_in_period, pool_facts_of


def template_view(template: MilestoneTemplate) -> dict[str, Any]:
    """The template as the API returns it."""
    return {
        "version": template.version,
        "nodes": [n.as_dict() for n in template.nodes],
        "modified_at": template.modified_on.isoformat(),
    }


@functools.cache
def _defaults() -> MilestoneTemplate:
    """The default template, read-only: made once (a fresh aggregate per view
    cost more than the rest of the template's part of a project page)."""
    return MilestoneTemplate.with_defaults()


class MilestoneService(ServiceBase):
    """The node template and the project's nodes and monthly investment."""

    def _template(self, read_only: bool = True) -> MilestoneTemplate:
        # Read on every project view: the shared read-only copy, unless changing.
        # Before the admin first changes it, the defaults are not even saved: a
        # read never writes to the log.
        try:
            if read_only:
                return self.current(MilestoneTemplate.create_id())  # type: ignore[return-value]
            return self.repository.get(MilestoneTemplate.create_id())
        except AggregateNotFoundError:
            if not read_only:
                return MilestoneTemplate.with_defaults()
        return _defaults()

    def milestone_template(self) -> dict[str, Any]:
        """The nodes in force and the template version."""
        return template_view(self._template())

    def milestone_template_history(self) -> list[dict[str, Any]]:
        """Every version of the template, newest first (who, when, why, what)."""
        if not self.exists(MilestoneTemplate.create_id()):
            template = MilestoneTemplate.with_defaults()
            return [
                {
                    "version": 1,
                    "recorded_at": template.created_on.isoformat(),
                    "nodes": [n.as_dict() for n in template.nodes],
                    "before": [],
                    "reason": "",
                    "actor": None,
                }
            ]
        items = [
            {
                "version": e.originator_version,
                "recorded_at": e.timestamp.isoformat(),
                "nodes": list(e.nodes),
                "before": list(getattr(e, "before", None) or []),
                "reason": getattr(e, "reason", ""),
                "actor": getattr(e, "actor", None),
            }
            for e in self.events.get(MilestoneTemplate.create_id())
        ]
        return items[::-1]

    def change_milestone_template(
        self,
        actor: Actor,
        nodes: list[dict[str, Any]],
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Replace the node list (admin only); the template version goes up."""
        require_admin(actor, "修改节点模板")
        template = self._template(read_only=False)
        self.check_version(template, expected_version)
        template.change(nodes, actor.name, reason)
        self.store(template)
        return template_view(template)

    def _project_for(
        self,
        actor: Actor,
        project_id: str | UUID,
        expected_version: int | None,
        action: Action,
    ) -> InvestmentProject:
        project = self.load(InvestmentProject, project_id)
        require_action(actor, ProjectFacts.of(project), action)
        self.check_version(project, expected_version)
        return project

    def _investment_change(
        self,
        actor: Actor,
        project_id: str | UUID,
        expected_version: int | None,
        change: Callable[[InvestmentProject], None],
    ) -> dict[str, Any]:
        # Investment, promises and results: one permission, one save.
        project = self._project_for(
            actor, project_id, expected_version, Action.INVESTMENT
        )
        change(project)
        self.store(project)
        return self.view_project(project)

    def update_milestone(
        self,
        actor: Actor,
        project_id: str | UUID,
        code: str,
        given: dict[str, Any],
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Set a node's planned/done date, unit or note; a gate node is its stage."""
        node = self._template().node(code)
        project = self._project_for(
            actor, project_id, expected_version, Action.MILESTONE
        )
        done = given.get("done_on")
        if node.gate is not None and done is not None:
            reached = project.stage_dates.get(node.gate.value)
            if reached is not None and reached != done:
                require_leader(actor, "更正阶段日期")
        project.update_milestone(node, given, reason, actor.name)
        self.store(project)
        return self.view_project(project)

    def report_investment(
        self,
        actor: Actor,
        project_id: str | UUID,
        month: str,
        amount: object,
        note: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Report a month's completed investment (万元); again is a correction."""
        return self._investment_change(
            actor,
            project_id,
            expected_version,
            lambda p: p.report_investment(month, amount, actor.name, note),
        )

    # -- 履约 -------------------------------------------------------------

    def record_promises(
        self,
        actor: Actor,
        project_id: str | UUID,
        given: dict[str, Any],
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Record the agreement's promises (at or after signing)."""
        return self._investment_change(
            actor,
            project_id,
            expected_version,
            lambda p: p.record_promises(given, reason, actor.name),
        )

    def report_results(
        self,
        actor: Actor,
        project_id: str | UUID,
        year: object,
        given: dict[str, Any],
        note: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Report a year's actuals (产值, 税收, 实际投资)."""
        return self._investment_change(
            actor,
            project_id,
            expected_version,
            lambda p: p.report_results(year, given, actor.name, note),
        )

    def compliance_items(
        self, status: str | None = None, action_list: str | None = None
    ) -> list[dict[str, Any]]:
        """Projects by 履约 status and on the lists 供而未建, 建而未投, 投而未达."""
        db = self.read_side.db
        today = bureau_today()
        facts = agreement_facts(db)
        land = land_done(db)
        rows = pool_facts_of(db, sorted(set(facts) | land))
        items = []
        for row in rows:
            promises, results = facts.get(row["id"], (None, {}))
            state = compliance(promises, results, row["stage"], row["land_area"], today)
            on = listed(
                row["stage"],
                row["id"] in land,
                state,
                row["planned_producing"],
                promises.producing_by if promises else None,
                today,
            )
            if (status and state != status) or (action_list and on != action_list):
                continue
            items.append({**row, "status": state, "list": on})
        return items

    # -- this year's figures (KPIs) and the 工业投资 target ---------------------

    def investment_target(self, year: int) -> str | None:
        """The year's 工业投资 target (万元), or None when not set."""
        try:
            target = self.repository.get(investment_target_id(year))
        except AggregateNotFoundError:
            return None
        return None if target.amount is None else plain(target.amount)

    def set_investment_target(
        self, actor: Actor, year: object, amount: object, reason: str = ""
    ) -> dict[str, Any]:
        """Set the yearly 工业投资 target (admin only)."""
        require_admin(actor, "设置年度工业投资目标")
        start = InvestmentTarget.start(year, actor.name, bureau_today())
        try:
            target = self.repository.get(start.id)
        except AggregateNotFoundError:
            target = start
        target.set_amount(amount, actor.name, reason)
        self.store(target)
        return {"year": target.year, "target": plain(target.amount)}

    def pool_kpis(self, year: int | None = None, as_of: date | None = None) -> dict:
        """New 签约/落地/投产 and completed investment in `year` up to `as_of`, the
        same a year earlier (同比), and the year's 工业投资 target."""
        as_of = as_of or bureau_today()
        year = year or as_of.year
        earlier = same_day_last_year(as_of)
        return {
            "year": year,
            "as_of": as_of.isoformat(),
            **self._period(year, as_of),
            "same_day_last_year": {
                "as_of": earlier.isoformat(),
                **self._period(year - 1, earlier),
            },
            "target": self.investment_target(year),
        }

    def _period(self, year: int, as_of: date) -> dict[str, Any]:
        db = self.read_side.db
        last = min(as_of, date(year, 12, 31))
        if last < date(year, 1, 1):  # as_of before the year began: nothing yet
            empty = {"count": 0, "investment": "0"}
            return {
                "new": {s: dict(empty) for s in ("signed", "landed", "producing")},
                "completed_investment": "0",
            }
        return {
            "new": new_in_period(db, date(year, 1, 1), last),
            "completed_investment": completed_investment(
                db, f"{year:04d}-01", f"{last:%Y-%m}"
            ),
        }
