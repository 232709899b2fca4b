"""One projection process at a time: a second one waits instead of working twice.

The guard is the store's "projections" lock (gxtrack.infra.lock): released by
the operating system or the server when the process dies, so a killed follower
never blocks its successor.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gxtrack.infra.db import Database

Notice = Callable[[str], None]


class InstanceLock:
    """An exclusive lock per read-model database, waited for politely."""

    def __init__(self, db: Database) -> None:
        # On SQLite the lock file goes beside the database file.
        self._lock = db.lock("projections")

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never blocks."""
        return self._lock.try_acquire()

    def acquire(
        self,
        stopping: threading.Event,
        notice: Notice | None = None,
        poll_seconds: float = 1.0,
    ) -> bool:
        """Wait for the lock (False if asked to stop first)."""

        def waiting() -> None:
            if notice:
                notice("已有投影进程在运行，本进程等待接替")

        return self._lock.acquire(stopping, waiting, poll_seconds)

    def release(self) -> None:
        """Give the lock back."""
        self._lock.release()
