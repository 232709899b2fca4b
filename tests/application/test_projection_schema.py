"""A projection whose tables changed shape is rebuilt by itself on start."""

from __future__ import annotations

from gxtrack.readmodels.users.projector import UserProjection
from tests.reliability.workload import LEADER


def test_changed_ddl_resets_and_rebuilds_only_that_projection(
    runtime, admin, monkeypatch
):
    runtime.app.register_project(
        LEADER,
        name="【示例】结构变更",
        investor="示例投资方",
        industry="green",
        zone="wzedz",
        planned_investment="10",
    )
    runtime.app.add_user(admin, "officer_test", "officer", None)
    runtime.wait_for_read_models()
    head = runtime.app.position()
    monkeypatch.setattr(
        UserProjection,
        "ddl",
        (
            *UserProjection.ddl,
            "CREATE INDEX IF NOT EXISTS rm_users_role ON rm_users (role)",
        ),
    )
    runtime.projections.setup()  # what every process does when it starts
    positions = runtime.projections.positions()
    assert positions.pop("users") == 0
    assert set(positions.values()) == {head}
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_users") == 0
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_projects") == 1
    runtime.wait_for_read_models()
    assert runtime.db.fetchall("SELECT name FROM rm_users") == [
        {"name": "officer_test"}
    ]
    runtime.projections.setup()  # unchanged now: nothing is reset
    assert set(runtime.projections.positions().values()) == {head}
