"""The weekly scan's node rule (node_overdue) at its boundary days, on every store."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.clock import today
from gxtrack.app.history import history

TODAY = today()
# A Sunday at least 70 days ago: the day after it starts a new ISO week.
P = TODAY - timedelta(days=70 + (TODAY - timedelta(days=70)).isoweekday() % 7)


def register(runtime, actor, **overrides):
    fields = dict(
        name="【示例】节点项目",
        investor="某有限公司",
        industry="green",
        zone="wzedz",
        planned_investment="50000",
        stage="signed",
        stage_date=P - timedelta(days=30),
    )
    fields.update(overrides)
    return runtime.app.register_project(actor, **fields)


def flagged(scan, pid):
    return [f for f in scan["flagged"] if f["project_id"] == pid]


def test_a_node_planned_before_the_scan_day_is_flagged(runtime, officer, leader):
    app = runtime.app
    assert P.isoweekday() == 7
    pid = register(runtime, officer)["id"]
    other = register(runtime, officer, name="【示例】无节点项目")["id"]
    app.update_milestone(officer, pid, "env_review", {"planned_on": P})
    # Due on the scan's day: not late yet.
    scan, _ = app.run_stall_scan(leader, P)
    assert flagged(scan, pid) == [] and flagged(scan, other) == []
    # The next day: yellow, one day late, its own rule, with the policy version.
    scan, _ = app.run_stall_scan(leader, P + timedelta(days=1))
    assert flagged(scan, pid) == [
        {
            "project_id": pid,
            "level": "yellow",
            "days_in_stage": 1,
            "rule": "node_overdue",
        }
    ]
    assert scan["policy_version"] == 1 and flagged(scan, other) == []
    # More than twice the overdue grace (30 days) late: red.
    scan, _ = app.run_stall_scan(leader, P + timedelta(days=63))
    assert flagged(scan, pid)[0]["level"] == "red"
    items = [i for i in history(app, UUID(pid)) if i["type"] == "StallFlagged"]
    assert [i["data"]["rule"] for i in items] == ["node_overdue", "node_overdue"]
    assert items[0]["data"]["policy_version"] == 1
    # Done: the next scan clears it.
    app.update_milestone(
        officer, pid, "env_review", {"done_on": P + timedelta(days=65)}
    )
    scan, _ = app.run_stall_scan(leader, P + timedelta(days=70))
    assert pid in scan["cleared"]


def test_a_producing_projects_late_node_is_flagged(runtime, officer, leader):
    app = runtime.app
    pid = register(runtime, officer)["id"]
    app.move_project(officer, pid, "landed", P - timedelta(days=20))
    app.move_project(officer, pid, "producing", P - timedelta(days=10))
    app.update_milestone(
        officer, pid, "full_capacity", {"planned_on": P - timedelta(days=5)}
    )
    scan, _ = app.run_stall_scan(leader, P)
    assert flagged(scan, pid)[0]["rule"] == "node_overdue"
    assert flagged(scan, pid)[0]["days_in_stage"] == 5


def test_a_gate_node_late_is_flagged_from_the_plan(runtime, officer, leader):
    app = runtime.app
    pid = register(runtime, officer, planned_dates={"landed": P - timedelta(days=2)})[
        "id"
    ]
    scan, _ = app.run_stall_scan(leader, P)
    assert flagged(scan, pid)[0] == {
        "project_id": pid,
        "level": "yellow",
        "days_in_stage": 2,
        "rule": "node_overdue",
    }
