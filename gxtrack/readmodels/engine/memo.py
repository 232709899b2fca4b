"""Figures computed from the read models, kept until the read models move on.

The dashboard's conversion and time in stage and the monthly report read every
stage interval of the pool and fold them in Python: seconds at 100k projects,
recomputed for each view although nothing changed between two views. Here a
figure is kept with the positions of every read model (`rm_tracking`) it was
computed at; while those positions are the same, so are the rows the figure
was computed from, and it is returned as kept. Any event applied (by this
process or another) moves a position, and the next view computes afresh.
A rebuild resets positions, so nothing kept before it is ever returned again.

A figure read from a few read models only may name them (`reads`): it is
then kept until one of those applies an event (as the engine records it),
however far the others move: the yearly targets are not read again after a
progress note. Naming too few would keep a stale figure: name every read
model whose tables (or queries) the computation reaches.

A figure that one event changes in one project's part only (the stall roster)
may give a `patch`: handed the kept value and the positions it and the current
rows are at, it returns the value brought up to date (reading again only the
projects `changed_since` the kept positions), or None to compute afresh.

Some figures are models fitted on every project (the 投产 forecast, the
what-if's stage spans): seconds at 100k projects, and changed by one more
event no more than by a rounding. For those a caller may allow `stale_for`
seconds: while the kept value is younger than that, a view gets it at once.
Once it is half that old, the first view to find it so starts one background
thread computing its successor. A figure is then never older than `stale_for`
seconds, and a process busy with events refits at most about twice per
`stale_for`, not after every event (each refit holds a core for seconds).

Values are shared between callers: they must be treated as read-only.
"""

from __future__ import annotations

import threading
import time
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
_refreshing: set[tuple[int, Hashable]] = set()  # (id(db), key) being recomputed


def read_model_state(
    db: Database, reads: tuple[str, ...] | None = None
) -> tuple[tuple[Any, ...], ...]:
    """Every read model's position: the same tuple, the same rows. With
    `reads`, those read models' positions of the latest event they applied
    (their position, until the engine has recorded one)."""
    if reads is None:
        rows = db.fetchall("SELECT projection, position FROM rm_tracking")
        return tuple(sorted((r["projection"], int(r["position"])) for r in rows))
    rows = db.fetchall(
        "SELECT t.projection, t.position, c.position AS changed FROM rm_tracking t"
        " LEFT JOIN rm_model_changes c ON c.projection = t.projection"
    )
    found = {
        r["projection"]: ("at", int(r["position"]))
        if r["changed"] is None
        else ("applied", int(r["changed"]))
        for r in rows
    }
    return tuple((name, *found.get(name, ("none", 0))) for name in sorted(reads))


def _now() -> float:
    """The clock a kept value's age is read on (a test may turn it)."""
    return time.monotonic()


State = tuple[tuple[Any, ...], ...]
Patch = Callable[[T, State, State], T | None]


def memoized(
    db: Database,
    key: Hashable,
    compute: Callable[[], T],
    stale_for: float = 0.0,
    patch: Patch[T] | None = None,
    reads: tuple[str, ...] | None = None,
) -> T:
    """`compute()`, or what it gave at the read models' current positions.

    With `stale_for` > 0, a value kept at older positions but computed less
    than `stale_for` seconds ago is returned as it is, and refreshed in the
    background once it is half that old. With `patch`, a value kept at older
    positions is patched (`patch(value, its_state, current_state)`) unless
    the patch gives None. With `reads`, only those read models' changes
    count (the states a patch is given are then theirs).
    """
    state = read_model_state(db, reads)
    with _lock:
        kept = _kept.setdefault(db, OrderedDict())
        found = kept.get(key)
    if found is not None:
        if found[0] == state:
            return found[1]
        age = _now() - found[2]
        if age < stale_for:
            if age >= stale_for / 2:
                _refresh(db, key, compute, reads)
            return found[1]
        if patch is not None:
            old, was = found[1], found[0]

            def patched() -> T:
                value = patch(old, was, state)
                return compute() if value is None else value

            return _compute_and_keep(db, key, patched, state, reads)
    return _compute_and_keep(db, key, compute, state, reads)


def _compute_and_keep(
    db: Database,
    key: Hashable,
    compute: Callable[[], T],
    state: Any,
    reads: tuple[str, ...] | None = None,
) -> T:
    started = _now()
    value = compute()
    # The positions are read again: had an event been applied meanwhile, the
    # value might mix rows from before and after it, so it is not kept.
    if read_model_state(db, reads) == state:
        with _lock:
            kept = _kept.setdefault(db, OrderedDict())
            kept[key] = (state, value, started)
            kept.move_to_end(key)
            while len(kept) > MAXSIZE:
                kept.popitem(last=False)
    return value


def _refresh(
    db: Database,
    key: Hashable,
    compute: Callable[[], Any],
    reads: tuple[str, ...] | None = None,
) -> None:
    """Recompute `key` in a background thread, one at a time per key."""
    token = (id(db), key)
    with _lock:
        if token in _refreshing:
            return
        _refreshing.add(token)

    def run() -> None:
        try:
            _compute_and_keep(db, key, compute, read_model_state(db, reads), reads)
        finally:
            with _lock:
                _refreshing.discard(token)

    threading.Thread(target=run, name="gxtrack-figures", daemon=True).start()


def settled(db: Database, timeout: float = 30.0) -> bool:
    """Wait until no background refresh for `db` runs (tests, benches)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _lock:
            if not any(token[0] == id(db) for token in _refreshing):
                return True
        time.sleep(0.01)
    return False


def forget(db: Database) -> None:
    """Drop every figure kept for `db` (a bench timing the first view)."""
    with _lock:
        _kept.pop(db, None)
