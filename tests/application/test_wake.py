"""Wake-ups between processes on one SQLite file (gxtrack/infra/wake.py): an
announcement is heard after its transaction commits, never before nor after
a rollback; one process hears a channel; a command waiting on the projection
process wakes it from its sleep."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from domain.permissions import Actor
from gxtrack.bootstrap import Runtime
from gxtrack.infra.sqlite import SQLiteDatabase
from gxtrack.readmodels.engine.follower import ProjectionFollower


class Heard:
    """What a listener hears, gathered by a thread."""

    def __init__(self, db: SQLiteDatabase, channel: str) -> None:
        heard = db.listen(channel)
        assert heard is not None
        assert next(heard) == ""  # bound: listening from now on
        self.payloads: list[str] = []
        self._new = threading.Condition()
        threading.Thread(target=self._gather, args=(heard,), daemon=True).start()

    def _gather(self, heard) -> None:
        for payload in heard:
            with self._new:
                self.payloads.append(payload)
                self._new.notify_all()

    def within(self, seconds: float, count: int = 1) -> list[str]:
        with self._new:
            self._new.wait_for(lambda: len(self.payloads) >= count, seconds)
            return list(self.payloads)


@pytest.fixture
def db(tmp_path):
    database = SQLiteDatabase(tmp_path / "read.db")
    yield database
    database.close()


def test_an_announcement_is_heard_once_its_transaction_commits(db):
    heard = Heard(db, "ch")
    with db.transaction() as cur:
        db.announce(cur, "ch", "7")
        assert heard.within(0.3) == []  # not before the rows it tells of
    assert heard.within(5) == ["7"]


def test_a_rolled_back_announcement_is_never_heard(db):
    heard = Heard(db, "ch")
    with pytest.raises(RuntimeError), db.transaction() as cur:
        db.announce(cur, "ch", "1")
        raise RuntimeError("rolled back")
    with db.transaction() as cur:
        db.announce(cur, "ch", "2")
    assert heard.within(5) == ["2"]


def test_a_wake_is_heard_at_once_and_only_on_its_channel_and_file(db, tmp_path):
    heard = Heard(db, "ch")
    other = SQLiteDatabase(tmp_path / "other.db")
    try:
        other.wake("ch", "elsewhere")
        db.wake("other-channel", "elsewhere")
        db.wake("ch", "here")
        assert heard.within(5) == ["here"]
    finally:
        other.close()


def test_one_process_hears_a_channel_and_others_look_on_their_timer(db, tmp_path):
    first = db.listen("ch")
    assert first is not None and next(first) == ""
    second = SQLiteDatabase(db.path)  # as another process would open the file
    in_memory = SQLiteDatabase(None)
    try:
        assert second.listen("ch") is None
        assert in_memory.listen("ch") is None  # nobody else could open it
    finally:
        second.close()
        in_memory.close()


def test_nobody_listening_is_no_error(db):
    db.wake("nobody", "1")
    with db.transaction() as cur:
        db.announce(cur, "nobody", "2")


def test_a_waiting_command_wakes_the_sleeping_projection_process(sqlite_settings):
    """The follower looks only once a minute here: the command's wait ends
    in seconds because the command wakes it."""
    follower_side = Runtime.open(sqlite_settings)
    waiting = Runtime.open(replace(sqlite_settings, inline_projections=False))
    follower = ProjectionFollower(follower_side.projections, poll_seconds=60)
    follower.start()
    try:
        deadline = time.monotonic() + 10
        while not follower_side.projections.ends.count:  # listening, then a batch
            assert time.monotonic() < deadline
            time.sleep(0.01)
        for n in range(3):
            waiting.app.add_user(Actor.system(), f"woken{n}", "officer")
            position = waiting.app.position()
            started = time.monotonic()
            waiting.projections.wait_for(position, timeout=10, inline=False)
            assert time.monotonic() - started < 5
            assert waiting.projections.lowest() >= position
    finally:
        follower.stop()
        waiting.close()
        follower_side.close()
