"""The engine records each aggregate a read model applied an event of, with the
position of its latest (rm_changes), in batches of any size: the kept stall
roster re-judges those projects. On every store."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import today
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.changes import RECORDED_AT_ONCE, changed_since
from gxtrack.readmodels.engine.rebuild import Rebuild


def test_each_project_is_recorded_at_its_latest_event(runtime, leader):
    ids = []
    for n in range(RECORDED_AT_ONCE + 3):  # more than one statement's rows
        ids.append(
            runtime.app.register_project(
                leader,
                name=f"【示例】项目{n}",
                investor=f"示例投资方{n}",
                industry="green",
                zone="wzedz",
                planned_investment="100",
                stage_date=today() - timedelta(days=n % 50),
            )["id"]
        )
    runtime.app.report_progress(leader, ids[7], today(), "推进中")
    runtime.projections.rebuild()  # one page holds every event
    latest = {
        id_text(n.originator_id): n.id
        for n in runtime.app.recorder.select_notifications(start=1, limit=10_000)
    }
    recorded = {
        r["originator_id"]: r["position"]
        for r in runtime.db.fetchall("SELECT originator_id, position FROM rm_changes")
    }
    assert {pid: recorded.get(pid) for pid in ids} == {pid: latest[pid] for pid in ids}
    assert changed_since(runtime.db, latest[ids[7]] - 1) == [ids[7]]


def test_a_replay_never_lowers_a_recorded_position(runtime, leader):
    project = runtime.app.register_project(
        leader,
        name="【示例】重放项目",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="100",
        stage_date=today() - timedelta(days=5),
    )["id"]
    runtime.app.report_progress(leader, project, today(), "推进中")
    runtime.wait_for_read_models()
    query = "SELECT originator_id, position FROM rm_changes ORDER BY originator_id"
    recorded = runtime.db.fetchall(query)
    assert project in {r["originator_id"] for r in recorded}
    # The activity log replayed from zero passes the registration again.
    Rebuild(runtime.projections, ["activity"])._reset(["activity"])
    registered = min(
        n.id
        for n in runtime.app.recorder.select_notifications(start=1, limit=100)
        if id_text(n.originator_id) == project
    )
    runtime.projections.run_batch(limit=registered, only=["activity"])
    assert runtime.db.fetchall(query) == recorded
