"""A rebuild's steps: tables reset, replay in big batches without the cycle
collector, secondary indexes built once at the end, other read models untouched."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from domain.permissions import Actor
from domain.users import User
from gxtrack.readmodels.engine.engine import ProjectionEngine
from gxtrack.readmodels.engine.projection import Projection, handles
from gxtrack.readmodels.engine.rebuild import REBUILD_PAGES

USERS = 20  # more than one rebuild batch of 2 x REBUILD_PAGES events

INDEXES = (
    "  create index if not exists rm_rebuilt_name ON rm_rebuilt (name)",
    "CREATE UNIQUE INDEX IF NOT EXISTS rm_rebuilt_both ON rm_rebuilt (name, id)",
)


class Rebuilt(Projection):
    """One row per user; notes whether the cycle collector ran while applying."""

    name = "rebuilt"
    tables = ("rm_rebuilt",)
    ddl = ("CREATE TABLE IF NOT EXISTS rm_rebuilt (id TEXT PRIMARY KEY, name TEXT)",)
    ddl += INDEXES

    def __init__(self) -> None:
        super().__init__()
        self.collecting: list[bool] = []

    @handles(User.Added)
    def on_User_Added(self, cur: Any, event: Any) -> None:
        self.collecting.append(gc.isenabled())
        cur.execute(
            "INSERT INTO rm_rebuilt (id, name) VALUES (?, ?)",
            (str(event.originator_id), event.name),
        )


class Other(Rebuilt):
    name = "other"
    tables = ("rm_other",)
    ddl = ("CREATE TABLE IF NOT EXISTS rm_other (id TEXT PRIMARY KEY, name TEXT)",)

    @handles(User.Added)
    def on_User_Added(self, cur: Any, event: Any) -> None:
        cur.execute(
            "INSERT INTO rm_other (id, name) VALUES (?, ?)",
            (str(event.originator_id), event.name),
        )


class Recording:
    """The database, noting each statement run and each bulk load."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.statements: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    @contextmanager
    def transaction(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        with self.db.transaction(*args, **kwargs) as cur:
            yield _RecordingCursor(cur, self.statements)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        self.statements.append("<bulk>")
        with self.db.bulk_load():
            yield
        self.statements.append("</bulk>")


class _RecordingCursor:
    def __init__(self, cur: Any, statements: list[str]) -> None:
        self.cur, self.statements = cur, statements

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cur, name)

    def execute(self, text: str, params: Any = ()) -> Any:
        self.statements.append(text)
        return self.cur.execute(text, params)


@pytest.fixture
def engine(runtime) -> ProjectionEngine:
    for i in range(USERS):
        runtime.app.add_user(Actor.system(), f"rebuilt{i}", "officer")
    engine = ProjectionEngine(runtime.app, Recording(runtime.db), [Rebuilt(), Other()])
    engine.setup()
    engine.run_batch(only=["rebuilt"])
    return engine


def _rows(engine: ProjectionEngine, table: str) -> list[dict[str, Any]]:
    return engine.db.fetchall(f"SELECT id, name FROM {table} ORDER BY id")


def test_indexes_are_built_once_after_the_replay(engine):
    built = _rows(engine, "rm_rebuilt")
    assert len(built) == USERS
    log = engine.db.statements
    del log[:]
    engine.rebuild(["rebuilt"])
    assert _rows(engine, "rm_rebuilt") == built
    inserts = [i for i, s in enumerate(log) if s.startswith("INSERT INTO rm_rebuilt")]
    assert len(inserts) == USERS
    drop = log.index("DROP TABLE IF EXISTS rm_rebuilt")
    table = log.index(Rebuilt.ddl[0], drop)
    assert drop < table < inserts[0]
    for index in INDEXES:
        assert log.count(index) == 1  # not made with the table, only at the end
        assert log.index(index) > inserts[-1]
    assert log[0] == "<bulk>" and log[-1] == "</bulk>"
    assert max(log.index(index) for index in INDEXES) < len(log) - 1


def test_a_rebuild_starts_its_read_models_at_zero(engine, runtime):
    head = runtime.app.position()
    assert engine.positions() == {"rebuilt": head, "other": 0}
    seen: list[tuple[int, int]] = []
    assert engine.rebuild(["rebuilt"], lambda d, t: seen.append((d, t)), 2) == head
    # Big batches of REBUILD_PAGES pages of the batch size, from zero.
    assert head > 2 * REBUILD_PAGES
    assert seen[0] == (2 * REBUILD_PAGES, head)
    assert seen[-1] == (head, head)
    # The read model behind is left to the follower.
    assert engine.positions() == {"rebuilt": head, "other": 0}
    assert _rows(engine, "rm_other") == []


def test_a_rebuild_of_every_read_model_is_the_default(engine, runtime):
    head = runtime.app.position()
    assert engine.rebuild() == head
    assert engine.positions() == {"rebuilt": head, "other": head}
    assert len(_rows(engine, "rm_other")) == len(_rows(engine, "rm_rebuilt")) == USERS


def test_the_cycle_collector_is_paused_while_replaying(engine):
    projection = engine.projections["rebuilt"]
    assert gc.isenabled()
    projection.collecting.clear()
    engine.rebuild(["rebuilt"])
    assert projection.collecting == [False] * USERS
    assert gc.isenabled()
    gc.disable()
    try:
        engine.rebuild(["rebuilt"])
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
