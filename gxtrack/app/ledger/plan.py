"""Turning ledger rows into per-row plans: the project's events, or its problems.

A new project is built in memory through the domain's own commands
(`InvestmentProject.register`, `move`, `withdraw`, `report_progress`) with the
ledger's dates as effective dates, so every rule of the domain (dates in order,
none in the future, a reason for 终止) applies exactly as in the web form. A
project already in gxtrack (same name and investor) is matched, not duplicated
(gxtrack.app.ledger.existing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.errors import RuleViolationError
from domain.milestones import MilestoneTemplate, NodeRecord
from domain.project import InvestmentProject
from domain.project_fields import PLANNED_KEYS
from domain.stages import Stage
from gxtrack.app.ledger.existing import update_existing
from gxtrack.app.ledger.headers import FIELDS
from gxtrack.app.ledger.outcome import Problem, RowError, RowPlan, project_key
from gxtrack.app.ledger.rowparse import NODE_COLUMNS, STAGE_FIELDS, RowParser
from gxtrack.app.ledger.values import normalize

TOTAL_ROWS = {"合计", "总计", "小计"}
TEMPLATE = MilestoneTemplate.with_defaults()  # the nodes' names and codes
EXAMPLE_MARK = "示例"


@dataclass(kw_only=True)
class Planner(RowParser):
    """Plans rows against the reference lists and the projects already known."""

    existing: dict[tuple[str, str], str]
    load: Callable[[str], InvestmentProject]
    actor: str
    source: dict[str, Any]
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        # Only the nodes this ledger has a column for can differ on any row.
        self._nodes = {
            code: keys
            for code, keys in NODE_COLUMNS.items()
            if any(key in self.columns for key in keys)
        }

    def plan(self, number: int, cells: list[Any]) -> RowPlan:
        """The plan for one row; problems are collected, never raised."""
        plan = RowPlan(number, self._text(cells, "name"), self._text(cells, "investor"))
        name = plan.name
        if normalize(name) in TOTAL_ROWS:
            plan.action = "skipped"
            plan.steps.append("合计行，已跳过")
            return plan
        if cells and normalize(str(cells[0] or "")) == EXAMPLE_MARK:
            # The template's example row (序号 “示例”) shows how to fill it in.
            plan.action = "skipped"
            plan.steps.append("示例行，已跳过")
            return plan
        if self._no_project(cells):
            # A footer such as “填表人：… 填报日期：…” names no project at all.
            plan.action = "skipped"
            plan.steps.append("无项目信息（项目名称、投资方、总投资均为空），已跳过")
            return plan
        try:
            values = self.parse(number, cells)
            key = project_key(values.get("name", ""), values.get("investor", ""))
            if key in self.seen and all(key):
                raise RowError(
                    [
                        Problem(
                            number,
                            self.header("name"),
                            f"与第 {self.seen[key]} 行是同一项目（项目名称与投资方相同）",
                        )
                    ]
                )
            self.seen[key] = number
            source = {**self.source, "row": number}
            if key in self.existing:
                plan.project_id = self.existing[key]
                plan.project = self.load(plan.project_id)
                update_existing(self, plan, values, source)
            else:
                plan.project = self._create(plan, values, source)
                plan.project_id = str(plan.project.id)
        except RowError as error:
            plan.action = "invalid"
            plan.steps = []
            plan.problems = error.problems
            plan.project = None
        return plan

    def _guard(self, number: int, fields: dict[str, str], step: Callable[[], Any]):
        """Run a domain command; a rule it breaks becomes a problem at its column."""
        try:
            return step()
        except RuleViolationError as error:
            name = error.field.split(".")[0]
            key = fields.get(name, name if name in FIELDS else "name")
            raise RowError([Problem(number, self.header(key), error.message)]) from None

    def _create(
        self, plan: RowPlan, v: dict[str, Any], source: dict[str, Any]
    ) -> InvestmentProject:
        n = plan.row
        order = [key for _, key in STAGE_FIELDS]
        for earlier, later in zip(order, order[1:], strict=False):
            if later in v and earlier not in v:
                message = f"填了{self.header(later)}，缺少{self.header(earlier)}"
                raise RowError([Problem(n, self.header(earlier), message)])
        if "withdrawn_on" in v and not v.get("withdraw_reason"):
            raise RowError([Problem(n, self.header("withdraw_reason"), "终止须填原因")])
        opening = "signed" if "signed_on" in v and "negotiating_on" not in v else None
        opening_key = "signed_on" if opening else "negotiating_on"
        planned = {k: v[f"planned_{k}"] for k in PLANNED_KEYS if f"planned_{k}" in v}
        fields = {
            "planned_investment": "investment",
            "stage_date": opening_key,
            "stage": opening_key,
            "planned_dates": next(iter(f"planned_{k}" for k in planned), "name"),
        }
        project = self._guard(
            n,
            fields,
            lambda: InvestmentProject.register(
                name=v.get("name", ""),
                investor=v.get("investor", ""),
                industry=v.get("industry", ""),
                zone=v.get("zone", ""),
                planned_investment=v.get("investment", ""),
                officer=v.get("officer") or self.actor,
                actor=self.actor,
                reference=self.reference,
                stage=opening or "negotiating",
                stage_date=v.get(opening_key, self._first_known(v)),
                priority=v.get("priority"),
                planned_dates=planned,
                land_area=v.get("land_area"),
                source=source,
                today=self.today,
            ),
        )
        first = project.stage
        plan.steps.append(f"登记（{first.label} {project.stage_date.isoformat()}）")
        self.apply_stages(plan, project, v, source)
        plan.action = "create"
        return project

    def _first_known(self, v: dict[str, Any]) -> date:
        """When an undated reserve-pool project entered the pool.

        Unknown, so the import day — unless the ledger says it was withdrawn
        earlier: then it was in the pool at least until that day.
        """
        if "withdrawn_on" in v and "signed_on" not in v:
            return min(v["withdrawn_on"], self.today)
        return self.today

    def apply_stages(
        self,
        plan: RowPlan,
        project: InvestmentProject,
        v: dict[str, Any],
        source: dict[str, Any],
    ) -> None:
        """Move the project through each stage the ledger dates beyond its own."""
        n = plan.row
        for stage, key in STAGE_FIELDS:
            day = v.get(key)
            if day is None or stage in project.stage_dates:
                continue
            if project.is_withdrawn or Stage(stage).rank < project.stage.rank:
                continue
            self._guard(
                n,
                {"date": key, "to": key, "reason": key},
                lambda s=stage, d=day: project.move(
                    s, d, self.actor, today=self.today, source=source
                ),
            )
            plan.steps.append(f"{Stage(stage).label} {day.isoformat()}")
        if "withdrawn_on" in v and not project.is_withdrawn:
            day = v["withdrawn_on"]
            self._guard(
                n,
                {"date": "withdrawn_on", "reason": "withdraw_reason"},
                lambda: project.withdraw(
                    day,
                    v.get("withdraw_reason", ""),
                    self.actor,
                    today=self.today,
                    source=source,
                ),
            )
            plan.steps.append(f"终止 {day.isoformat()}")
        self._apply_nodes(plan, project, v, source)
        self._apply_investment(plan, project, v, source)
        note = v.get("progress")
        last = (project.last_progress or {}).get("note")
        if note and note != last:
            on = v.get("progress_on", self.today)
            self._guard(
                n,
                {"date": "progress_on", "note": "progress"},
                lambda: project.report_progress(
                    on, note, self.actor, today=self.today, source=source
                ),
            )
            plan.steps.append(f"推进情况 {on.isoformat()}")

    def _apply_nodes(
        self,
        plan: RowPlan,
        project: InvestmentProject,
        v: dict[str, Any],
        source: dict[str, Any],
    ) -> None:
        """Record the node dates the ledger gives that differ from the project's."""
        for code, (planned_key, done_key) in self._nodes.items():
            record = project.milestones.get(code, NodeRecord())
            given = {
                field: v[key]
                for field, key in (("planned_on", planned_key), ("done_on", done_key))
                if key in v and getattr(record, field) != v[key]
            }
            if not given:
                continue
            node = TEMPLATE.node(code)
            self._guard(
                plan.row,
                {"planned_on": planned_key, "done_on": done_key},
                lambda n=node, g=given: project.update_milestone(
                    n, g, "台账导入", self.actor, self.today, source
                ),
            )
            plan.steps.append(f"节点 {node.name}")

    def _apply_investment(
        self,
        plan: RowPlan,
        project: InvestmentProject,
        v: dict[str, Any],
        source: dict[str, Any],
    ) -> None:
        """Report the ledger's month of completed investment when it differs."""
        month, amount = v.get("invest_month"), v.get("invest_amount")
        if month is None and amount is None:
            return
        if month is None or amount is None:
            key = "invest_month" if month is None else "invest_amount"
            message = "完成投资须同时填写月份与金额"
            raise RowError([Problem(plan.row, self.header(key), message)])
        if project.investment.get(month) == amount:
            return
        self._guard(
            plan.row,
            {"month": "invest_month", "amount": "invest_amount"},
            lambda: project.report_investment(
                month, amount, self.actor, "台账导入", self.today, source
            ),
        )
        plan.steps.append(f"完成投资 {month} {amount} 万元")
