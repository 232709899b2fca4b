"""Values read from an aggregate's events, kept while the log has nothing newer of it.

The user behind every request, the reference lists, the node template and the
stall policy are read on every request. Replaying them each time cost more than
the request's own work; checking each kept copy against the log cost one query
of the event store per value, four or five per command. Here a value is kept
with the version of the aggregate it was read at, and the log is asked once for
everything recorded since it was last asked (the notifications past the
position reached): a value whose aggregate has a newer event there is dropped.

Inside a `scope()` (one web request) the log is asked at most once; outside
one, on every use. Either way a change made by any process is seen by the next
request, and a process's own saves drop their aggregates' values at once.
Values are shared between threads: they must be treated as read-only.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from threading import Lock
from typing import Any
from uuid import UUID

from gxtrack.infra import event_log as log

MAXSIZE = 2000  # values kept, least recently stored out
REFRESH_LIMIT = 500  # notifications read per refresh; more and everything is dropped
RECENT = 4096  # changes remembered for values computed while a refresh ran


@dataclass
class Scope:
    """One request's view of the log: asked once, and what the request saved."""

    refreshed: bool = False
    recorded: int | None = None  # the newest position this request's saves took


_scope: ContextVar[Scope | None] = ContextVar("gxtrack_kept_scope", default=None)


@contextlib.contextmanager
def scope() -> Iterator[Scope]:
    """Ask the log at most once for what changed, for the duration of a request."""
    token = _scope.set(Scope())
    try:
        yield _scope.get()  # type: ignore[misc]
    finally:
        _scope.reset(token)


def recorded_in_scope() -> int | None:
    """The newest position this request's saves took (None: it saved nothing)."""
    current = _scope.get()
    return None if current is None else current.recorded


class KeptValues:
    """Values by key, each read from one aggregate at a known version."""

    def __init__(self, recorder: Any, maxsize: int = MAXSIZE) -> None:
        self._recorder = recorder
        self._changes = log.changes_reader(recorder)
        self._maxsize = maxsize
        self._lock = Lock()
        self._values: OrderedDict[Hashable, tuple[UUID, int, Any]] = OrderedDict()
        self._keys_of: dict[UUID, set[Hashable]] = {}
        self._seen = -1  # changes through this position are applied; -1: none yet
        # (position, aggregate, version) of changes applied lately, for a value
        # whose computation began before a refresh that saw its aggregate change.
        self._recent: deque[tuple[int, UUID, int]] = deque()
        # The same changes by aggregate: a value kept checks its own, not all of
        # them (a scan of the full window cost 3 ms per computed value).
        self._recent_of: dict[UUID, deque[tuple[int, int]]] = {}
        self._blind_through = 0  # changes through here may be missing from _recent

    def get(
        self, key: Hashable, aggregate_id: UUID, compute: Callable[[], tuple[int, Any]]
    ) -> Any:
        """The value kept for `key`, or `compute()`'s (version, value), kept."""
        self.refresh()
        with self._lock:
            found = self._values.get(key)
            start = self._seen
        if found is not None:
            return found[2]
        version, value = compute()
        self._keep(key, aggregate_id, version, value, start)
        return value

    def refresh(self) -> None:
        """Drop the values whose aggregates the log has newer events of."""
        current = _scope.get()
        if current is not None and current.refreshed:
            return
        with self._lock:
            seen = self._seen
        if seen < 0:
            self._forget_all(self._recorder.max_notification_id() or 0)
        else:
            changes = self._changes(seen + 1, REFRESH_LIMIT)
            if len(changes) >= REFRESH_LIMIT:  # a bulk change: start afresh
                self._forget_all(self._recorder.max_notification_id() or 0)
            elif changes:
                self._changed(changes)
                with self._lock:
                    self._seen = max(self._seen, changes[-1][0])
        if current is not None:
            current.refreshed = True

    def saved(self, recordings: list[Any]) -> None:
        """This process saved these events: drop their aggregates' values now."""
        if not recordings:
            return
        self._changed(
            [
                (
                    r.notification.id,
                    r.domain_event.originator_id,
                    r.domain_event.originator_version,
                )
                for r in recordings
            ]
        )
        current = _scope.get()
        if current is not None:
            newest = max(r.notification.id for r in recordings)
            current.recorded = max(current.recorded or 0, newest)

    def _changed(self, changes: list[tuple[int, UUID, int]]) -> None:
        with self._lock:
            for position, aggregate_id, version in changes:
                if len(self._recent) == RECENT:  # the oldest falls out of sight
                    self._forget_oldest()
                self._recent.append((position, aggregate_id, version))
                self._recent_of.setdefault(aggregate_id, deque()).append(
                    (position, version)
                )
                for key in list(self._keys_of.get(aggregate_id, ())):
                    if self._values[key][1] < version:
                        self._drop(key)

    def _forget_all(self, head: int) -> None:
        with self._lock:
            self._values.clear()
            self._keys_of.clear()
            self._recent.clear()
            self._recent_of.clear()
            self._seen = max(self._seen, head)
            self._blind_through = self._seen

    def _keep(
        self, key: Hashable, aggregate_id: UUID, version: int, value: Any, start: int
    ) -> None:
        with self._lock:
            if start < self._blind_through:
                return  # changes since `start` may have been missed: not sure
            if any(
                position > start and newer > version
                for position, newer in self._recent_of.get(aggregate_id, ())
            ):
                return  # a refresh meanwhile saw a newer event of it
            if key in self._values:
                self._drop(key)
            self._values[key] = (aggregate_id, version, value)
            self._keys_of.setdefault(aggregate_id, set()).add(key)
            while len(self._values) > self._maxsize:
                self._drop(next(iter(self._values)))

    def _forget_oldest(self) -> None:
        position, aggregate_id, _version = self._recent.popleft()
        self._blind_through = max(self._blind_through, position)
        own = self._recent_of[aggregate_id]
        own.popleft()  # an aggregate's changes arrive in the window's order
        if not own:
            del self._recent_of[aggregate_id]

    def _drop(self, key: Hashable) -> None:
        aggregate_id, _version, _value = self._values.pop(key)
        keys = self._keys_of[aggregate_id]
        keys.discard(key)
        if not keys:
            del self._keys_of[aggregate_id]
