"""How a command waits for the read models to include its events.

Inline (`gxtrack serve` with an in-memory store, the command line, tests) the
waiting thread applies them itself unless another thread or process already
is; otherwise (`gxtrack serve`'s projection process, production's follower) it
wakes that process and sleeps until a batch's end is heard
(gxtrack/readmodels/engine/batch_ends.py), looking at the tracking rows on a
timer only as the fallback. After a bulk write it shows the other process's
progress instead (watch).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gxtrack.errors import ProjectionTimeoutError
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.batch_ends import (
    RECORDED_CHANNEL,
    BatchEnds,
    BatchListener,
)

Progress = Callable[[int, int], None]
# Waiting for another process's projections: the first look again after 1 ms,
# doubling up to every 20 ms (see wait_for).
FIRST_PAUSE = 0.001
LAST_PAUSE = 0.02
WATCH_PAUSE = 0.2  # between looks at another process catching up on a bulk write


class Waits:
    """The waits of ProjectionEngine, which provides what they use."""

    db: Database
    ends: BatchEnds
    listener: BatchListener
    try_batch: Callable[[], tuple[int, int] | None]
    lowest: Callable[..., int]
    head: Callable[[], int]

    def wait_for(self, position: int, timeout: float, inline: bool) -> None:
        """Return once every projection has reached `position`, one just
        recorded (read-your-writes).

        Inline, this process applies the events itself when nobody else is
        applying any (try_batch); otherwise it waits for whoever is (another
        thread, another worker, the projection process) and gives up after
        `timeout` seconds. A position just recorded is not applied yet, so
        there is no look at the tracking table first: inline a batch's own
        positions tell where it left off.
        """
        deadline = time.monotonic() + timeout
        pause = FIRST_PAUSE
        begun = self.ends.count
        if not inline:
            # The projection process may be asleep between looks (SQLite
            # tells it nothing of new events otherwise): wake it.
            self.db.wake(RECORDED_CHANNEL, str(position))
        while True:
            seen = self.ends.count
            if seen > begun and self.ends.latest >= position:
                return  # a batch that ended meanwhile applied it
            if inline:
                batch = self.try_batch()
                if batch is not None:
                    read, lowest = batch
                    if lowest >= position:
                        return
                    if read:
                        continue
            if time.monotonic() > deadline:
                raise _not_caught_up(timeout)
            # Another thread of this process ending its batch wakes this one
            # at once (it may have applied these events, or left the lock
            # free to apply them). Another process (the follower) applies a
            # command's events within milliseconds: look again soon, then
            # back off to a slower pace.
            if self.listener.hearing():
                pause = LAST_PAUSE  # a batch's end is heard: looks are a fallback
            if self.ends.wait(seen, pause):
                continue
            pause = min(pause * 2, LAST_PAUSE)
            if self.lowest() >= position:
                return

    def watch(self, show: Progress, timeout: float) -> None:
        """Wait for another process to apply every event recorded so far,
        showing how far it is (after a bulk write, which takes it a while);
        give up once it has not moved for `timeout` seconds."""
        head = self.head()
        self.db.wake(RECORDED_CHANNEL, str(head))
        self.listener.hearing()  # from now on a batch's end wakes the loop
        seen, since = -1, time.monotonic()
        while True:
            count = self.ends.count
            lowest = self.lowest()
            show(min(lowest, head), head)
            if lowest >= head:
                return
            if lowest != seen:
                seen, since = lowest, time.monotonic()
            elif time.monotonic() - since > timeout:
                raise _not_caught_up(timeout)
            self.ends.wait(count, WATCH_PAUSE)  # a batch's end heard, or a look

    def sync(self, timeout: float = 10.0, inline: bool = True) -> None:
        """Wait until the read models include every event recorded so far.

        Mostly they do already: one look, and no batch (on SQLite a batch
        takes the write lock) unless they do not.
        """
        head = self.head()
        if self.lowest() < head:
            self.wait_for(head, timeout, inline)


def _not_caught_up(timeout: float) -> ProjectionTimeoutError:
    return ProjectionTimeoutError(
        f"数据已保存，但列表尚未更新（投影进程未在 {timeout:g} 秒内追上），请稍后刷新"
    )
