"""Figures computed from the read models, kept until the read models move on.

The dashboard's conversion and time in stage and the monthly report read every
stage interval of the pool and fold them in Python: seconds at 100k projects,
recomputed for each view although nothing changed between two views. Here a
figure is kept with the positions of every read model (`rm_tracking`) it was
computed at; while those positions are the same, so are the rows the figure
was computed from, and it is returned as kept. Any event applied (by this
process or another) moves a position, and the next view computes afresh.
A rebuild resets positions, so nothing kept before it is ever returned again.

Values are shared between callers: they must be treated as read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from gxtrack.infra.db import Database

T = TypeVar("T")
MAXSIZE = 64  # figures kept per database (per month, day and filter asked)

_kept: weakref.WeakKeyDictionary[Database, OrderedDict[Hashable, Any]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def read_model_state(db: Database) -> tuple[tuple[str, int], ...]:
    """Every read model's position: the same tuple, the same rows."""
    rows = db.fetchall("SELECT projection, position FROM rm_tracking")
    return tuple(sorted((r["projection"], int(r["position"])) for r in rows))


def memoized(db: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave at the read models' current positions."""
    state = read_model_state(db)
    with _lock:
        kept = _kept.setdefault(db, OrderedDict())
        found = kept.get(key)
    if found is not None and found[0] == state:
        return found[1]
    value = compute()
    # The positions are read again: had an event been applied meanwhile, the
    # value might mix rows from before and after it, so it is not kept.
    if read_model_state(db) == state:
        with _lock:
            kept[key] = (state, value)
            kept.move_to_end(key)
            while len(kept) > MAXSIZE:
                kept.popitem(last=False)
    return value


def forget(db: Database) -> None:
    """Drop every figure kept for `db` (a bench timing the first view)."""
    with _lock:
        _kept.pop(db, None)
