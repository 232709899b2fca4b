"""Catching up reports its progress and counts the events read; status shows the lag."""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from domain.permissions import Actor
from domain.users import User
from gxtrack.readmodels.engine.engine import ProjectionEngine
from gxtrack.readmodels.engine.projection import Projection, handles


class Users(Projection):
    """Records the user names it is given."""

    tables = ()
    ddl = ()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.names: list[str] = []
        self.cursors: list[Any] = []

    @handles(User.Added)
    def on_User_Added(self, cur: Any, event: Any) -> None:
        self.names.append(event.name)
        self.cursors.append(cur)


def _engine(runtime, *names: str) -> ProjectionEngine:
    engine = ProjectionEngine(
        runtime.app, runtime.db, [Users(n) for n in names], batch_size=3
    )
    engine.setup()
    return engine


def _add_users(runtime, n: int) -> None:
    for i in range(n):
        runtime.app.add_user(Actor.system(), f"progress{i}", "officer")


def test_run_reports_each_batch_and_returns_the_events_read(runtime):
    _add_users(runtime, 7)
    head = runtime.app.position()
    engine = _engine(runtime, "users")
    seen: list[tuple[int, int]] = []
    assert engine.run(lambda done, total: seen.append((done, total))) == head
    # One report per batch of 3, and one for the empty read that ends the run.
    batches = -(-head // 3)
    assert len(seen) == batches + 1
    assert [total for _, total in seen] == [head] * len(seen)
    assert [done for done, _ in seen] == [
        min(3 * (i + 1), head) for i in range(batches)
    ] + [head]
    assert engine.run() == 0  # nothing left to read


def test_run_with_bigger_pages_reads_the_same_events(runtime):
    _add_users(runtime, 7)
    head = runtime.app.position()
    engine = _engine(runtime, "users")
    seen: list[tuple[int, int]] = []
    assert engine.run(lambda d, t: seen.append((d, t)), 2, 2) == head
    assert seen[0] == (min(4, head), head)
    assert seen[-1] == (head, head)


def test_progress_of_some_projections_counts_only_theirs(runtime):
    _add_users(runtime, 4)
    head = runtime.app.position()
    engine = _engine(runtime, "moved", "still")
    seen: list[tuple[int, int]] = []
    done = engine.run(lambda d, t: seen.append((d, t)), only=["moved"])
    assert done == head
    assert seen[-1] == (head, head)  # "still" at zero is not counted
    assert engine.positions() == {"moved": head, "still": 0}
    assert engine.lowest() == 0 and engine.lowest(["moved"]) == head


def test_status_shows_each_projections_position_head_and_lag(runtime):
    _add_users(runtime, 5)
    head = runtime.app.position()
    engine = _engine(runtime, "ahead", "behind")
    engine.run_batch(limit=2, only=["ahead"])
    ahead = engine.positions()["ahead"]
    assert 0 < ahead < head
    assert engine.status() == [
        {"projection": "ahead", "position": ahead, "head": head, "lag": head - ahead},
        {"projection": "behind", "position": 0, "head": head, "lag": head},
    ]


def test_apply_calls_the_handler_bound_to_the_events_class(runtime):
    _add_users(runtime, 2)
    engine = _engine(runtime, "users")
    engine.run()
    projection = engine.projections["users"]
    events = [
        e
        for e in runtime.app.recorder.select_notifications(start=1, limit=100)
        if e.topic.endswith("User.Added")
    ]
    decoded = [runtime.app.mapper.to_domain_event(n) for n in events]
    projection.names.clear()
    cur = object()
    for event in decoded:
        projection.apply(cur, event)
    assert projection.names == [e.name for e in decoded]
    assert projection.cursors[-len(decoded) :] == [cur] * len(decoded)
    other = object()  # of no class the projection handles
    projection.apply(cur, other)  # no handler: ignored
    assert len(projection.names) == len(decoded)


class Everything(Projection):
    """A projection with an apply() of its own: it sees every event."""

    name = "everything"
    tables = ()
    ddl = ()

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def apply(self, cur: Any, event: Any) -> None:
        self.seen.append(type(event).__qualname__)


def test_a_projection_with_its_own_apply_sees_every_event(runtime):
    _add_users(runtime, 2)
    engine = ProjectionEngine(runtime.app, runtime.db, [Everything()])
    engine.setup()
    engine.run()
    seen = engine.projections["everything"].seen
    assert len(seen) == runtime.app.position()
    assert seen.count("User.Added") == 2


def test_stacked_handles_bind_every_class_named():
    class Both(Projection):
        name = "both"
        tables = ()
        ddl = ()

        @handles(User.Added)
        @handles(User.RoleChanged)
        def on_user(self, cur: Any, event: Any) -> None:
            pass

    assert set(Both().handlers) == {User.Added, User.RoleChanged}


def test_an_engine_with_nothing_to_follow_is_at_zero(runtime):
    engine = ProjectionEngine(runtime.app, runtime.db, [])
    engine.setup()
    assert engine.head() == runtime.app.position() == 0
    assert engine.lowest() == 0 and engine.status() == []
    seen: list[tuple[int, int]] = []
    assert engine.run(lambda d, t: seen.append((d, t))) == 0
    assert seen == [(0, 0)]
    engine.sync(timeout=1)  # nothing to wait for


def test_waiting_inline_applies_batches_until_the_position(runtime):
    _add_users(runtime, 7)
    head = runtime.app.position()
    engine = _engine(runtime, "users")  # batches of 3: three of them
    engine.sync(timeout=5)
    assert engine.positions() == {"users": head}
    assert len(engine.projections["users"].names) == 7


def test_waiting_on_another_thread_returns_soon_after_it_applies(runtime):
    _add_users(runtime, 2)
    engine = _engine(runtime, "users")
    applier = threading.Timer(0.2, engine.run)
    applier.start()
    started = time.monotonic()
    engine.sync(timeout=10, inline=False)
    waited = time.monotonic() - started
    applier.join()
    assert engine.positions() == {"users": runtime.app.position()}
    assert 0.15 < waited < 0.9  # polled often, not once a second


def test_setting_up_again_keeps_the_read_models(runtime):
    _add_users(runtime, 3)
    engine = _engine(runtime, "users")
    engine.run()
    positions = engine.positions()
    engine.setup()  # every process does on start: the DDL is unchanged
    assert engine.positions() == positions


def test_the_schema_digest_is_stable_across_releases():
    # A changed digest drops and rebuilds the read model at the next start.
    from gxtrack.readmodels.engine.engine import _ddl_hash

    class Two(Users):
        ddl = ("CREATE TABLE a (x INT)", "CREATE INDEX b ON a (x)")

    expected = hashlib.sha256(b"CREATE TABLE a (x INT)\nCREATE INDEX b ON a (x)")
    assert _ddl_hash(Two("two")) == expected.hexdigest()[:16]


def _pauses_until_caught_up(runtime, monkeypatch, hearing: bool, looks: int):
    """The pauses a wait for the head sleeps, when another process applies the
    events at its `looks`-th look and batches are heard or not."""
    _add_users(runtime, 2)
    engine = _engine(runtime, "users")
    pauses: list[float] = []

    def wait(after: int, seconds: float) -> bool:
        pauses.append(seconds)
        if len(pauses) == looks:
            engine.run()
        return False

    monkeypatch.setattr(engine.ends, "wait", wait)
    monkeypatch.setattr(engine.listener, "hearing", lambda: hearing)
    engine.sync(timeout=10, inline=False)
    assert engine.positions() == {"users": runtime.app.position()}
    return pauses


def test_waiting_looks_again_soon_then_backs_off(runtime, monkeypatch):
    """A command's events are applied by the follower within milliseconds: the
    wait looks again after 1 ms and doubles its pause up to 20 ms, rather than
    sleeping 20 ms before its second look (it did, on every command). The timer
    alone: batches of other processes are not heard (SQLite)."""
    pauses = _pauses_until_caught_up(runtime, monkeypatch, hearing=False, looks=8)
    assert pauses == [0.001, 0.002, 0.004, 0.008, 0.016, 0.02, 0.02, 0.02]


def test_when_batches_are_heard_the_timer_is_only_a_fallback(runtime, monkeypatch):
    """Hearing other processes' batches end (PostgreSQL), a wait looks at the
    tracking rows only every 20 ms, in case a notification was lost."""
    pauses = _pauses_until_caught_up(runtime, monkeypatch, hearing=True, looks=3)
    assert pauses == [0.02, 0.02, 0.02]


def test_a_waiter_wakes_when_this_process_ends_a_batch(runtime, monkeypatch):
    """A command whose events another thread of the process is applying sleeps
    until that batch ends, not for a polling pause (here a minute long)."""
    from gxtrack.readmodels.engine import waits as waits_module

    monkeypatch.setattr(waits_module, "FIRST_PAUSE", 60.0)
    _add_users(runtime, 2)
    engine = _engine(runtime, "users")
    position = runtime.app.position()
    done = threading.Event()

    def wait() -> None:
        engine.wait_for(position, timeout=120, inline=True)
        done.set()

    with engine.local_lock:  # another thread's batch is running
        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        time.sleep(0.2)  # the waiter found the lock taken and sleeps
        assert not done.is_set()
    engine.run_batch()  # ends: the waiter wakes and finds its events applied
    assert done.wait(10)
    assert engine.positions() == {"users": position}
