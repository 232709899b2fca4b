"""Pausing Python's cycle collector around bulk work that makes no cycles.

A replay of the log, or a ledger import, allocates millions of short-lived
objects (reference counting frees them) and keeps tens of thousands alive
until it ends: the collector ran its full passes over a growing heap again and
again, a tenth of the work for nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector for the block (or, decorating, the call);
    re-enable it if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
