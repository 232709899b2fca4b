"""Applying events as they come equals replaying them all from zero."""

from __future__ import annotations

import pytest

from tests.reliability.workload import dump, read_model_tables, run_workload


@pytest.mark.parametrize("batch_size", [1, 7, 500])
def test_incremental_equals_rebuild(runtime, batch_size):
    engine = runtime.projections
    engine.batch_size = batch_size
    # Interleave: the projections catch up after every command (read-your-writes).
    run_workload(
        runtime.app, projects=12, commands=150, after_each=runtime.wait_for_read_models
    )
    tables = read_model_tables(runtime)
    incremental = dump(runtime.db, tables)
    head = runtime.app.position()
    assert set(engine.positions().values()) == {head}
    assert len(incremental["rm_projects"]) == 12
    stages = {
        row["stage"] for row in runtime.db.fetchall("SELECT stage FROM rm_projects")
    }
    assert stages  # sanity: the pool is filled
    # Every command of the workload is a decision in the activity log.
    assert len(incremental["rm_activity"]) >= 150
    assert len(incremental["rm_activity_subjects"]) >= 12

    engine.rebuild()
    assert dump(runtime.db, tables) == incremental
    assert set(engine.positions().values()) == {head}
    # Small pages: each of a replay's transactions spans several pages.
    engine.rebuild(batch_size=batch_size)
    assert dump(runtime.db, tables) == incremental
    assert set(engine.positions().values()) == {head}


def test_stage_history_follows_corrections_and_reinstatement(runtime, leader):
    from datetime import timedelta

    from domain.clock import today

    day0 = today() - timedelta(days=50)
    app = runtime.app
    p = app.register_project(
        leader,
        name="【示例】更正项目",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=day0,
    )["id"]
    app.move_project(leader, p, "signed", day0 + timedelta(days=1))
    app.move_project(leader, p, "withdrawn", day0 + timedelta(days=2), "撤回")
    app.reinstate_project(leader, p, "恢复", on=day0 + timedelta(days=3))
    app.move_project(leader, p, "landed", day0 + timedelta(days=4))
    app.move_project(leader, p, "negotiating", day0 + timedelta(days=5), "录错")
    runtime.wait_for_read_models()
    rows = runtime.db.fetchall(
        "SELECT stage, entered_on, left_on FROM rm_stage_history"
        " WHERE project_id = ? ORDER BY seq",
        (p,),
    )
    # Signing never happened: the project has been negotiating since day 0.
    assert rows == [
        {"stage": "negotiating", "entered_on": day0.isoformat(), "left_on": None}
    ]
    pool = runtime.db.fetchone("SELECT stage, stage_date FROM rm_projects")
    assert pool == {"stage": "negotiating", "stage_date": day0.isoformat()}
