"""One projection process at a time: a second one waits instead of working twice.

On PostgreSQL the guard is a session advisory lock keyed by the schema, held on a
connection of its own; on SQLite it is a lock file next to the database. Either
lock is released by the operating system or the server when the process dies,
so a killed follower never blocks its successor.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from gxtrack.infra.db import Database

Notice = Callable[[str], None]


class InstanceLock:
    """An exclusive lock per read-model database, waited for politely."""

    def __init__(self, db: Database, lock_dir: Any = None) -> None:
        self.db = db
        self.lock_dir = lock_dir
        self._conn: Any = None
        self._file: Any = None

    def _try_postgres(self) -> bool:
        import psycopg

        if self._conn is None:
            self._conn = psycopg.connect(**self.db.params, autocommit=True)  # type: ignore[attr-defined]
        key = f"gxtrack.readmodels:{getattr(self.db, 'schema', None) or 'public'}"
        row = self._conn.execute(
            "SELECT pg_try_advisory_lock(hashtext(%s))", (key,)
        ).fetchone()
        return bool(row and row[0])

    def _try_file(self) -> bool:
        from pathlib import Path

        from filelock import FileLock, Timeout

        if self._file is None:
            directory = Path(self.lock_dir or ".")
            directory.mkdir(parents=True, exist_ok=True)
            self._file = FileLock(str(directory / "projections.lock"))
        try:
            self._file.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never blocks."""
        if self.db.kind == "postgres":
            return self._try_postgres()
        return self._try_file()

    def acquire(
        self,
        stopping: threading.Event,
        notice: Notice | None = None,
        poll_seconds: float = 1.0,
    ) -> bool:
        """Wait for the lock (False if asked to stop first)."""
        if self.try_acquire():
            return True
        if notice:
            notice("已有投影进程在运行，本进程等待接替 (another follower is running)")
        while not stopping.wait(poll_seconds):
            if self.try_acquire():
                return True
        return False

    def release(self) -> None:
        """Give the lock back (closing the session frees the advisory lock)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._file is not None:
            self._file.release()
            self._file = None
