"""The ends of this process's projection batches, for the threads waiting on them.

A command waits until the read models include its events. When another thread
of the same process is applying them, sleeping a fixed pause and asking the
tracking table again made a command wait up to a pause longer than the batch
itself (under 20 clients on SQLite, a create's two waits were most of its
time). A waiter now sleeps until a batch of this process ends, and only polls
on a timer when another process (the follower) is the one applying events.
"""

from __future__ import annotations

import threading


class BatchEnds:
    """How many batches this process has finished, and the lowest position
    the latest full one left every projection at."""

    def __init__(self) -> None:
        self._ended = threading.Condition()
        self.count = 0
        # Positions only grow in the log, so a batch that left every
        # projection at or past a position recorded earlier applied it.
        self.reached = 0

    def ended(self, lowest: int | None) -> None:
        """A batch committed; `lowest` when it moved every projection."""
        with self._ended:
            self.count += 1
            if lowest is not None and lowest > self.reached:
                self.reached = lowest
            self._ended.notify_all()

    def wait(self, after: int, seconds: float) -> bool:
        """Sleep until a batch later than the `after`-th ends, or `seconds`
        pass; whether one did."""
        with self._ended:
            return self._ended.wait_for(lambda: self.count > after, seconds)
