"""Group commit: saves from many threads written in one transaction.

Every command ends in a save, and a save is a transaction: on SQLite its commit
waits for the disk (about 1.5 ms here), on PostgreSQL it takes the events
table's lock and sends a NOTIFY. Under concurrent requests those costs, paid
one save after another, were most of a command's time. Here the first thread
to save leads: it takes every save waiting and writes them in one transaction,
each in its own savepoint, so one save's conflict (an aggregate changed
meanwhile) fails that save alone. Threads that arrive while a group is being
written wait and go in the next, led by the first of them. Alone, a save is
written at once, as before: nothing waits for company.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Pending:
    """One thread's save, waiting to be written with its group."""

    work: Any  # what the writer is given for this save
    result: Any = None
    error: BaseException | None = None
    finished: bool = False
    wake: threading.Event = field(default_factory=threading.Event)

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class GroupCommit:
    """Runs `write(group)` for saves arriving together, one group at a time.

    `write` sets each Pending's result, or its error for a save that failed
    alone; an exception out of `write` fails every save of the group.
    """

    def __init__(self, write: Callable[[list[Pending]], None]) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._queue: list[Pending] = []
        self._busy = False  # a group is being written

    def submit(self, work: Any) -> Any:
        """Save `work` with whatever else is waiting; its result, or raise."""
        me = Pending(work)
        with self._lock:
            self._queue.append(me)
            leads = not self._busy
            self._busy = True
        if not leads:
            me.wake.wait()
        if not me.finished:  # first, or handed the lead by the previous group
            self._lead()
        return me.outcome()

    def _lead(self) -> None:
        with self._lock:
            group, self._queue = self._queue, []
        try:
            self._write(group)
        except BaseException as error:  # noqa: BLE001 - handed to each saver
            for pending in group:
                if pending.error is None:
                    pending.error = error
        finally:
            with self._lock:
                following = self._queue[0] if self._queue else None
                self._busy = following is not None
            for pending in group:
                pending.finished = True
                pending.wake.set()
            if following is not None:
                following.wake.set()  # not finished: it leads the next group
