"""The projection follower: one instance at a time follows the log; another waits."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest

from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine.follower import (
    ProjectionFollower,
    _PostgresWaiter,
    follow,
)
from gxtrack.readmodels.engine.single import InstanceLock
from tests.conftest import pg_settings


def _until(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never met"
        time.sleep(0.02)


def _caught_up(runtime) -> Callable[[], bool]:
    head = runtime.app.position
    return lambda: set(runtime.projections.positions().values()) == {head()}


def test_follow_applies_new_events_and_a_second_one_waits(runtime, admin):
    first_stop, second_stop = threading.Event(), threading.Event()
    first_notes: list[str] = []
    second_notes: list[str] = []
    returned: dict[str, bool] = {}

    def run(name: str, stopping: threading.Event, notes: list[str]) -> None:
        returned[name] = follow(
            runtime.projections, stopping, notes.append, poll_seconds=0.02
        )

    first = threading.Thread(target=run, args=("first", first_stop, first_notes))
    first.start()
    try:
        _until(lambda: bool(first_notes))
        assert first_notes == ["投影进程已启动，正在跟随事件日志"]
        runtime.app.add_user(admin, "followed1", "officer")
        _until(_caught_up(runtime))
        second = threading.Thread(
            target=run, args=("second", second_stop, second_notes)
        )
        second.start()
        _until(lambda: bool(second_notes))
        assert second_notes == ["已有投影进程在运行，本进程等待接替"]
        # The store's "projections" lock is the one held.
        assert not runtime.db.lock("projections").try_acquire()
        # The first stops: the second takes over within its poll of a second.
        first_stop.set()
        first.join(timeout=10)
        assert returned["first"] is True
        _until(lambda: len(second_notes) == 2, timeout=10)
        assert second_notes[1].startswith("投影进程已启动")
        runtime.app.add_user(admin, "followed2", "officer")
        _until(_caught_up(runtime))
    finally:
        first_stop.set()
        second_stop.set()
        first.join(timeout=10)
        second.join(timeout=10)
    assert returned["second"] is True
    # Each released the lock as it stopped.
    lock = InstanceLock(runtime.db)
    assert lock.try_acquire()
    lock.release()


def test_a_follower_stopped_while_waiting_never_starts(runtime):
    held = InstanceLock(runtime.db)
    assert held.try_acquire()
    stopping = threading.Event()
    notes: list[str] = []
    threading.Timer(0.2, stopping.set).start()
    try:
        assert follow(runtime.projections, stopping, notes.append) is False
    finally:
        held.release()
    assert notes == ["已有投影进程在运行，本进程等待接替"]


def test_follow_polls_at_the_interval_given(runtime, monkeypatch):
    polls: list[float] = []
    monkeypatch.setattr(
        ProjectionFollower, "run_forever", lambda self: polls.append(self.poll_seconds)
    )
    assert follow(runtime.projections, threading.Event(), poll_seconds=0.07)
    assert polls == [0.07]


def test_a_held_lock_keeps_a_second_instance_out(runtime):
    held = InstanceLock(runtime.db)
    assert held.acquire(threading.Event())
    try:
        other = InstanceLock(runtime.db)
        assert not other.try_acquire()
        stopping = threading.Event()
        stopping.set()
        assert other.acquire(stopping) is False
    finally:
        held.release()


def test_the_follower_keeps_up_until_stopped(runtime, admin):
    follower = ProjectionFollower(runtime.projections, poll_seconds=0.02)
    assert follower.poll_seconds == 0.02
    ProjectionFollower(runtime.projections).stop()  # never started: no thread
    follower.start()
    # A named daemon thread: it shows in thread dumps and never keeps the
    # process alive.
    assert follower._thread is not None
    assert follower._thread.name == "projections" and follower._thread.daemon
    try:
        for i in range(3):
            runtime.app.add_user(admin, f"kept{i}", "officer")
            _until(_caught_up(runtime))
    finally:
        follower.stop()
    assert follower._thread is not None and not follower._thread.is_alive()


def test_a_failed_batch_is_logged_and_retried(runtime, admin, monkeypatch, caplog):
    engine = runtime.projections
    real = engine.run_batch
    failures: list[int] = []

    def flaky(*args, **kwargs):
        if not failures:
            failures.append(1)
            raise OSError("store briefly down")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "run_batch", flaky)
    runtime.app.add_user(admin, "retried", "officer")
    follower = ProjectionFollower(engine, poll_seconds=0.02)
    follower.start()
    try:
        _until(_caught_up(runtime))
    finally:
        follower.stop()
    assert failures == [1]
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [
        "projection batch failed; retrying"
    ]


def test_an_idle_follower_polls_at_its_interval(runtime, monkeypatch):
    if getattr(runtime.app.recorder, "channel_name", None) is not None:
        pytest.skip("on PostgreSQL the follower waits for notifications instead")
    engine = runtime.projections
    real = engine.run_batch
    calls: list[int] = []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "run_batch", counted)
    follower = ProjectionFollower(engine, poll_seconds=0.05)
    follower.start()
    time.sleep(0.6)
    follower.stop()
    # About a dozen polls: neither spinning nor waiting seconds between them.
    assert 3 <= len(calls) <= 40


def test_a_batch_that_reached_the_head_is_not_followed_by_one_of_nothing(
    runtime, admin, monkeypatch
):
    if runtime.settings.in_memory:
        pytest.skip("in memory nothing wakes the follower: it looks at its interval")
    engine = runtime.projections
    real = engine.run_batch
    reads: list[int] = []

    def counted(*args, **kwargs):
        reads.append(real(*args, **kwargs))
        return reads[-1]

    monkeypatch.setattr(engine, "run_batch", counted)
    # A look every 5 s: only a wake-up makes it look sooner.
    follower = ProjectionFollower(engine, poll_seconds=5)
    follower.start()
    try:
        _until(lambda: bool(reads))  # its first look
        for name in ("once", "twice"):
            runtime.app.add_user(admin, name, "officer")
            engine.wait_for(runtime.app.position(), timeout=10, inline=False)
            time.sleep(0.3)
            # The batch that applied the command was the follower's last.
            assert reads[-1] > 0
    finally:
        follower.stop()


@pytest.fixture
def pg_runtime(pg_schema: str, tmp_path) -> Iterator[Runtime]:
    runtime = Runtime.open(pg_settings(pg_schema, tmp_path))
    yield runtime
    runtime.close()


@pytest.mark.postgres
def test_on_postgres_the_follower_wakes_on_a_new_event(pg_runtime, admin):
    # A poll of 5 s: only a notification wakes it sooner.
    wait = ProjectionFollower(pg_runtime.projections, poll_seconds=5)._listener()
    waiter = wait.__self__
    assert isinstance(waiter, _PostgresWaiter)
    started = time.monotonic()
    # Nothing recorded here: it waits a second at most (the channel is the
    # table's name, so events of other schemas on the server wake it too).
    wait()
    assert time.monotonic() - started < 5
    assert waiter.conn is not None  # listening, kept for the next wait
    timer = threading.Timer(0.3, pg_runtime.app.add_user, (admin, "woken", "officer"))
    timer.start()
    started = time.monotonic()
    wait()
    assert time.monotonic() - started < 0.9  # woken by the event, not the timeout
    timer.join()
    waiter.conn.close()


@pytest.mark.postgres
def test_on_postgres_a_quiet_channel_is_waited_on_for_a_second(pg_runtime):
    quiet = f"gxtrack_quiet_{uuid.uuid4().hex}"  # nobody notifies it
    waiter = _PostgresWaiter(pg_runtime.projections, quiet, threading.Event())
    waiter.wait()  # connects
    started = time.monotonic()
    waiter.wait()
    assert 0.8 < time.monotonic() - started < 1.8
    waiter.conn.close()


class _Broken:
    def notifies(self, **kwargs):
        raise OSError("connection lost")


def test_a_lost_listening_connection_is_dropped_and_retried_after_a_pause(runtime):
    waiter = _PostgresWaiter(runtime.projections, "events", threading.Event())
    waiter.conn = _Broken()
    started = time.monotonic()
    waiter.wait()
    assert waiter.conn is None  # reconnected at the next wait
    assert 0.8 < time.monotonic() - started < 3


@pytest.mark.postgres
def test_the_followers_own_listener_pauses_on_a_lost_connection(pg_runtime):
    follower = ProjectionFollower(pg_runtime.projections)
    wait = follower._listener()
    waiter = wait.__self__
    waiter.conn = _Broken()
    started = time.monotonic()
    wait()  # no exception escapes: the follower's loop goes on and reconnects
    assert waiter.conn is None
    assert 0.8 < time.monotonic() - started < 3
    # The pause is the follower's own stop signal: stopping ends it at once.
    follower.stopping.set()
    waiter.conn = _Broken()
    started = time.monotonic()
    wait()
    assert time.monotonic() - started < 0.5
