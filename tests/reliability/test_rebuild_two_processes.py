"""A long rebuild shares its work with a second process and ends the same.

The second process (gxtrack/readmodels/engine/second_process.py) checks the kept chain and
replays the `apart` read models: in place on PostgreSQL, on SQLite into a
scratch file that the rebuild copies in. Whatever happens to it (it dies, the log grows meanwhile, another
process follows the log for those read models), the tables must equal the
ones built event by event.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from domain.clock import today
from domain.permissions import Actor
from gxtrack.app.demo import sample_uscc
from gxtrack.audit.chain_follower import ChainBrokenError
from gxtrack.bootstrap import Runtime
from tests.application.test_chain import RawEvents
from tests.reliability.workload import LEADER, dump, read_model_tables, run_workload


def _fill(runtime: Runtime) -> tuple[Runtime, dict]:
    """Events of every read model, followed event by event; and the tables."""
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
    runtime.projections.parallel_min = 1  # long logs only, normally
    return runtime, dump(runtime.db, read_model_tables(runtime))


@pytest.fixture
def filled(store) -> Iterator[tuple[Runtime, dict]]:
    """On SQLite and PostgreSQL: stores a second process can open too."""
    runtime = Runtime.open(store[0])
    yield _fill(runtime)
    runtime.close()


class Watched:
    """The engine's helper factory, noting what each helper was asked to do and
    running `before_result` before the rebuild reads the helper's outcome."""

    def __init__(self, runtime: Runtime, before_result=None) -> None:
        self.start = runtime.projections.helper
        self.before_result = before_result
        self.helpers: list = []
        runtime.projections.helper = self

    def __call__(self, db, **asked):
        helper = self.start(db, **asked)
        self.helpers.append(helper)
        if self.before_result:
            original = helper.result

            def result():
                self.before_result(helper)
                return original()

            helper.result = result
        return helper


def _apart(runtime: Runtime) -> list[str]:
    return [p.name for p in runtime.projections.projections.values() if p.apart]


def _indexes(runtime: Runtime) -> set[str]:
    rows = runtime.db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'rm_%'"
    )
    return {r["name"] for r in rows}


def test_rebuild_in_two_processes_equals_incremental(filled):
    runtime, incremental = filled
    tables = read_model_tables(runtime)
    head = runtime.app.position()
    indexes = _indexes(runtime) if runtime.db.kind == "sqlite" else set()
    watched = Watched(runtime)
    assert runtime.projections.rebuild() == head
    (helper,) = watched.helpers
    # The apart read models were replayed in the second process: on SQLite
    # into a scratch file, copied in and removed; on PostgreSQL in place.
    assert sorted(helper.apart) == sorted(_apart(runtime)) and helper.chain_to == head
    if runtime.db.kind == "sqlite":
        assert helper.scratch is not None and not helper.scratch.exists()
        assert list(runtime.settings.data_dir.glob("*.rebuild-*")) == []
        assert _indexes(runtime) == indexes
    else:
        assert helper.scratch is None
    assert dump(runtime.db, tables) == incremental
    assert set(runtime.projections.positions().values()) == {head}


def test_events_recorded_during_the_rebuild_reach_the_apart_read_models(filled):
    runtime, _before = filled
    app = runtime.app
    ids = [r["id"] for r in runtime.db.fetchall("SELECT id FROM rm_projects")]

    def record_more(_helper) -> None:  # after the helper's stop position
        app.revise_project(LEADER, ids[0], {"name": "【示例】重建中改名"}, "改名")
        app.report_progress(LEADER, ids[1], today(), "【示例】重建中进展")

    Watched(runtime, record_more)
    runtime.projections.rebuild()
    head = app.position()
    assert set(runtime.projections.positions().values()) == {head}
    rebuilt = dump(runtime.db, read_model_tables(runtime))
    # The same as replaying everything in one process.
    runtime.projections.helper = None
    runtime.projections.rebuild()
    assert dump(runtime.db, read_model_tables(runtime)) == rebuilt
    facts = runtime.db.fetchall(
        "SELECT name FROM rm_project_facts WHERE project_id = ?"
        " AND superseded_at IS NULL",
        (ids[0],),
    )
    assert facts == [{"name": "【示例】重建中改名"}]


def test_a_second_process_that_dies_leaves_its_work_to_the_rebuild(filled):
    runtime, incremental = filled
    chain = runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position")
    watched = Watched(runtime, lambda helper: helper.cancel())  # SIGKILL
    runtime.projections.rebuild()
    assert len(watched.helpers) == 1
    assert dump(runtime.db, read_model_tables(runtime)) == incremental
    head = runtime.app.position()
    assert set(runtime.projections.positions().values()) == {head}
    assert runtime.db.fetchall("SELECT * FROM audit_chain ORDER BY position") == chain
    assert list(runtime.settings.data_dir.glob("*.rebuild-*")) == []


def test_read_models_followed_meanwhile_are_applied_once(filled):
    runtime, incremental = filled
    engine = runtime.projections
    followed = []

    def follow(helper) -> None:  # as a projection process would, meanwhile
        followed.append(engine.run_batch(limit=7, only=helper.apart))

    Watched(runtime, follow)
    engine.rebuild()
    assert followed and followed[0] > 0
    assert dump(runtime.db, read_model_tables(runtime)) == incremental
    assert set(engine.positions().values()) == {runtime.app.position()}


def test_a_dead_second_process_leaves_the_chain_check_to_the_rebuild(filled):
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
    Watched(runtime, lambda helper: helper.cancel())
    with pytest.raises(ChainBrokenError, match=f"位置 {position}，"):
        runtime.projections.rebuild()
    assert set(runtime.projections.positions().values()) == {0}


ORPHAN = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", '''
import time
from gxtrack.readmodels.engine.second_process import while_parent_lives
read = while_parent_lives(lambda start, limit: time.sleep(0.01) or [start])
while True:
    read(1, 1)
'''])
print(child.pid, flush=True)
child.wait()
"""


def test_the_second_process_stops_when_the_rebuild_is_killed():
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(0.3)
    assert Path(f"/proc/{child}").exists()  # reading while its parent lives
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child}").exists() and "zombie" not in Path(
        f"/proc/{child}/status"
    ).read_text(errors="replace"):
        assert time.monotonic() < deadline, "the orphaned reader kept going"
        time.sleep(0.02)


def test_a_dead_second_process_without_a_chain_to_check_leaves_nothing_half_copied(
    filled,
):
    runtime, incremental = filled
    tables = read_model_tables(runtime)
    watched = Watched(runtime, lambda helper: helper.cancel())
    runtime.projections.rebuild(["pool", "stage_facts", "enterprises"])
    (helper,) = watched.helpers
    assert helper.chain_to == 0 and helper.apart == ["stage_facts", "enterprises"]
    assert dump(runtime.db, tables) == incremental
    assert set(runtime.projections.positions().values()) == {runtime.app.position()}
