"""A command sees its own events in the read models (read-your-writes) while
other commands run at once, in this process and in another one.

Two Runtimes on one store stand for two web workers, each with threads of its
own; each command waits as a request does (wait_for_own_writes), applying the
events itself only when nobody else is running a batch, and otherwise waiting
for whoever is.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from domain.clock import today
from domain.permissions import Actor
from domain.users import Role
from gxtrack.app.kept import scope
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.pool.queries import PoolFilter, list_projects
from tests.application.test_read_your_writes import _register

pytestmark = pytest.mark.slow
OFFICER = Actor("officer", Role.OFFICER)
WORKERS = 2
THREADS = 4
ROUNDS = 5


def _pool_row(runtime: Runtime, project_id: str) -> dict[str, Any] | None:
    items = list_projects(runtime.db, PoolFilter(ids=[project_id]))["items"]
    return items[0] if items else None


def _commands(runtime: Runtime, client: int, start: threading.Barrier) -> list[str]:
    """Register and sign projects one by one; what each response would not show."""
    missed = []
    start.wait()
    for n in range(ROUNDS):
        with scope():
            pid = _register(runtime, OFFICER, f"【示例】读己之写{client}-{n}")
            runtime.wait_for_own_writes()
        if _pool_row(runtime, pid) is None:
            missed.append(f"{pid} registered")
        with scope():
            runtime.app.move_project(OFFICER, pid, "signed", today())
            runtime.wait_for_own_writes()
        row = _pool_row(runtime, pid)
        if row is None or row["stage"] != "signed":
            missed.append(f"{pid} signed")
    return missed


def test_each_command_sees_its_own_events(store):
    settings, _env = store
    workers = [Runtime.open(settings) for _ in range(WORKERS)]
    clients = WORKERS * THREADS
    start = threading.Barrier(clients)
    try:
        with ThreadPoolExecutor(clients) as pool:
            futures = [
                pool.submit(_commands, workers[c % WORKERS], c, start)
                for c in range(clients)
            ]
            missed = [m for f in futures for m in f.result()]
        assert missed == []
        assert list_projects(workers[0].db, PoolFilter())["total"] == clients * ROUNDS
    finally:
        for runtime in workers:
            runtime.close()


def test_no_batch_is_tried_while_another_holds_the_tracking_rows(store):
    settings, _env = store
    runtime = Runtime.open(settings)
    other = Runtime.open(settings)
    try:
        _register(runtime, OFFICER, "【示例】等待他人")
        engine = runtime.projections
        before = engine.positions()
        # Another thread of this process runs a batch: no second one here.
        with engine.local_lock:
            assert engine.try_batch() is None
        # Another process holds one read model's row (PostgreSQL: SQLite's
        # writer holds the whole file, and the next writer waits for it).
        if other.db.skip_locked:
            held = sorted(before)[len(before) // 2]
            with other.db.transaction() as cur:
                cur.execute(
                    f"SELECT position FROM rm_tracking WHERE projection = ?"
                    f"{other.db.for_update}",
                    (held,),
                )
                assert engine.try_batch() is None
        assert engine.positions() == before  # none of the others moved either
        read, lowest = engine.try_batch() or (0, 0)
        assert read == engine.head() - min(before.values()) > 0
        assert lowest == engine.head()
    finally:
        other.close()
        runtime.close()
