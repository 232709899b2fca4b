"""A rebuild replays each read model from zero and ends as the incremental build.

Whatever is rebuilt (every read model, or some while the others stay), the
tables must equal the ones built event by event; over a tampered log the rebuild
stops and leaves nothing built from it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

import pytest

from domain.clock import today
from domain.permissions import Actor
from gxtrack.app.demo import sample_uscc
from gxtrack.audit.chain_follower import ChainBrokenError
from gxtrack.bootstrap import Runtime
from tests.application.test_chain import RawEvents
from tests.reliability.workload import LEADER, dump, read_model_tables, run_workload


@pytest.fixture
def filled(store) -> Iterator[tuple[Runtime, dict]]:
    """Events of every read model, followed event by event; and the tables."""
    runtime = Runtime.open(store[0])
    app = runtime.app
    run_workload(app, projects=10, commands=80, after_each=runtime.wait_for_read_models)
    rng = random.Random(5)
    for n in range(3):
        eid = app.register_enterprise(LEADER, sample_uscc(rng), f"【示例】企业{n}")
        app.award_designation(
            LEADER, eid["id"], "srdi", today() - timedelta(days=30 * n)
        )
    app.add_user(Actor.system(), "officer9", "officer")
    runtime.wait_for_read_models()
    yield runtime, dump(runtime.db, read_model_tables(runtime))
    runtime.close()


def _indexes(runtime: Runtime) -> set[str]:
    if runtime.db.kind != "sqlite":
        return set()
    rows = runtime.db.fetchall(
        "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"
    )
    return {r["name"] for r in rows}


def test_rebuild_equals_incremental(filled):
    runtime, incremental = filled
    head = runtime.app.position()
    indexes = _indexes(runtime)
    assert runtime.projections.rebuild() == head
    assert dump(runtime.db, read_model_tables(runtime)) == incremental
    assert set(runtime.projections.positions().values()) == {head}
    assert _indexes(runtime) == indexes


def test_rebuilding_some_read_models_leaves_the_others_alone(filled):
    runtime, incremental = filled
    engine = runtime.projections
    engine.rebuild(["pool", "stage_facts", "enterprises"])
    assert dump(runtime.db, read_model_tables(runtime)) == incremental
    assert set(engine.positions().values()) == {runtime.app.position()}


def test_events_recorded_after_a_rebuild_are_followed_once(filled):
    runtime, _before = filled
    app = runtime.app
    ids = [r["id"] for r in runtime.db.fetchall("SELECT id FROM rm_projects")]
    runtime.projections.rebuild()
    app.revise_project(LEADER, ids[0], {"name": "【示例】重建后改名"}, "改名")
    runtime.wait_for_read_models()
    followed = dump(runtime.db, read_model_tables(runtime))
    runtime.projections.rebuild()
    assert dump(runtime.db, read_model_tables(runtime)) == followed


def test_a_tampered_log_stops_the_rebuild_with_nothing_built(filled):
    runtime, _incremental = filled
    raw = RawEvents(runtime)
    (position, state), *_ = raw.run(
        f"SELECT {raw.id}, state FROM {raw.table} WHERE topic LIKE ?"
        f" ORDER BY {raw.id} LIMIT 1",
        "%.Registered",
    )
    raw.run(
        f"UPDATE {raw.table} SET state = ? WHERE {raw.id} = ?",
        bytes(state).replace("示例".encode(), "样例".encode()),
        position,
    )
    with pytest.raises(ChainBrokenError, match=f"位置 {position}，"):
        runtime.projections.rebuild()
    assert set(runtime.projections.positions().values()) == {0}
    assert runtime.db.fetchall("SELECT * FROM rm_projects") == []
