"""A projection whose tables changed shape is rebuilt by itself on start."""

from __future__ import annotations

from gxtrack.projections.users import UserProjection
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
    runtime.app.add_user(admin, "zhang_san", "officer", None)
    runtime.sync()
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
    assert runtime.projections.positions() == {
        "pool": head,
        "enterprises": head,
        "users": 0,
    }
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_users") == 0
    assert runtime.db.scalar("SELECT COUNT(*) AS n FROM rm_projects") == 1
    runtime.sync()
    assert runtime.db.fetchall("SELECT name FROM rm_users") == [{"name": "zhang_san"}]
    runtime.projections.setup()  # unchanged now: nothing is reset
    assert set(runtime.projections.positions().values()) == {head}
