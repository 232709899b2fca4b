"""Turning ledger rows into per-row plans: the project's events, or its problems.

A new project is built in memory through the domain's own commands
(`InvestmentProject.register`, `move`, `withdraw`, `report_progress`) with the
ledger's dates as effective dates, so every rule of the domain (dates in order,
none in the future, a reason for 终止) applies exactly as in the web form. A
project already in gxtrack (same name and investor) is matched, not duplicated:
stages the ledger shows beyond the project's current stage are applied as moves
(the ledger is the bureau's record of what has happened since); everything else
that differs is reported as a difference and left for a leader to correct.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.errors import RuleViolationError
from domain.investment import parse_month
from domain.milestones import MilestoneTemplate, NodeRecord
from domain.project import InvestmentProject
from domain.project_fields import PLANNED_KEYS
from domain.reference import ReferenceData
from domain.stages import FORWARD, Stage
from gxtrack.app.ledger.headers import FIELDS, NODE_LABELS, Column, label
from gxtrack.app.ledger.outcome import Problem, RowError, RowPlan, project_key
from gxtrack.app.ledger.values import (
    is_blank,
    normalize,
    parse_amount,
    parse_area,
    parse_date,
    parse_priority,
    parse_text,
)

# The forward stages after 在谈, each with its date column (from the stage order).
STAGE_FIELDS = tuple((stage.value, f"{stage.value}_on") for stage in FORWARD[1:])
NODE_COLUMNS = {
    code: (f"node_{code}_planned", f"node_{code}_done") for code in NODE_LABELS
}
DATE_FIELDS = {
    *(key for pair in NODE_COLUMNS.values() for key in pair),
    *(f"{stage.value}_on" for stage in Stage),
    *(f"planned_{key}" for key in PLANNED_KEYS),
    "progress_on",
}
TOTAL_ROWS = {"合计", "总计", "小计"}
MONTH_TEXT = re.compile(r"^(\d{4})[年./-](\d{1,2})月?$")
TEMPLATE = MilestoneTemplate.with_defaults()  # the nodes' names and codes
EXAMPLE_MARK = "示例"


@dataclass
class Planner:
    """Plans rows against the reference lists and the projects already known."""

    columns: dict[str, Column]
    reference: ReferenceData
    existing: dict[tuple[str, str], str]
    load: Callable[[str], InvestmentProject]
    actor: str
    source: dict[str, Any]
    today: date
    officers: dict[str, str] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    # -- parsing -----------------------------------------------------------

    def parse(self, number: int, cells: list[Any]) -> dict[str, Any]:
        """The row's values by field; raises RowError listing every bad cell."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for key, column in self.columns.items():
            raw = self._cell(cells, key)
            if is_blank(raw):
                continue
            try:
                values[key] = self._value(column, raw)
            except ValueError as error:
                problems.append(Problem(number, column.header, str(error)))
        for key in ("industry", "zone"):
            if key in values:
                try:
                    values[key] = self._resolve(key, values[key])
                except ValueError as error:
                    problems.append(Problem(number, self.header(key), str(error)))
        if problems:
            raise RowError(problems)
        if "officer" in values:
            # 责任人 is usually a person's name; the project keeps the user's name.
            values["officer"] = self.officers.get(values["officer"], values["officer"])
        return values

    def _value(self, column: Column, raw: Any) -> Any:
        key = column.field
        if key in DATE_FIELDS:
            return parse_date(raw)
        if key in ("investment", "invest_amount"):
            return parse_amount(raw, column.scale)
        if key == "invest_month":
            if not isinstance(raw, str):  # a date cell names its month
                return f"{parse_date(raw):%Y-%m}"
            text = normalize(raw).replace(" ", "")
            match = MONTH_TEXT.match(text)
            if match:  # 2025年6月, 2025.6, 2025/06
                text = f"{match.group(1)}-{int(match.group(2)):02d}"
            try:
                return parse_month(text, self.today)
            except RuleViolationError as error:
                raise ValueError(error.message) from None
        if key == "land_area":
            return parse_area(raw)
        if key == "priority":
            return parse_priority(raw)
        return parse_text(raw)

    def _resolve(self, kind: str, value: str) -> str:
        try:
            return self.reference.resolve(kind, value)
        except RuleViolationError as error:
            entries = self.reference.entries(kind)
            names = {**{n: c for c, n in entries.items()}, **{c: c for c in entries}}
            close = difflib.get_close_matches(value, list(names), n=6, cutoff=0.3)
            codes = list(dict.fromkeys(names[m] for m in close))[:3]
            hint = "、".join(f"{entries[code]}（{code}）" for code in codes)
            raise ValueError(
                f"{error.message}" + (f"；最接近的是: {hint}" if hint else "")
            ) from None

    def header(self, key: str) -> str:
        """The ledger's own header for a field (its Chinese label if absent)."""
        column = self.columns.get(key)
        return column.header if column else label(key)

    # -- planning ----------------------------------------------------------

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
                self._update(plan, values, source)
            else:
                plan.project = self._create(plan, values, source)
                plan.project_id = str(plan.project.id)
        except RowError as error:
            plan.action = "invalid"
            plan.steps = []
            plan.problems = error.problems
            plan.project = None
        return plan

    def _cell(self, cells: list[Any], key: str) -> Any:
        index = self.columns[key].index
        return cells[index] if index < len(cells) else None

    def _text(self, cells: list[Any], key: str) -> str:
        value = self._cell(cells, key)
        return "" if is_blank(value) else parse_text(value)

    def _no_project(self, cells: list[Any]) -> bool:
        keys = ("name", "investor", "industry", "zone", "investment")
        return all(is_blank(self._cell(cells, k)) for k in keys)

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
        self._apply_stages(plan, project, v, source)
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

    def _apply_stages(
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
        for code, (planned_key, done_key) in NODE_COLUMNS.items():
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

    def _update(self, plan: RowPlan, v: dict[str, Any], source: dict[str, Any]) -> None:
        project = plan.project
        assert project is not None
        before = project.version
        for stage, key in (*STAGE_FIELDS, ("withdrawn", "withdrawn_on")):
            known = project.stage_dates.get(stage)
            if key in v and known and known != v[key]:
                plan.differences.append(
                    f"{self.header(key)}: 系统 {known.isoformat()}，"
                    f"台账 {v[key].isoformat()}（未修改，如需更正请由领导更正阶段日期）"
                )
        if project.is_withdrawn and any(
            k in v and s not in project.stage_dates for s, k in STAGE_FIELDS
        ):
            plan.differences.append("系统中项目已终止，台账中的后续阶段未写入")
        self._compare_details(plan, project, v)
        self._apply_stages(plan, project, v, source)
        plan.action = "update" if project.version > before else "unchanged"
        if plan.action == "unchanged":
            plan.steps.append("已存在，无变化")

    def _compare_details(
        self, plan: RowPlan, project: InvestmentProject, v: dict[str, Any]
    ) -> None:
        checks = {
            "investment": ("planned_investment", str),
            "industry": ("industry", str),
            "zone": ("zone", str),
            "officer": ("officer", str),
            "priority": ("priority", str),
        }
        for key, (attr, show) in checks.items():
            if key in v and getattr(project, attr) != v[key]:
                plan.differences.append(
                    f"{self.header(key)}: 系统 {show(getattr(project, attr))}，"
                    f"台账 {show(v[key])}（未修改）"
                )
        ledger_stages = [s for s, k in STAGE_FIELDS if k in v]
        furthest = ledger_stages[-1] if ledger_stages else "negotiating"
        if (
            not project.is_withdrawn
            and "withdrawn_on" not in v
            and project.stage.rank > Stage(furthest).rank
        ):
            plan.differences.append(
                f"系统阶段为{project.stage.label}，台账只到{Stage(furthest).label}"
                "（未修改）"
            )
