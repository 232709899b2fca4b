"""Rebuilding read models from zero: each one replays the log under its own tracking.

A rebuild drops the chosen read models' tables, sets their positions to zero and
lets the engine catch them up, in big batches with the database's bulk settings
and Python's cycle collector paused; secondary indexes are built once at the
end. Every step is an ordinary batch of the engine's, so exactly once holds
throughout and a rebuild killed anywhere is resumed by the next run (or by the
follower). The chain follower keeps its table: replayed from zero it recomputes
each digest and compares it with the kept row, so a tampered log stops the
rebuild, and the read models built from it are put back at zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gxtrack.audit.chain import ChainBrokenError
from gxtrack.infra.cycles import no_cycle_collection
from gxtrack.readmodels.engine.changes import CHANGES_DDL

if TYPE_CHECKING:
    from gxtrack.readmodels.engine.engine import Progress, ProjectionEngine

# Bigger transactions while replaying: each commit rewrites every page the batch
# touched, and at 100k projects a batch touches most of the pool's pages. A
# replay commits every few pages of events (200k); memory holds one page, so
# pages of 25k keep the decoded events and held rows of a page small.
REBUILD_BATCH = 25_000
REBUILD_PAGES = 8


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
        with engine.db.bulk_load(), no_cycle_collection():
            self._reset(chosen)
            try:
                done = engine.run(
                    self.progress, self.batch_size, REBUILD_PAGES, only=chosen
                )
            except ChainBrokenError:
                # Nothing built from a tampered log is left to serve; following
                # the log again stops at the tampered batch.
                self._reset(chosen)
                raise
            self._create(chosen)
        return done

    def _create(self, names: Sequence[str]) -> None:
        engine = self.engine
        with engine.local_lock, engine.db.transaction() as cur:
            for name in names:
                engine.projections[name].create(cur)

    def _reset(self, names: Sequence[str]) -> None:
        """Drop these projections' tables and set their positions to zero."""
        from gxtrack.readmodels.engine.engine import TRACKING_DDL

        engine = self.engine
        with engine.local_lock, engine.db.transaction() as cur:
            cur.execute(TRACKING_DDL)
            # Their tracking rows first, as a batch takes them (as setup()
            # does): dropping a table and then waiting on a row a running
            # batch holds, while it waits on that table, was a deadlock.
            engine.lock_positions(cur, names)
            for statement in CHANGES_DDL:
                cur.execute(statement)
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
                # Emptied: it has applied nothing (memo's `reads`).
                cur.execute(
                    "DELETE FROM rm_model_changes WHERE projection = ?", (name,)
                )
                cur.execute(
                    "INSERT INTO rm_model_changes (projection, position) VALUES (?, 0)",
                    (name,),
                )
                cur.execute(
                    "INSERT INTO rm_tracking (projection, position) VALUES (?, 0)",
                    (name,),
                )


def _is_index(statement: str) -> bool:
    return (
        statement.lstrip().upper().startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))
    )
