"""A seeded mix of every project command, run through the services.

Used by the reliability tests: many events of every type (corrections,
withdrawals, reinstatements, redated stages, revisions), the same every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from domain.clock import today
from domain.permissions import Actor
from domain.reference import DEFAULT_INDUSTRIES, DEFAULT_ZONES
from domain.users import Role
from gxtrack.errors import RuleViolationError

LEADER = Actor("leader", Role.LEADER)
NEXT = {"negotiating": "signed", "signed": "landed", "landed": "producing"}
BACK = {"signed": "negotiating", "landed": "signed", "producing": "landed"}


def _command(app: Any, rng: random.Random, pid: str, day: Any) -> None:
    project = app.get_project(pid)
    stage = project["stage"]
    roll = rng.random()
    if stage == "withdrawn":
        app.reinstate_project(LEADER, pid, "恢复推进", on=day)
    elif roll < 0.35 and stage in NEXT:
        app.move_project(LEADER, pid, NEXT[stage], day)
    elif roll < 0.55:
        app.report_progress(LEADER, pid, day, f"【示例】推进情况{rng.randint(1, 99)}")
    elif roll < 0.62:
        app.move_project(LEADER, pid, "withdrawn", day, "投资方撤回")
    elif roll < 0.68 and stage in BACK:
        app.move_project(LEADER, pid, BACK[stage], day, "录入错误，更正")
    elif roll < 0.74:
        app.redate_stage(LEADER, pid, stage, day, "日期更正")
    elif roll < 0.86:
        field = rng.choice(["name", "investor", "planned_investment", "zone"])
        value = {
            "name": f"【示例】改名项目{rng.randint(1, 999)}",
            "investor": f"投资方_{rng.randint(1, 99)}%",
            "planned_investment": f"{rng.randint(1, 99999)}.{rng.randint(0, 99)}",
            "zone": rng.choice(list(DEFAULT_ZONES)),
        }[field]
        app.revise_project(LEADER, pid, {field: value}, "信息修订")
    elif roll < 0.93:
        app.reassign_project(LEADER, pid, f"officer{rng.randint(0, 9)}", "调整")
    else:
        app.revise_plan(LEADER, pid, {"producing": day + timedelta(days=400)}, "")


def run_workload(
    app: Any,
    projects: int,
    commands: int,
    seed: int = 7,
    after_each: Callable[[], None] | None = None,
) -> list[str]:
    """Register `projects`, then run `commands` random valid commands."""
    rng = random.Random(seed)
    start = today() - timedelta(days=commands + 200)
    ids: list[str] = []
    for i in range(projects):
        project = app.register_project(
            LEADER,
            name=f"【示例】项目{i}号",
            investor=f"示例投资方{i % 7}",
            industry=rng.choice(list(DEFAULT_INDUSTRIES)),
            zone=rng.choice(list(DEFAULT_ZONES)),
            planned_investment=str(rng.randint(100, 90000)),
            stage=rng.choice(["negotiating", "signed"]),
            stage_date=start,
            officer=f"officer{i % 5}",
        )
        ids.append(project["id"])
        if after_each:
            after_each()
    for step in range(commands):
        day = start + timedelta(days=1 + step * 150 // max(commands, 1))
        try:
            _command(app, rng, rng.choice(ids), day)
        except RuleViolationError:
            continue  # e.g. a redate before the previous stage: skip it
        if after_each:
            after_each()
    return ids


def dump(db: Any, tables: list[str]) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, for comparison."""
    out: dict[str, list[tuple]] = {}
    for table in tables:
        rows = db.fetchall(f"SELECT * FROM {table}")
        out[table] = sorted(
            (tuple(str(v) for v in row.values()) for row in rows), key=repr
        )
    return out


def read_model_tables(runtime: Any) -> list[str]:
    """The tables of every projection the runtime maintains."""
    return [t for p in runtime.projections.projections.values() for t in p.tables]
