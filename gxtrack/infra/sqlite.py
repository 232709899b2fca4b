"""The embedded store: a SQLite file (or a shared in-memory database)."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gxtrack.infra import wake
from gxtrack.infra.db import Cursor, Database, Row
from gxtrack.infra.lock import StoreLock

CHECKPOINT_PAGES = 16384  # 64 MB of 4 KB pages: see SQLiteDatabase._connect
BULK_CHECKPOINT_PAGES = 262144  # 1 GB, while a rebuild runs


class SQLiteDatabase(Database):
    """A SQLite file (or shared in-memory database), one connection per thread."""

    kind = "sqlite"

    def __init__(self, path: Path | str | None) -> None:
        # The file, or None for an in-memory database.
        self.path = None if path is None else Path(path).resolve()
        if self.path is None:
            self.target = f"file:gxtrack-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.target = f"file:{self.path}"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._purpose_locks: dict[str, Any] = {}
        # Shared-cache memory databases lock per table and report a conflict at
        # once (SQLITE_LOCKED) instead of waiting like a file does, so their
        # transactions take turns within the process.
        self._turns = threading.RLock() if path is None else None
        # Announcements wait for their transaction's commit (gxtrack/infra/wake.py).
        self._sender = wake.Sender()
        self._closed = threading.Event()
        # An in-memory database lives as long as one connection to it is open.
        self._keeper = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.target,
            uri=True,
            timeout=30,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        # 32 MB page cache (default 2 MB): the pool's rows and indexes at 100k
        # projects stay in memory while projections update them at random.
        conn.execute("PRAGMA cache_size=-32768")
        conn.execute("PRAGMA temp_store=MEMORY")
        # Checkpoint every 64 MB of WAL, not every 4 MB: a projection batch dirties
        # thousands of pages, and a checkpoint after each one rewrote them all
        # into the database file (about 15% of a rebuild's CPU time).
        conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
        conn.execute("PRAGMA journal_size_limit=134217728")  # WAL back to 128 MB
        with self._lock:
            self._all.append(conn)
        return conn

    def connection(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def transaction(self, write: bool = True, bulk: bool = False) -> Iterator[Cursor]:
        """BEGIN IMMEDIATE for writers, so they queue on SQLite's lock, not fail."""
        conn = self.connection()
        if conn.in_transaction:  # nested use joins the open transaction
            yield Cursor(self, conn.cursor())
            return
        if self._turns is None:
            with self._run(conn, write) as cur:
                yield cur
            return
        with self._turns, self._run(conn, write) as cur:
            yield cur

    def fetchall(self, text: str, params: Sequence[Any] = ()) -> list[Row]:
        """One query on its own: SQLite gives a lone statement one snapshot,
        so no BEGIN and COMMIT around it.

        Each call into SQLite lets go of the interpreter's lock, and under
        load each one queues to take it back: a read was three such calls
        where one does. A shared-cache memory database keeps its turns (its
        table locks fail at once rather than wait).
        """
        if self._turns is not None:
            return super().fetchall(text, params)
        return Cursor(self, self.connection().cursor()).fetchall(text, params)

    def tuples(self, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """As fetchall, the driver's tuples."""
        if self._turns is not None:
            return super().tuples(text, params)
        return Cursor(self, self.connection().cursor()).tuples(text, params)

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Checkpoint the WAL once at the end, not every 64 MB; drop tables fast.

        A rebuild rewrites the same B-tree pages batch after batch; each
        checkpoint copied them all into the database file again (about a
        sixth of a rebuild's time). Past 1 GB of WAL it checkpoints anyway,
        so the disk the WAL takes stays bounded.

        Debian builds SQLite with secure_delete on: dropping a read model's
        tables zeroed every freed page, and wrote each one to the WAL (about a
        second and a half at 100k projects). Their content is derived from
        the event log, which keeps it anyway, so a rebuild uses FAST: deleted
        content is still zeroed wherever that costs no extra write.

        Sorts spill to temporary files, not memory: the indexes built at the
        end of a rebuild sort every row of their tables, and with temp_store
        MEMORY a sort past the page cache grew the process by the size of the
        index (over 1 GB at 10M events). The files stay in the OS's cache.
        """
        conn = self.connection()
        secure = conn.execute("PRAGMA secure_delete").fetchone()[0]
        temp = conn.execute("PRAGMA temp_store").fetchone()[0]
        conn.execute(f"PRAGMA wal_autocheckpoint={BULK_CHECKPOINT_PAGES}")
        conn.execute("PRAGMA secure_delete=FAST")
        conn.execute("PRAGMA temp_store=FILE")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA temp_store={int(temp)}")
            conn.execute(f"PRAGMA secure_delete={int(secure)}")
            conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
            # PASSIVE: never waits on readers; journal_size_limit then trims the
            # file once the WAL restarts.
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @contextmanager
    def _run(self, conn: sqlite3.Connection, write: bool) -> Iterator[Cursor]:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        self._local.announced = []  # a rolled-back transaction's go with it
        try:
            yield Cursor(self, conn.cursor())
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        announced, self._local.announced = self._local.announced, []
        for channel, payload in announced:
            self.wake(channel, payload)

    # -- wake-ups between processes on this file (gxtrack/infra/wake.py) ------

    def announce(self, cur: Cursor, channel: str, payload: str) -> None:
        """Tell the process listening on `channel` once this transaction
        commits (a process woken earlier would read the rows before them)."""
        if self.connection().in_transaction:
            self._local.announced.append((channel, payload))
        else:
            self.wake(channel, payload)

    def wake(self, channel: str, payload: str) -> None:
        """Tell the process listening on `channel` now, if one does."""
        if self.path is not None:
            self._sender.send(wake.address(str(self.path), channel), payload)

    def listen(self, channel: str) -> Iterator[str] | None:
        """What is announced on `channel`; None when another process of
        this file hears it already, or for an in-memory database."""
        if self.path is None:
            return None
        return wake.listen(wake.address(str(self.path), channel), self._closed)

    def lock(self, purpose: str, directory: Path | str | None = None) -> StoreLock:
        """A file lock next to the database file; a thread lock in memory."""
        if directory is None and self.path is not None:
            directory = self.path.parent
        if directory is not None:
            return StoreLock(purpose, directory=directory)
        with self._lock:
            local = self._purpose_locks.setdefault(purpose, threading.Lock())
        return StoreLock(purpose, local=local)

    def close(self) -> None:
        self._closed.set()
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()
