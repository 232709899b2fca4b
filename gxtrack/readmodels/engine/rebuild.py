"""Rebuilding read models from zero: drop their tables, replay the whole log.

A replay runs in big batches with the database's bulk settings and Python's
cycle collector paused, and builds secondary indexes once at the end. A long
one shares the work with a second process (gxtrack.readmodels.engine.second_process): it
checks the kept hash chain and replays the projections marked `apart`, on
SQLite into a scratch file whose tables are copied in at the end.

Exactly once holds throughout: every step is a batch of the engine's, with its
positions, so a rebuild killed anywhere is resumed by the next run.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from gxtrack.audit.chain import ChainBrokenError, chain_head
from gxtrack.audit.chain_follower import ChainProjection

if TYPE_CHECKING:
    from gxtrack.readmodels.engine.engine import Progress, ProjectionEngine

# Bigger transactions while replaying: each commit rewrites every page the batch
# touched, and at 100k projects a batch touches most of the pool's pages. A
# replay commits every few pages of events; memory holds one page.
REBUILD_BATCH = 50_000
REBUILD_PAGES = 4
# Below this many events in the log, a rebuild does all its work here: a second
# process would cost more to start and to copy in than it saves. (Settings
# rebuild_parallel_min, GXTRACK_REBUILD_PARALLEL_MIN, sets it per process.)
PARALLEL_MIN = 200_000


class Rebuild:
    """One rebuild of the named projections (default all) of an engine."""

    def __init__(
        self,
        engine: ProjectionEngine,
        names: Sequence[str] = (),
        progress: Progress | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.engine = engine
        self.chosen = list(names) or list(engine.projections)
        unknown = [n for n in self.chosen if n not in engine.projections]
        if unknown:
            raise ValueError(f"unknown projection: {', '.join(unknown)}")
        self.progress = progress
        self.batch_size = batch_size or REBUILD_BATCH

    def run(self) -> int:
        """Drop and replay; returns the events read. Raises ChainBrokenError,
        with every chosen projection back at zero, over a tampered log."""
        engine, chosen = self.engine, self.chosen
        kept_to, apart = self._plan()
        helper = None
        problem = None
        try:
            with engine.db.bulk_load(), no_cycle_collection():
                self._reset(chosen, kept_to)
                if kept_to or apart:
                    helper = engine.helper(
                        engine.db, chain_to=kept_to, apart=apart, stop=engine.head()
                    )
                here = [n for n in chosen if n not in apart]
                done = self._replay(only=here)
                if helper:
                    self._create(here)  # while the second process finishes
                    problem = self._join(helper)
                if problem:
                    # Built from a tampered log: start again from zero, chain
                    # follower included, so that following stops there.
                    self._reset(chosen)
                self._create(chosen)
        except BaseException:
            if helper:
                helper.cancel()
            raise
        finally:
            if helper:
                helper.discard()
        if problem:
            raise ChainBrokenError(problem)
        return done

    def _replay(self, only: Sequence[str] | None = None) -> int:
        return self.engine.run(self.progress, self.batch_size, REBUILD_PAGES, only)

    def _plan(self) -> tuple[int, list[str]]:
        """What a second process should do: check the kept chain up to a
        position (0: not at all) and replay which projections. Nothing for a
        short log: starting it and taking its work in would cost more."""
        engine = self.engine
        if (
            engine.helper is None
            or (os.cpu_count() or 1) < 2
            or engine.head() < engine.parallel_min
        ):
            return 0, []
        kept_to = 0
        if ChainProjection.name in self.chosen:
            with engine.db.transaction(write=False) as cur:
                kept = chain_head(cur)
            kept_to = int(kept["position"]) if kept else 0
        apart = [n for n in self.chosen if engine.projections[n].apart]
        if len(apart) == len(self.chosen):
            apart = []  # nothing would be left to do here meanwhile
        return kept_to, apart

    def _join(self, helper: Any) -> str | None:
        """Take in the second process's work and catch every projection up.

        Returns the broken chain link found, if any: by the second process, or
        here when it died and its work was done here instead.
        """
        outcome = helper.result()
        if outcome.problem:
            return outcome.problem
        if outcome.died:  # its scratch file is not to be trusted: redo it here
            if helper.chain_to:
                self._reset([ChainProjection.name])
        elif helper.scratch:
            self._adopt(helper.scratch, helper.apart, outcome.built)
        try:  # what the second process left: recent events, or all of them
            self._replay()
        except ChainBrokenError as error:
            return str(error)
        return None

    def _adopt(self, scratch: Any, apart: Sequence[str], built: int) -> None:
        """Copy the tables the second process built in `scratch`, and set
        their positions to `built`.

        Skipped when another process has followed the log for them meanwhile
        (they are not at zero): the rebuild's last run catches them up instead.
        """
        engine = self.engine
        with (
            engine.db.attached(scratch, "apart"),
            engine.local_lock,
            engine.db.transaction() as cur,
        ):
            if any(engine.lock_positions(cur, apart).values()):
                return
            for name in apart:
                projection = engine.projections[name]
                # Indexes first, as in the scratch file: with the same
                # schema on both sides the copy moves whole records.
                projection.create(cur)
                for table in projection.tables:
                    cur.execute(f"INSERT INTO main.{table} SELECT * FROM apart.{table}")
                cur.execute(
                    "UPDATE rm_tracking SET position = ? WHERE projection = ?",
                    (built, name),
                )

    def _create(self, names: Sequence[str]) -> None:
        engine = self.engine
        with engine.local_lock, engine.db.transaction() as cur:
            for name in names:
                engine.projections[name].create(cur)

    def _reset(self, names: Sequence[str], chain_checked_to: int = 0) -> None:
        """Drop these projections' tables and set their positions to zero.

        The chain follower's table is never dropped; it resumes after
        `chain_checked_to` when a second process checks the links up to there.
        """
        from gxtrack.readmodels.engine.engine import TRACKING_DDL

        engine = self.engine
        with engine.local_lock, engine.db.transaction() as cur:
            cur.execute(TRACKING_DDL)
            for name in names:
                projection = engine.projections[name]
                projection.drop(cur)
                # Secondary indexes are built once at the end, not row by row:
                # handlers look rows up by primary key, and a sorted bulk
                # build is several times cheaper. If the rebuild is killed,
                # setup() (run by every process on start) creates them.
                for statement in projection.ddl:
                    if not _is_index(statement):
                        cur.execute(statement)
                cur.execute("DELETE FROM rm_tracking WHERE projection = ?", (name,))
                start = chain_checked_to if name == ChainProjection.name else 0
                cur.execute(
                    "INSERT INTO rm_tracking (projection, position) VALUES (?, ?)",
                    (name, start),
                )


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for a replay.

    A replay allocates millions of short-lived objects, none in cycles
    (reference counting frees them); each batch also keeps tens of thousands
    alive until its end, so the collector ran its full passes over a growing
    heap again and again: about a tenth of a rebuild for nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _is_index(statement: str) -> bool:
    return (
        statement.lstrip().upper().startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))
    )
