"""Setting up the read models on start: a projection whose tables changed
shape is rebuilt by itself, and a start beside a running batch waits for it."""

from __future__ import annotations

import threading
import time

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine.rebuild import Rebuild
from gxtrack.readmodels.users.projector import UserProjection
from tests.conftest import pg_settings
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


def _beside_a_running_batch(settings, act) -> list[BaseException]:
    """Run `act(runtime)` in a second process while the first's batch runs;
    the errors it raised (a deadlock detected, say)."""
    busy, other = Runtime.open(settings), Runtime.open(settings)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            act(other)
        except BaseException as error:  # noqa: BLE001 - reported to the caller
            errors.append(error)

    try:
        engine = busy.projections
        pool = engine.projections["pool"]
        with busy.db.transaction() as cur:
            # A batch: the tracking rows, a read model's applied position
            # raised (record_page), then that read model's rows written.
            engine.lock_positions(cur)
            cur.execute(
                "UPDATE rm_model_changes SET position = position WHERE projection = ?",
                (pool.name,),
            )
            thread = threading.Thread(target=run)
            thread.start()
            time.sleep(0.5)  # `act` is under way, or waiting for this batch
            cur.execute(f"LOCK TABLE {pool.tables[0]} IN ROW EXCLUSIVE MODE")
        thread.join(30)
        assert not thread.is_alive()
        return errors
    finally:
        other.close()
        busy.close()


@pytest.mark.postgres
def test_setup_beside_a_running_batch_waits_for_it(pg_schema, tmp_path):
    """A process starting while another's batch runs: setup waits, no deadlock."""
    settings = pg_settings(pg_schema, tmp_path)
    assert _beside_a_running_batch(settings, lambda rt: rt.projections.setup()) == []


@pytest.mark.postgres
def test_a_rebuild_beside_a_running_batch_waits_for_it(pg_schema, tmp_path):
    """A rebuild starting while another process's batch runs: it waits for the
    batch instead of deadlocking with it over the read model's tables."""
    settings = pg_settings(pg_schema, tmp_path)

    def reset(runtime) -> None:
        Rebuild(runtime.projections, ["pool"])._reset(["pool"])

    assert _beside_a_running_batch(settings, reset) == []
