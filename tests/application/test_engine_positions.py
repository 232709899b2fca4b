"""Each projection gets each event once, whatever positions the others are at."""

from __future__ import annotations

from collections import Counter
from typing import Any

from domain.permissions import Actor
from domain.users import User
from gxtrack.readmodels.engine.engine import ProjectionEngine
from gxtrack.readmodels.engine.projection import Projection, handles


class Counting(Projection):
    """Counts the user events applied to it, by position in the log."""

    tables = ()
    ddl = ()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.applied: Counter[int] = Counter()
        self.begun: Counter[int] = Counter()  # the stored events it was given

    def begin_batch(self, cur: Any, notifications: Any) -> None:
        self.ids = {
            (n.originator_id, n.originator_version): n.id for n in notifications
        }
        self.begun.update(n.id for n in notifications)

    @handles(User.Added, User.RoleChanged)
    def on_User_Added(self, cur: Any, event: Any) -> None:
        self.applied[self.ids[(event.originator_id, event.originator_version)]] += 1


def _engine(runtime, *names: str) -> tuple[ProjectionEngine, list[Counting]]:
    counting = [Counting(name) for name in names]
    engine = ProjectionEngine(runtime.app, runtime.db, counting, batch_size=4)
    engine.setup()
    return engine, counting


def _add_users(runtime, n: int, prefix: str = "counted") -> list[int]:
    start = runtime.app.position()
    for i in range(n):
        runtime.app.add_user(Actor.system(), f"{prefix}{i}", "officer")
    return list(range(start + 1, runtime.app.position() + 1))


def test_projections_at_different_positions_get_each_event_once(runtime):
    positions = _add_users(runtime, 9)
    engine, (ahead, behind) = _engine(runtime, "ahead", "behind")
    # One read model moves alone for a while (a partial rebuild, a new one).
    engine.run_batch(limit=3, only=["ahead"])
    engine.run_batch(limit=2, only=["ahead"])
    assert engine.positions()["ahead"] == positions[4]
    assert engine.positions()["behind"] == 0
    # Then both move together: the one ahead resumes after its position.
    engine.run()
    assert ahead.applied == ahead.begun == Counter(positions)
    assert behind.applied == behind.begun == Counter(positions)
    assert set(engine.positions().values()) == {positions[-1]}


def test_batches_resume_after_the_last_event_applied(runtime):
    positions = _add_users(runtime, 7)
    engine, (only,) = _engine(runtime, "only")
    while engine.run_batch(limit=2):
        pass
    more = _add_users(runtime, 2, "later")
    engine.run()
    assert only.applied == only.begun == Counter(positions + more)


class Calls(Counting):
    """Counts the batches begun and finished."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.batches: list[str] = []

    def begin_batch(self, cur: Any, notifications: Any) -> None:
        super().begin_batch(cur, notifications)
        self.batches.append("begin")

    def finish_batch(self, cur: Any) -> None:
        self.batches.append("finish")


def test_a_projection_already_at_the_pages_end_is_not_touched(runtime):
    _add_users(runtime, 6)
    calls = [Calls("ahead"), Calls("behind")]
    engine = ProjectionEngine(runtime.app, runtime.db, calls, batch_size=4)
    engine.setup()
    engine.run_batch(only=["ahead"])
    ahead, behind = calls
    assert ahead.batches == ["begin", "finish"]
    # The next page ends where "ahead" stands: only "behind" takes part.
    engine.run_batch(only=["ahead", "behind"])
    assert ahead.batches == ["begin", "finish"]
    assert behind.batches == ["begin", "finish"]
    assert engine.positions()["ahead"] == engine.positions()["behind"]


def test_positions_locked_at_one_place_come_back_as_one_row(runtime, monkeypatch):
    positions = _add_users(runtime, 5)
    engine, _ = _engine(runtime, "first", "second", "third")
    engine.run_batch(limit=2, only=["first"])
    from gxtrack.infra.db import Cursor

    fetched = []
    tuples = Cursor.tuples

    def counted(self, text, params=()):
        rows = tuples(self, text, params)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(Cursor, "tuples", counted)
    with runtime.db.transaction() as cur:  # apart: the rows of each
        assert engine.lock_positions(cur) == {
            "first": positions[1],
            "second": 0,
            "third": 0,
        }
    assert fetched == [1, 3]
    engine.run()
    fetched.clear()
    with runtime.db.transaction() as cur:  # together: one row in all
        assert engine.lock_positions(cur) == dict.fromkeys(
            ("first", "second", "third"), positions[-1]
        )
        assert engine.lock_positions(cur, only=["second"]) == {"second": positions[-1]}
    assert fetched == [1, 1]
