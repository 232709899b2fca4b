"""Dashboard figures from the read models, on every store."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from gxtrack.permissions import Actor
from gxtrack.queries import dashboard
from gxtrack.runtime import Runtime


def _project(runtime: Runtime, actor: Actor, name: str, days: int) -> str:
    project = runtime.app.register_project(
        actor,
        name=name,
        investor="某公司",
        industry="ngit",
        zone="mudu",
        planned_investment="100",
        stage_date=today() - timedelta(days=days),
    )
    return project["id"]


def test_conversion_and_time_in_stage(runtime: Runtime, leader: Actor) -> None:
    day = today()
    a = _project(runtime, leader, "A", 100)
    b = _project(runtime, leader, "B", 100)
    _project(runtime, leader, "C", 10)
    # A: negotiating 100 → signed 60 → landed 20; B: signed after 40 days, withdrawn.
    runtime.app.move_project(leader, a, "signed", day - timedelta(days=60))
    runtime.app.move_project(leader, a, "landed", day - timedelta(days=20))
    runtime.app.move_project(leader, b, "signed", day - timedelta(days=60))
    runtime.app.move_project(leader, b, "withdrawn", day - timedelta(days=5), "撤资")
    runtime.sync()

    reached = dashboard.reached_counts(runtime.db)
    assert reached == {"negotiating": 3, "signed": 2, "landed": 1, "producing": 0}
    steps = {s["to"]: s for s in dashboard.conversion(runtime.db)}
    assert steps["signed"]["rate"] == 66.7
    assert steps["landed"]["rate"] == 50.0
    assert steps["producing"]["rate"] == 0.0

    stays = {t["stage"]: t for t in dashboard.time_in_stage(runtime.db, day)}
    assert stays["negotiating"]["finished"] == 2
    assert stays["negotiating"]["finished_days"] == 40.0
    assert (stays["negotiating"]["ongoing"], stays["negotiating"]["ongoing_days"]) == (
        1,
        10.0,
    )
    assert stays["signed"]["finished_days"] == 47.5  # (40 + 55) / 2
    assert (stays["landed"]["ongoing"], stays["landed"]["ongoing_days"]) == (1, 20.0)


def test_empty_store_and_stalled_list(runtime: Runtime, leader: Actor) -> None:
    assert dashboard.conversion(runtime.db)[0]["rate"] is None
    assert dashboard.stalled_projects(runtime.db) == []
    assert dashboard.yearly_targets(runtime.db, today().year) == []
    pid = _project(runtime, leader, "停滞项目", 200)
    runtime.sync()
    # The stall scan (built elsewhere) fills these columns; the list reads them.
    with runtime.db.transaction() as cur:
        cur.execute(
            "UPDATE rm_projects SET stall_level = 'red', stall_rule = 'negotiating',"
            " stall_days = 200 WHERE id = ?",
            (pid,),
        )
    rows = dashboard.stalled_projects(runtime.db)
    assert [(r["name"], r["stall_level"], r["stall_days"]) for r in rows] == [
        ("停滞项目", "red", 200)
    ]
