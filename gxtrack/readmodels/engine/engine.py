"""Runs projections over the notification log, exactly once and resumable.

Each batch locks the tracking rows, reads the positions, applies the next events
to every projection that has not seen them and advances the positions, all in
one transaction. A process killed mid-batch leaves the previous batch's state;
two processes running at once queue on the lock and never apply an event twice.
A command waiting for its own events does not queue: it runs a batch only if
nobody else is running one (try_batch), and otherwise waits for that one
(gxtrack/readmodels/engine/waits.py).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Collection, Sequence
from typing import Any

from gxtrack.infra.db import Cursor, Database
from gxtrack.infra.event_log import reader
from gxtrack.readmodels.engine.batch_ends import (
    APPLIED_CHANNEL,
    BatchEnds,
    BatchListener,
)
from gxtrack.readmodels.engine.changes import CHANGES_DDL, record_page
from gxtrack.readmodels.engine.projection import Projection
from gxtrack.readmodels.engine.rebuild import Rebuild
from gxtrack.readmodels.engine.routes import Plan, plan, superseded_in
from gxtrack.readmodels.engine.waits import Progress, Waits

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tracking ("
    " projection TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
SCHEMA_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_schema ("
    " projection TEXT PRIMARY KEY, ddl_hash TEXT NOT NULL)"
)
# Pages of events (a batch_size each) per transaction when catching up after a
# bulk write (a ledger import), by the importing process or the follower.
BULK_PAGES = 20


class ProjectionEngine(Waits):
    """Keeps a set of projections up to date with an application's events
    (and, through Waits, lets commands wait for them)."""

    def __init__(
        self,
        app: Any,
        db: Database,
        projections: Sequence[Projection],
        batch_size: int = 500,
        read: Callable[[int, int], Sequence[Any]] | None = None,
    ) -> None:
        self.app = app
        self.db = db
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        # One batch (or rebuild step) at a time among this process's threads;
        # other processes queue on the tracking rows' lock instead.
        self.local_lock = threading.Lock()
        self.ends = BatchEnds()
        self.listener = BatchListener(db, APPLIED_CHANNEL, self.ends)
        self._read = read or reader(app.recorder)

    # -- schema ------------------------------------------------------------

    def setup(self) -> None:
        """Create the tracking table and every projection's tables.

        A projection whose DDL changed since its tables were made (new
        columns, say) is dropped and its position reset, so it is rebuilt
        from zero as the log is followed: its tables are derived data.
        """
        with self.db.transaction() as cur:
            cur.execute(TRACKING_DDL)
            # First the tracking rows, as a batch takes them: setup otherwise
            # locked a read model's tables (an index made if missing) and then
            # waited on a row a running batch had raised, while that batch
            # waited on those tables to write its rows (a deadlock on
            # PostgreSQL, when a worker starts beside a busy one).
            self.lock_positions(cur)
            for statement in CHANGES_DDL:
                cur.execute(statement)
            cur.execute(SCHEMA_DDL)
            known = {
                r["projection"]: r["ddl_hash"]
                for r in cur.fetchall("SELECT projection, ddl_hash FROM rm_schema")
            }
            for projection in self.projections.values():
                digest = _ddl_hash(projection)
                if known.get(projection.name) != digest:
                    projection.drop(cur)
                    cur.execute(
                        "DELETE FROM rm_tracking WHERE projection = ?",
                        (projection.name,),
                    )
                    cur.execute(
                        "DELETE FROM rm_model_changes WHERE projection = ?",
                        (projection.name,),
                    )
                    cur.execute(
                        "DELETE FROM rm_schema WHERE projection = ?",
                        (projection.name,),
                    )
                    cur.execute(
                        "INSERT INTO rm_schema (projection, ddl_hash) VALUES (?, ?)",
                        (projection.name, digest),
                    )
                projection.create(cur)
                cur.execute(
                    "INSERT INTO rm_tracking (projection, position) VALUES (?, 0) "
                    "ON CONFLICT (projection) DO NOTHING",
                    (projection.name,),
                )
                # Its latest applied event is at most its position (zero: none
                # yet), which is all memo's `reads` needs until it applies one.
                cur.execute(
                    "INSERT INTO rm_model_changes (projection, position)"
                    " SELECT projection, position FROM rm_tracking"
                    " WHERE projection = ? ON CONFLICT (projection) DO NOTHING",
                    (projection.name,),
                )

    # -- status ------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        """Each projection's tracking position."""
        rows = self.db.fetchall("SELECT projection, position FROM rm_tracking")
        known = {r["projection"]: int(r["position"]) for r in rows}
        return {name: known.get(name, 0) for name in self.projections}

    def status(self) -> list[dict[str, Any]]:
        """Position, head of the log and lag for each projection."""
        head = self.head()
        return [
            {"projection": name, "position": pos, "head": head, "lag": head - pos}
            for name, pos in self.positions().items()
        ]

    # -- processing --------------------------------------------------------

    def lock_positions(
        self, cur: Cursor, only: Collection[str] | None = None, wait: bool = True
    ) -> dict[str, int] | None:
        """The positions of these projections (default all), their rows locked.

        Only their rows: a rebuild of some read models leaves the others'
        rows to a follower moving them meanwhile. Without `wait`, None when
        another transaction holds any of them (all the rows or none).
        """
        names = [n for n in self.projections if only is None or n in only]
        if not names:
            return {}
        marks = ", ".join("?" for _ in names)
        lock = self.db.for_update if wait else self.db.skip_locked
        chosen = f"FROM rm_tracking WHERE projection IN ({marks}) ORDER BY projection"
        # Mostly every read model is at one position: then one row comes
        # back, not one per read model. On SQLite each row fetched is a call
        # that lets go of the interpreter's lock and queues to take it back,
        # and a busy server's commands wait on the batch that queues.
        (count, low, high), *_ = cur.tuples(
            f"WITH t AS MATERIALIZED (SELECT position {chosen}{lock})"
            " SELECT COUNT(*), MIN(position), MAX(position) FROM t",
            tuple(names),
        )
        if count == len(names) and low == high:
            return dict.fromkeys(names, int(low))
        if not wait and count < len(names):
            return None
        # Their rows are this transaction's now: read apart, all of them.
        rows = cur.fetchall(f"SELECT projection, position {chosen}", tuple(names))
        known = {r["projection"]: int(r["position"]) for r in rows}
        return {n: known[n] for n in names if n in known}

    def run_batch(
        self,
        limit: int | None = None,
        pages: int = 1,
        only: Collection[str] | None = None,
    ) -> int:
        """Apply the next batch of events; returns how many events were read.

        A batch is up to `pages` pages of `limit` events in one transaction:
        each page's rows are written as it ends, so memory holds one page, and
        the commit (which writes every page the batch dirtied) comes once.
        With `only`, just those projections move.
        """
        with self.local_lock, self.db.transaction(bulk=True) as cur:
            positions = self.lock_positions(cur, only)
            assert positions is not None  # waited for
            read = self._apply_pages(cur, positions, limit, pages)
            lowest = None if only else min(positions.values(), default=0)
            self._announce(cur, read, lowest)
        # Committed and the lock released: the threads it wakes can take it.
        self.ends.ended(lowest)
        return read

    def try_batch(self) -> tuple[int, int] | None:
        """One batch of every projection, unless another thread or process is
        running one: (events read, the lowest position it left), or None.

        A command's events are then applied by that batch or the next: the
        caller waits for it (wait_for) rather than queueing on the lock and
        running a batch of nothing.
        """
        if not self.local_lock.acquire(blocking=False):
            return None
        try:
            with self.db.transaction(bulk=True) as cur:
                positions = self.lock_positions(cur, wait=False)
                if positions is None:
                    return None
                read = self._apply_pages(cur, positions, None, 1)
                lowest = min(positions.values(), default=0)
                self._announce(cur, read, lowest)
        finally:
            self.local_lock.release()
        # Committed and the lock released: the threads it wakes can take it.
        self.ends.ended(lowest)
        return read, lowest

    def _announce(self, cur: Cursor, read: int, lowest: int | None) -> None:
        """Tell other processes' waiting commands, at commit, how far every
        read model now is (PostgreSQL; see engine/batch_ends.py)."""
        if read and lowest is not None:
            self.db.announce(cur, APPLIED_CHANNEL, str(lowest))

    def _apply_pages(
        self, cur: Cursor, positions: dict[str, int], limit: int | None, pages: int
    ) -> int:
        """Up to `pages` pages of events; returns how many were read."""
        read = 0
        for _ in range(pages):
            page = self._apply_page(cur, positions, limit or self.batch_size)
            if not page:
                break
            read += page
        return read

    def _apply_page(self, cur: Cursor, positions: dict[str, int], limit: int) -> int:
        """Apply the events after the lowest position; advance `positions`."""
        if not positions:
            return 0
        notifications = self._read(min(positions.values()) + 1, limit)
        if not notifications:
            return 0
        last = notifications[-1].id
        # Projections already past this page (a partial rebuild, one that
        # caught up alone) neither get its events nor make them decoded.
        appliers = [
            (position, self.projections[name])
            for name, position in positions.items()
            if position < last
        ]
        first = notifications[0].id
        for position, projection in appliers:
            projection.begin_batch(
                cur,
                notifications
                if position < first
                else [n for n in notifications if n.id > position],
            )
        plans: dict[str, Plan] = {}
        for notification in notifications:
            if notification.topic not in plans:
                plans[notification.topic] = plan(appliers, notification.topic)
        superseded = superseded_in(notifications, plans)
        decode = self.app.mapper.to_domain_event
        changed: dict[Any, int] = {}
        for index, notification in enumerate(notifications):
            routes, every = plans[notification.topic]
            if not routes:
                continue  # never decoded
            changed[notification.originator_id] = notification.id
            if index in superseded:
                # A later event of the page stands for it where only the
                # latest counts; only the readers of every one get it.
                routes = every
                if not routes:
                    continue
            event = decode(notification)
            for position, apply in routes:
                if notification.id > position:
                    apply(cur, event)
        record_page(cur, changed, appliers, notifications)
        moved = [name for name, position in positions.items() if last > position]
        for name in moved:
            self.projections[name].finish_batch(cur)
            positions[name] = last
        if moved:  # one statement for all: a dozen per command otherwise
            cur.execute(
                "UPDATE rm_tracking SET position = ?"
                f" WHERE projection IN ({', '.join('?' for _ in moved)})",
                (last, *moved),
            )
        return len(notifications)

    def run(
        self,
        progress: Progress | None = None,
        batch_size: int | None = None,
        pages: int = 1,
        only: Collection[str] | None = None,
    ) -> int:
        """Catch up with the head of the log; returns events read."""
        head = self.head()
        done = 0
        while True:
            read = self.run_batch(batch_size, pages, only)
            done += read
            if progress:
                progress(min(self.lowest(only), head), head)
            if not read:
                return done

    def lowest(self, only: Collection[str] | None = None) -> int:
        """The smallest position of all projections (or of those named)."""
        positions = self.positions()
        names = positions if only is None else only
        return min((positions[n] for n in names), default=0)

    def rebuild(
        self,
        names: Sequence[str] = (),
        progress: Progress | None = None,
        batch_size: int | None = None,
    ) -> int:
        """Drop the named projections (default all) and replay them from zero
        (gxtrack.readmodels.engine.rebuild); returns the events read."""
        return Rebuild(self, names, progress, batch_size).run()

    def head(self) -> int:
        """The position of the newest event in the log."""
        return self.app.recorder.max_notification_id() or 0


def _ddl_hash(projection: Projection) -> str:
    return hashlib.sha256("\n".join(projection.ddl).encode()).hexdigest()[:16]
