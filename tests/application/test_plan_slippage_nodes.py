"""Plan slippage counts a node's planned date moved, and a gate node only once."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from gxtrack.readmodels.plans.queries import plan_revisions

TODAY = today()
SIGNED = TODAY - timedelta(days=100)


def _register(runtime, actor, name):
    project = runtime.app.register_project(
        actor,
        name=name,
        investor="【示例】某某有限公司",
        industry="robotics",
        zone="mudu",
        planned_investment="100",
        stage="signed",
        stage_date=SIGNED,
    )
    return project["id"]


def _revisions(runtime):
    keys = ("project_id", "kind", "item", "days")
    rows = [{k: r[k] for k in keys} for r in plan_revisions(runtime.db)]
    return sorted(rows, key=lambda r: tuple(r.values()))


def test_a_node_planned_date_moved_is_a_node_revision(runtime, leader):
    app = runtime.app
    pid = _register(runtime, leader, "【示例】节点推迟")
    first = TODAY + timedelta(days=30)
    app.update_milestone(leader, pid, "env_review", {"planned_on": first})  # set
    app.update_milestone(
        leader, pid, "env_review", {"planned_on": first + timedelta(40)}
    )
    app.update_milestone(leader, pid, "env_review", {"note": "只改备注"})  # no date
    app.update_milestone(
        leader, pid, "env_review", {"planned_on": first + timedelta(25)}
    )
    app.update_milestone(leader, pid, "env_review", {"planned_on": None})  # removed
    runtime.wait_for_read_models()
    assert _revisions(runtime) == [
        {"project_id": pid, "kind": "node", "item": "env_review", "days": -15},
        {"project_id": pid, "kind": "node", "item": "env_review", "days": 40},
    ]
    report = app.plan_slippage(leader, "officer")
    assert report["total"]["revisions"] == 2 and report["total"]["slipped"] == 1
    assert report["total"]["days_pushed"] == 40
    assert [p["project_id"] for p in report["projects"]] == [pid]
    zone = app.plan_slippage(leader, "zone")["groups"]
    assert [(g["key"], g["days_pushed"]) for g in zone] == [("mudu", 40)]
    industry = app.plan_slippage(leader, "industry")["groups"]
    assert [(g["key"], g["revisions"]) for g in industry] == [("robotics", 2)]


def test_a_gate_node_planned_date_counts_once_as_its_stage(runtime, leader):
    app = runtime.app
    pid = _register(runtime, leader, "【示例】开工推迟")
    first = TODAY + timedelta(days=30)
    app.update_milestone(leader, pid, "groundbreaking", {"planned_on": first})
    app.update_milestone(
        leader, pid, "groundbreaking", {"planned_on": first + timedelta(20)}
    )
    app.revise_plan(leader, pid, {"landed": first + timedelta(50)})
    runtime.wait_for_read_models()
    # 开工 is the 落地 stage's planned date: two moves, each counted once.
    assert _revisions(runtime) == [
        {"project_id": pid, "kind": "stage", "item": "landed", "days": 20},
        {"project_id": pid, "kind": "stage", "item": "landed", "days": 30},
    ]
    assert app.plan_slippage(leader)["total"]["days_pushed"] == 50
