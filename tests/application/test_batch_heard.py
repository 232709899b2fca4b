"""A command waiting on another process's batch (the follower beside gunicorn's
workers, or beside `gxtrack serve`) is woken when that batch commits, rather
than by a look at the tracking rows on a timer: PostgreSQL's NOTIFY, or a
datagram on SQLite; an in-memory store keeps the timer."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.readmodels.engine import waits as waits_module
from gxtrack.settings import Settings
from tests.conftest import pg_settings


@pytest.fixture
def two_processes(pg_schema, tmp_path):
    """Two runtimes on one schema: each engine has its own batches and
    listener, as two processes would."""
    settings = replace(pg_settings(pg_schema, tmp_path), inline_projections=False)
    waiter, follower = Runtime.open(settings), Runtime.open(settings)
    yield waiter, follower
    waiter.close()
    follower.close()


@pytest.fixture
def two_on_one_store(durable_settings):
    """Two runtimes on one store (a SQLite file, a PostgreSQL schema)."""
    settings = replace(durable_settings, inline_projections=False)
    waiter, follower = Runtime.open(settings), Runtime.open(settings)
    yield waiter, follower
    waiter.close()
    follower.close()


def _heard_within(engine, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not engine.listener.hearing():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_batch_of_another_process_wakes_the_waiting_command(
    two_on_one_store, monkeypatch
):
    waiter, follower = two_on_one_store
    monkeypatch.setattr(waits_module, "FIRST_PAUSE", 60.0)
    monkeypatch.setattr(waits_module, "LAST_PAUSE", 60.0)
    waiter.app.add_user(Actor.system(), "heard", "officer")
    position = waiter.app.position()
    done = threading.Event()

    def wait() -> None:
        waiter.projections.wait_for(position, timeout=120, inline=False)
        done.set()

    threading.Thread(target=wait, daemon=True).start()
    assert _heard_within(waiter.projections, 10)
    assert not done.is_set()  # nobody has applied the event yet
    follower.projections.run_batch()
    assert done.wait(10)  # not the minute a look on the timer would take
    assert waiter.projections.lowest() >= position


@pytest.mark.postgres
def test_another_schemas_batches_are_not_heard(two_processes, tmp_path, monkeypatch):
    """Channels belong to the database, read models to a schema: a batch of
    another schema, far ahead, must not pass for this one's."""
    import uuid

    import psycopg

    from tests.conftest import _conninfo

    waiter, _follower = two_processes
    other = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {other}")
    elsewhere = Runtime.open(pg_settings(other, tmp_path / "other"))
    try:
        for n in range(3):
            elsewhere.app.add_user(Actor.system(), f"elsewhere{n}", "officer")
        waiter.app.add_user(Actor.system(), "here", "officer")
        assert _heard_within(waiter.projections, 10)
        elsewhere.projections.run_batch()
        time.sleep(0.5)
        assert waiter.projections.ends.latest == 0
    finally:
        elsewhere.close()
        with psycopg.connect(_conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {other} CASCADE")


def test_an_in_memory_store_announces_nothing_and_waits_on_its_timer(tmp_path):
    runtime = Runtime.open(Settings(data_dir=tmp_path, database_url="memory://"))
    try:
        assert runtime.db.listen("gxtrack_applied") is None
        assert not runtime.projections.listener.hearing()
    finally:
        runtime.close()


@pytest.mark.postgres
def test_a_lost_channel_is_listened_to_again(two_processes, pg_schema, monkeypatch):
    """The listening connection killed (a server restart, say): the process
    listens again, and the next batch is heard."""
    import psycopg

    from gxtrack.readmodels.engine import batch_ends
    from tests.conftest import _conninfo

    waiter, follower = two_processes
    monkeypatch.setattr(batch_ends, "RETRY_SECONDS", 0.1)
    listener = waiter.projections.listener
    assert _heard_within(waiter.projections, 10)
    with psycopg.connect(_conninfo(), autocommit=True) as conn:
        killed = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = %s",
            (f'LISTEN "{waiter.db._channel(batch_ends.APPLIED_CHANNEL)}"',),
        ).fetchall()
    assert killed == [(True,)]
    deadline = time.monotonic() + 10
    while listener.hearing() and time.monotonic() < deadline:
        time.sleep(0.01)  # it notices the loss
    assert _heard_within(waiter.projections, 10)  # and listens again
    monkeypatch.setattr(waits_module, "FIRST_PAUSE", 60.0)
    monkeypatch.setattr(waits_module, "LAST_PAUSE", 60.0)
    waiter.app.add_user(Actor.system(), "heard_again", "officer")
    position = waiter.app.position()
    done = threading.Event()
    threading.Thread(
        target=lambda: (
            waiter.projections.wait_for(position, timeout=120, inline=False),
            done.set(),
        ),
        daemon=True,
    ).start()
    time.sleep(0.2)
    follower.projections.run_batch()
    assert done.wait(10)
