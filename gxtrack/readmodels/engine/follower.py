"""Keeps the projections following the log in the background.

On PostgreSQL the loop sleeps on LISTEN for the recorder's NOTIFY channel, so new
events are applied at once; on SQLite (no notifications) it polls briefly.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from gxtrack.readmodels.engine.engine import ProjectionEngine

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
        while not self.stopping.is_set():
            try:
                if self.engine.run_batch():
                    continue
            except Exception:  # the store may be briefly down: retry, don't die
                log.exception("projection batch failed; retrying")
                self.stopping.wait(2.0)
                continue
            waiter()

    def _listener(self) -> Any:
        recorder = self.engine.app.recorder
        channel = getattr(recorder, "channel_name", None)
        if channel is None:
            return lambda: self.stopping.wait(self.poll_seconds)
        return _PostgresWaiter(self.engine, channel, self.stopping).wait


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
