"""Keeps the projections following the log in the background.

On PostgreSQL the loop sleeps on LISTEN for the recorder's NOTIFY channel, so new
events are applied at once. On SQLite a command waiting for its events wakes
it (RECORDED_CHANNEL, gxtrack/infra/wake.py); between wake-ups, and where it
cannot listen, it looks every `poll_seconds` (writes nobody waits for: an
import from the command line, a second process's commands).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

from gxtrack.readmodels.engine.batch_ends import RECORDED_CHANNEL
from gxtrack.readmodels.engine.engine import BULK_PAGES, ProjectionEngine

log = logging.getLogger(__name__)


class ProjectionFollower:
    """A loop that applies new events as they are recorded."""

    def __init__(self, engine: ProjectionEngine, poll_seconds: float = 0.25) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Run the loop in a daemon thread."""
        self._thread = threading.Thread(
            target=self.run_forever, name="projections", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to finish and wait for it."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run_forever(self) -> None:
        """Apply events until stopped; errors are logged and retried."""
        waiter = self._listener()
        pages = 1
        while not self.stopping.is_set():
            try:
                read = self.engine.run_batch(pages=pages)
                # A full batch: more are waiting (a bulk write). Each commit
                # rewrites every page the batch dirtied, so a backlog goes
                # BULK_PAGES pages a transaction, as an import's own catch-up
                # does; a command recorded behind it waits for all of it
                # either way.
                full = read >= self.engine.batch_size * pages
                pages = BULK_PAGES if full else 1
                if full:
                    continue
                # Short of full, the batch read to the head. Events recorded
                # since then have woken the waiter already (their wake-up is
                # kept until it waits): no batch of nothing after each
                # command, which on PostgreSQL was a locking transaction and
                # three round trips.
            except Exception:  # the store may be briefly down: retry, don't die
                log.exception("projection batch failed; retrying")
                self.stopping.wait(2.0)
                continue
            waiter()

    def _listener(self) -> Any:
        recorder = self.engine.app.recorder
        channel = getattr(recorder, "channel_name", None)
        if channel is not None:
            return _PostgresWaiter(self.engine, channel, self.stopping).wait
        heard = self.engine.db.listen(RECORDED_CHANNEL)
        if heard is None:
            return lambda: self.stopping.wait(self.poll_seconds)
        return _WokenWaiter(heard, self.stopping, self.poll_seconds).wait


class _WokenWaiter:
    """Waits for a command's wake-up (or `poll_seconds`), heard by a thread."""

    def __init__(
        self, heard: Iterator[str], stopping: threading.Event, poll_seconds: float
    ) -> None:
        self.woken = threading.Event()
        self.stopping = stopping
        self.poll_seconds = poll_seconds
        threading.Thread(
            target=self._hear, args=(heard,), name="projections-woken", daemon=True
        ).start()
        # Asked to stop, the loop must not sleep out its poll first.
        threading.Thread(
            target=lambda: (stopping.wait(), self.woken.set()),
            name="projections-stopping",
            daemon=True,
        ).start()

    def _hear(self, heard: Iterator[str]) -> None:
        for _payload in heard:  # ends when the database is closed
            self.woken.set()
            if self.stopping.is_set():
                return

    def wait(self) -> None:
        # A wake-up heard during the batch that just ended is kept: the events
        # it tells of were committed before it was sent, so the next batch
        # reads them.
        self.woken.wait(self.poll_seconds)
        self.woken.clear()


class _PostgresWaiter:
    """Waits for NOTIFY on the event table's channel (or a short timeout)."""

    def __init__(
        self, engine: ProjectionEngine, channel: str, stopping: threading.Event
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.stopping = stopping
        self.conn: Any = None

    def _connect(self) -> Any:
        import psycopg
        from psycopg import sql

        params = getattr(self.engine.db, "params", {})
        conn = psycopg.connect(**params, autocommit=True)
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        return conn

    def wait(self) -> None:
        try:
            if self.conn is None:
                self.conn = self._connect()
            # Returns at the first notification, or after a second without one.
            for _ in self.conn.notifies(timeout=1.0, stop_after=1):
                pass
        except Exception:  # reconnect on the next wait
            self.conn = None
            self.stopping.wait(1.0)


def follow(
    engine: ProjectionEngine,
    stopping: threading.Event,
    notice: Any = None,
    poll_seconds: float = 0.25,
) -> bool:
    """The production follower: take the instance lock, catch up, then follow.

    Returns False when asked to stop before the lock was obtained. A second
    instance started alongside waits on the lock and takes over when the first
    one stops or dies.
    """
    from gxtrack.readmodels.engine.single import InstanceLock

    lock = InstanceLock(engine.db)
    if not lock.acquire(stopping, notice):
        return False
    try:
        if notice:
            notice("投影进程已启动，正在跟随事件日志")
        follower = ProjectionFollower(engine, poll_seconds)
        follower.stopping = stopping
        follower.run_forever()
    finally:
        lock.release()
    return True
