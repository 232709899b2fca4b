"""Runs projections over the notification log, exactly once and resumable.

Each batch locks the tracking rows, reads the positions, applies the next events
to every projection that has not seen them and advances the positions, all in
one transaction. A process killed mid-batch leaves the previous batch's state;
two processes running at once queue on the lock and never apply an event twice.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.utils import resolve_topic

from gxtrack.audit.chain import ChainBrokenError, chain_head
from gxtrack.db import Cursor, Database
from gxtrack.errors import ProjectionTimeoutError
from gxtrack.projections.base import Handler, Projection
from gxtrack.projections.chain import ChainProjection
from gxtrack.projections.log import reader

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_tracking ("
    " projection TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
SCHEMA_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_schema ("
    " projection TEXT PRIMARY KEY, ddl_hash TEXT NOT NULL)"
)
Progress = Callable[[int, int], None]
# Bigger transactions while replaying: each commit rewrites every page the batch
# touched, and at 100k projects a batch touches most of the pool's pages. A
# replay commits every few pages of events; memory holds one page.
REBUILD_BATCH = 50_000
REBUILD_PAGES = 4
# Below this many kept chain links, checking them here costs less than starting
# a second process to do it.
PARALLEL_CHAIN_MIN = 200_000


class ProjectionEngine:
    """Keeps a set of projections up to date with an application's events."""

    def __init__(
        self,
        app: Any,
        db: Database,
        projections: Sequence[Projection],
        batch_size: int = 500,
        chain_check: Callable[[int], Any] | None = None,
    ) -> None:
        self.app = app
        self.db = db
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        # Starts a second process checking the kept chain up to a position
        # (gxtrack.projections.chain_check); None checks it in this one.
        self.chain_check = chain_check
        self.parallel_chain_min = PARALLEL_CHAIN_MIN
        self._local_lock = threading.Lock()
        self._read = reader(app.recorder)

    # -- schema ------------------------------------------------------------

    def setup(self) -> None:
        """Create the tracking table and every projection's tables.

        A projection whose DDL changed since its tables were made (new
        columns, say) is dropped and its position reset, so it is rebuilt
        from zero as the log is followed: its tables are derived data.
        """
        with self.db.transaction() as cur:
            cur.execute(TRACKING_DDL)
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

    # -- status ------------------------------------------------------------

    def positions(self) -> dict[str, int]:
        """Each projection's tracking position."""
        rows = self.db.fetchall("SELECT projection, position FROM rm_tracking")
        known = {r["projection"]: int(r["position"]) for r in rows}
        return {name: known.get(name, 0) for name in self.projections}

    def status(self) -> list[dict[str, Any]]:
        """Position, head of the log and lag for each projection."""
        head = self.app.recorder.max_notification_id() or 0
        return [
            {"projection": name, "position": pos, "head": head, "lag": head - pos}
            for name, pos in self.positions().items()
        ]

    # -- processing --------------------------------------------------------

    def _lock_positions(self, cur: Cursor) -> dict[str, int]:
        lock = " FOR UPDATE" if self.db.kind == "postgres" else ""
        rows = cur.fetchall(
            "SELECT projection, position FROM rm_tracking ORDER BY projection" + lock
        )
        known = {r["projection"]: int(r["position"]) for r in rows}
        return {n: known[n] for n in self.projections if n in known}

    def run_batch(self, limit: int | None = None, pages: int = 1) -> int:
        """Apply the next batch of events; returns how many events were read.

        A batch is up to `pages` pages of `limit` events in one transaction:
        each page's rows are written as it ends, so memory holds one page, and
        the commit (which writes every page the batch dirtied) comes once.
        """
        with self._local_lock, self.db.transaction(bulk=True) as cur:
            positions = self._lock_positions(cur)
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
        plans: dict[str, _Plan] = {}
        for notification in notifications:
            if notification.topic not in plans:
                plans[notification.topic] = _plan(appliers, notification.topic)
        superseded = _superseded(notifications, plans)
        decode = self.app.mapper.to_domain_event
        for index, notification in enumerate(notifications):
            routes, _coalesce = plans[notification.topic]
            if not routes or index in superseded:
                continue  # never decoded
            event = decode(notification)
            for position, apply in routes:
                if notification.id > position:
                    apply(cur, event)
        for name, position in positions.items():
            if last > position:
                self.projections[name].finish_batch(cur)
                cur.execute(
                    "UPDATE rm_tracking SET position = ? WHERE projection = ?",
                    (last, name),
                )
                positions[name] = last
        return len(notifications)

    def run(
        self,
        progress: Progress | None = None,
        batch_size: int | None = None,
        pages: int = 1,
    ) -> int:
        """Catch up with the head of the log; returns events read."""
        head = self.app.recorder.max_notification_id() or 0
        done = 0
        while True:
            read = self.run_batch(batch_size, pages)
            done += read
            if progress:
                progress(min(self.lowest(), head), head)
            if not read:
                return done

    def lowest(self) -> int:
        """The smallest position of all projections."""
        return min(self.positions().values(), default=0)

    def wait_for(self, position: int, timeout: float, inline: bool = True) -> None:
        """Return once every projection has reached `position` (read-your-writes).

        Inline, this process applies the events itself; otherwise it waits for
        the projection process and gives up after `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        while self.lowest() < position:
            if inline and self.run_batch():
                continue
            if time.monotonic() > deadline:
                raise ProjectionTimeoutError(
                    "数据已保存，但列表尚未更新（投影进程未在 "
                    f"{timeout:g} 秒内追上），请稍后刷新"
                )
            time.sleep(0.02)

    def sync(self, timeout: float = 10.0, inline: bool = True) -> None:
        """Wait until the read models include every event recorded so far."""
        self.wait_for(self.app.recorder.max_notification_id() or 0, timeout, inline)

    def rebuild(
        self,
        names: Sequence[str] = (),
        progress: Progress | None = None,
        batch_size: int | None = None,
    ) -> int:
        """Drop the named projections (default all) and replay them from zero."""
        chosen = list(names) or list(self.projections)
        unknown = [n for n in chosen if n not in self.projections]
        if unknown:
            raise ValueError(f"unknown projection: {', '.join(unknown)}")
        check = self._start_chain_check(chosen)
        try:
            with self.db.bulk_load(), _no_cycle_collection():
                self._reset(chosen, check.stop if check else 0)
                done = self.run(progress, batch_size or REBUILD_BATCH, REBUILD_PAGES)
                verdict = check.result() if check else None
                if verdict:
                    # Built from a tampered log: start again from zero, chain
                    # follower included, so that following stops at the batch.
                    self._reset(chosen)
                self._create(chosen)
        except BaseException:
            if check:
                check.cancel()
            raise
        if verdict:
            raise ChainBrokenError(verdict)
        return done

    def _start_chain_check(self, chosen: Sequence[str]) -> Any:
        """A second process checking the kept chain, when that pays; else None."""
        if (
            ChainProjection.name not in chosen
            or self.chain_check is None
            or (os.cpu_count() or 1) < 2
        ):
            return None
        with self.db.transaction(write=False) as cur:
            head = chain_head(cur)
        kept_to = int(head["position"]) if head else 0
        if kept_to < self.parallel_chain_min:
            return None
        return self.chain_check(kept_to)

    def _create(self, chosen: Sequence[str]) -> None:
        with self._local_lock, self.db.transaction() as cur:
            for name in chosen:
                self.projections[name].create(cur)

    def _reset(self, chosen: Sequence[str], chain_checked_to: int = 0) -> None:
        """Drop the chosen projections' tables and set their positions to zero.

        The chain follower's table is never dropped; it resumes after
        `chain_checked_to` when a second process checks the links up to there.
        """
        with self._local_lock, self.db.transaction() as cur:
            cur.execute(TRACKING_DDL)
            for name in chosen:
                projection = self.projections[name]
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
def _no_cycle_collection() -> Iterator[None]:
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


# How a batch treats one event type: its routes (position, handler), and whether
# only an aggregate's latest event of the type in a batch matters.
_Plan = tuple[list[tuple[int, Handler]], bool]


def _plan(appliers: list[tuple[int, Projection]], topic: str) -> _Plan:
    """The handlers an event type concerns. The type comes from the stored
    topic, so an event that no projection handles is never decoded."""
    key = resolve_topic(topic).__qualname__
    routes: list[tuple[int, Handler]] = []
    readers: list[Projection] = []
    for position, projection in appliers:
        handler = projection.route(key)
        if handler is not None:
            routes.append((position, handler))
            readers.append(projection)
    coalesce = bool(readers) and all(key in p.latest_only for p in readers)
    return routes, coalesce


def _superseded(notifications: Sequence[Any], plans: dict[str, _Plan]) -> set[int]:
    """Indexes of events that a later event of the same type and aggregate in
    this batch makes moot for every projection reading them."""
    coalesced = {topic for topic, plan in plans.items() if plan[1]}
    if not coalesced:
        return set()
    superseded: set[int] = set()
    seen: set[tuple[str, Any]] = set()
    for index in range(len(notifications) - 1, -1, -1):
        notification = notifications[index]
        topic = notification.topic
        if topic in coalesced:
            key = (topic, notification.originator_id)
            if key in seen:
                superseded.add(index)
            else:
                seen.add(key)
    return superseded


def _ddl_hash(projection: Projection) -> str:
    return hashlib.sha256("\n".join(projection.ddl).encode()).hexdigest()[:16]


def _is_index(statement: str) -> bool:
    return (
        statement.lstrip().upper().startswith(("CREATE INDEX", "CREATE UNIQUE INDEX"))
    )
