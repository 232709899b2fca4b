"""One lock per store and purpose, so a second process waits instead of working twice.

PostgreSQL: a session advisory lock on a connection of its own, keyed by one
hash of (schema, purpose). SQLite: a file lock (the `filelock` package) named
after the purpose, next to the database files. Either is released by the server
or the operating system when its process dies, so a killed holder never blocks
its successor. A store in memory lives in one process: a thread lock does.

Purposes in use: "schema" (migrations and table set-up, blocking), "projections"
(the follower) and "scheduler" (the job runner), both waited for politely.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

Notice = Callable[[], None]


def lock_key(schema: str | None, purpose: str) -> int:
    """The advisory-lock key of a purpose in one PostgreSQL schema (signed 64-bit)."""
    text = f"gxtrack:{schema or 'public'}:{purpose}"
    return int.from_bytes(
        hashlib.sha256(text.encode()).digest()[:8], "big", signed=True
    )


class StoreLock:
    """An exclusive lock for one purpose on one store.

    Build it with `Database.lock(purpose)` (or `settings_lock` where only the
    settings are at hand); use it as a context manager to wait for it, or
    `try_acquire()` / `acquire(stopping)` to wait while a stop may be asked.
    """

    def __init__(
        self,
        purpose: str,
        *,
        postgres: dict[str, Any] | None = None,
        schema: str | None = None,
        directory: Path | str | None = None,
        local: Any = None,
    ) -> None:
        self.purpose = purpose
        self._postgres = postgres
        self._key = lock_key(schema, purpose)
        self._path = None if directory is None else Path(directory) / f"{purpose}.lock"
        self._local = local
        self._conn: Any = None
        self._file: Any = None
        self.held = False

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; never blocks."""
        return self._take(blocking=False)

    def acquire(
        self,
        stopping: threading.Event | None = None,
        on_wait: Notice | None = None,
        poll_seconds: float = 1.0,
    ) -> bool:
        """Wait for the lock, polling, until `stopping` is set; True once held."""
        stopping = stopping or threading.Event()
        announced = False
        while not stopping.is_set():
            if self.try_acquire():
                return True
            if on_wait and not announced:
                on_wait()
                announced = True
            stopping.wait(poll_seconds)
        return False

    def release(self) -> None:
        """Give the lock back (closing the session frees an advisory lock)."""
        held, self.held = self.held, False
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                # Closing frees the lock too, but the server notices a closed
                # session a moment later: a waiter polling at once would miss it.
                if held and not conn.closed:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
            except Exception:  # noqa: BLE001 - a lost session holds no lock
                pass
            finally:
                conn.close()
        if self._file is not None and self._file.is_locked:
            self._file.release()
        if self._local is not None and held:
            self._local.release()

    def __enter__(self) -> StoreLock:
        self._take(blocking=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _take(self, blocking: bool) -> bool:
        if self.held:  # the locks below count re-entries; this one does not
            return True
        if self._postgres is not None:
            self.held = self._take_advisory(blocking)
        elif self._path is not None:
            self.held = self._take_file(blocking)
        elif self._local is not None:
            self.held = self._local.acquire(blocking=blocking)
        else:
            self.held = True  # nothing shares this store
        return self.held

    def _take_advisory(self, blocking: bool) -> bool:
        import psycopg

        if self._conn is None:
            self._conn = psycopg.connect(**self._postgres, autocommit=True)  # type: ignore[arg-type]
        if blocking:
            self._conn.execute("SELECT pg_advisory_lock(%s)", (self._key,))
            return True
        row = self._conn.execute(
            "SELECT pg_try_advisory_lock(%s)", (self._key,)
        ).fetchone()
        return bool(row and row[0])

    def _take_file(self, blocking: bool) -> bool:
        from filelock import FileLock, Timeout

        if self._file is None:
            assert self._path is not None
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._file = FileLock(str(self._path))
        try:
            self._file.acquire(timeout=-1 if blocking else 0)
        except Timeout:
            return False
        return True


def settings_lock(settings: Any, purpose: str) -> StoreLock:
    """The lock of a purpose on the store these settings name, without opening it."""
    from gxtrack.infra.postgres import connection_kwargs

    if settings.in_memory:
        return StoreLock(purpose)  # one process, one store: nothing to share
    if settings.is_postgres:
        params = settings.postgres_params()
        return StoreLock(
            purpose, postgres=connection_kwargs(params), schema=params.get("schema")
        )
    return StoreLock(purpose, directory=settings.data_dir)
