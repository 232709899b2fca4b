"""Where each event of a page goes: the handlers its type concerns, and the
events a later one of the same aggregate makes moot for a projection that
reads only an aggregate's latest (`Projection.latest_only`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.utils import resolve_topic

from gxtrack.readmodels.engine.projection import Handler, Projection

# How a batch treats one event type: its routes (position, handler), and those
# of them that take every event of the type, not only an aggregate's latest in
# the batch (the routes of projections that have the type `latest_only` are
# left out).
Route = tuple[int, Handler]
Plan = tuple[list[Route], list[Route]]


def plan(appliers: list[tuple[int, Projection]], topic: str) -> Plan:
    """The handlers an event type concerns. The type comes from the stored
    topic, so an event that no projection handles is never decoded."""
    key = resolve_topic(topic)
    routes: list[Route] = []
    every: list[Route] = []
    for position, projection in appliers:
        handler = projection.route(key)
        if handler is not None:
            routes.append((position, handler))
            if key not in projection.latest_only:
                every.append((position, handler))
    return routes, every


def superseded_in(notifications: Sequence[Any], plans: dict[str, Plan]) -> set[int]:
    """Indexes of events that a later event of the same type and aggregate in
    this batch makes moot for some projection reading them."""
    coalesced = {t for t, (routes, every) in plans.items() if len(every) < len(routes)}
    if not coalesced:
        return set()
    superseded: set[int] = set()
    seen: set[tuple[str, Any]] = set()
    for index in range(len(notifications) - 1, -1, -1):
        notification = notifications[index]
        topic = notification.topic
        if topic in coalesced:
            key = (topic, notification.originator_id)
            if key in seen:
                superseded.add(index)
            else:
                seen.add(key)
    return superseded
