"""Matching a ledger row to a project gxtrack already has (same name and investor).

Stages the ledger shows beyond the project's current stage are applied as
moves (the ledger is the bureau's record of what has happened since);
everything else that differs is reported as a difference and left for a
leader to correct.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.project import InvestmentProject
from domain.stages import Stage
from gxtrack.app.ledger.outcome import RowPlan
from gxtrack.app.ledger.rowparse import STAGE_FIELDS

if TYPE_CHECKING:
    from gxtrack.app.ledger.plan import Planner

DETAILS = {
    "investment": "planned_investment",
    "industry": "industry",
    "zone": "zone",
    "officer": "officer",
    "priority": "priority",
}


def update_existing(
    planner: Planner, plan: RowPlan, v: dict[str, Any], source: dict[str, Any]
) -> None:
    """Plan the row against its project: later stages applied, the rest compared."""
    project = plan.project
    assert project is not None
    before = project.version
    for stage, key in (*STAGE_FIELDS, ("withdrawn", "withdrawn_on")):
        known = project.stage_dates.get(stage)
        if key in v and known and known != v[key]:
            plan.differences.append(
                f"{planner.header(key)}: 系统 {known.isoformat()}，"
                f"台账 {v[key].isoformat()}（未修改，如需更正请由领导更正阶段日期）"
            )
    if project.is_withdrawn and any(
        k in v and s not in project.stage_dates for s, k in STAGE_FIELDS
    ):
        plan.differences.append("系统中项目已终止，台账中的后续阶段未写入")
    compare_details(planner, plan, project, v)
    planner.apply_stages(plan, project, v, source)
    plan.action = "update" if project.version > before else "unchanged"
    if plan.action == "unchanged":
        plan.steps.append("已存在，无变化")


def compare_details(
    planner: Planner, plan: RowPlan, project: InvestmentProject, v: dict[str, Any]
) -> None:
    """Differences in the project's details and stage, reported, not written."""
    for key, attr in DETAILS.items():
        if key in v and getattr(project, attr) != v[key]:
            plan.differences.append(
                f"{planner.header(key)}: 系统 {getattr(project, attr)}，"
                f"台账 {v[key]}（未修改）"
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
