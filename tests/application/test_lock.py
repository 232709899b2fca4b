"""The one store lock: exclusive per (store, purpose), waited for or tried."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from gxtrack.infra.db import open_database
from gxtrack.infra.lock import lock_key, settings_lock
from gxtrack.settings import Settings
from tests.conftest import pg_settings

STORES = [
    "memory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """An open database and its settings."""
    if request.param == "memory":
        settings = Settings(database_url="memory://", data_dir=tmp_path / "var")
    elif request.param == "sqlite":
        settings = Settings(data_dir=tmp_path / "var")
    else:
        settings = pg_settings(request.getfixturevalue("pg_schema"), tmp_path)
    db = open_database(settings)
    yield db, settings
    db.close()


def test_one_holder_per_purpose(store):
    db, _settings = store
    first, second = db.lock("projections"), db.lock("projections")
    other = db.lock("scheduler")
    assert first.try_acquire()
    assert first.try_acquire()  # taking it again is no second hold
    assert not second.try_acquire()
    assert other.try_acquire()  # another purpose is another lock
    first.release()
    assert second.try_acquire()
    second.release()
    other.release()


def test_waiting_holder_gets_the_lock_when_it_is_released(store):
    db, _settings = store
    held = db.lock("schema")
    assert held.try_acquire()
    got: list[float] = []

    def wait() -> None:
        with db.lock("schema"):
            got.append(time.monotonic())

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.5)
    assert not got  # still waiting
    released = time.monotonic()
    held.release()
    thread.join(10)
    assert got and got[0] >= released


def test_polite_wait_stops_when_asked(store):
    db, _settings = store
    held = db.lock("projections")
    assert held.try_acquire()
    stopping = threading.Event()
    waits: list[str] = []
    threading.Timer(0.3, stopping.set).start()
    assert not db.lock("projections").acquire(
        stopping, lambda: waits.append("w"), poll_seconds=0.05
    )
    assert waits == ["w"]  # announced once
    held.release()


def test_settings_and_database_name_the_same_lock(store):
    db, settings = store
    if settings.database_url == "memory://":
        pytest.skip("a store in memory is one process's own")
    held = db.lock("scheduler")
    assert held.try_acquire()
    assert not settings_lock(settings, "scheduler").try_acquire()
    held.release()
    lock = settings_lock(settings, "scheduler")
    assert lock.try_acquire()
    lock.release()


def test_keys_differ_by_schema_and_purpose():
    keys = {lock_key(s, p) for s in (None, "a", "b") for p in ("schema", "jobs")}
    assert len(keys) == 6
    assert lock_key(None, "schema") == lock_key("public", "schema")
    assert -(2**63) <= lock_key("a", "schema") < 2**63
