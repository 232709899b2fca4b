"""The ends of this process's projection batches, for the threads waiting on them.

A command waits until the read models include its events. When another thread
of the same process is applying them, sleeping a fixed pause and asking the
tracking table again made a command wait up to a pause longer than the batch
itself (under 20 clients on SQLite, a create's two waits were most of its
time). A waiter now sleeps until a batch of this process ends.

The batches of other processes (the follower beside gunicorn's workers, or
beside `gxtrack serve`) are heard too: a batch announces, as it commits, how
far every read model is, and each process has one thread listening
(BatchListener): PostgreSQL's NOTIFY, or on SQLite a datagram
(gxtrack/infra/wake.py). Looking at the tracking rows on a timer is then only
the fallback it was meant to be, and how a process that cannot listen (a
second one on one SQLite file) sees the others.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)
APPLIED_CHANNEL = "gxtrack_applied"  # payload: the lowest position of a batch
# A command waiting on another process's batch wakes that process (SQLite: a
# follower sleeps between looks otherwise); payload: the command's position.
RECORDED_CHANNEL = "gxtrack_recorded"
RETRY_SECONDS = 1.0  # between attempts to listen again after losing the store


class BatchEnds:
    """How many batches have ended (this process's, and others' it heard of),
    and the lowest position the latest that moved every read model left."""

    def __init__(self) -> None:
        self._ended = threading.Condition()
        self.count = 0
        # Trusted only for a batch that ended after a wait began: a read
        # model reset since an earlier one (its tables changed shape, a
        # rebuild) is behind it again.
        self.latest = 0

    def ended(self, lowest: int | None) -> None:
        """A batch committed; `lowest` when it moved every projection."""
        with self._ended:
            self.count += 1
            if lowest is not None:
                self.latest = lowest
            self._ended.notify_all()

    def wait(self, after: int, seconds: float) -> bool:
        """Sleep until a batch later than the `after`-th ends, or `seconds`
        pass; whether one did."""
        with self._ended:
            return self._ended.wait_for(lambda: self.count > after, seconds)


class BatchListener:
    """One thread per process hearing other processes' batches end, when the
    store can tell (Database.listen), and passing them to BatchEnds."""

    def __init__(self, db: Any, channel: str, ends: BatchEnds) -> None:
        self._db = db
        self._channel = channel
        self._ends = ends
        self._lock = threading.Lock()
        self._pid: int | None = None  # the process the thread was started in
        self._heard = threading.Event()

    def hearing(self) -> bool:
        """Start listening, once per process; whether it hears batches now.

        Started at the first wait rather than when made: a process forked
        after making it (a gunicorn worker) has no thread of its parent's.
        """
        pid = os.getpid()
        if self._pid != pid:
            with self._lock:
                if self._pid != pid:
                    self._pid = pid
                    self._heard = threading.Event()
                    heard = self._db.listen(self._channel)
                    if heard is not None:  # None: waits look on a timer
                        threading.Thread(
                            target=self._run,
                            args=(pid, heard),
                            name="projections-heard",
                            daemon=True,
                        ).start()
        return self._heard.is_set()

    def _run(self, pid: int, heard: Iterator[str]) -> None:
        while True:
            try:
                for payload in heard:
                    if not payload:  # listening from now on
                        self._heard.set()
                        continue
                    self._ends.ended(int(payload))
                return  # the database was closed
            except Exception:  # noqa: BLE001 - the store may be down: listen again
                log.warning("lost the projection batches' channel; listening again")
            finally:
                self._heard.clear()
            time.sleep(RETRY_SECONDS)
            if self._pid != pid:
                return
            heard = self._db.listen(self._channel)
