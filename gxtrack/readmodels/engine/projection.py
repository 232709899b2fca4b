"""What a projection is: tables, and a handler per event type it cares about."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from gxtrack.infra.db import Cursor

Handler = Callable[[Cursor, Any], None]
UNIT = Decimal(10000)  # money is kept as whole 元 (1/10000 of a 万元) in SQL


def to_yuan(amount: Decimal | None) -> int | None:
    """万元 as an exact integer number of 元."""
    return None if amount is None else int(amount * UNIT)


def to_wan(yuan: int | None) -> str:
    """Whole 元 back to a 万元 string without needless zeros."""
    # Integer arithmetic: exact, and several times cheaper than Decimal
    # formatting for the thousands of amounts a page or report shows.
    amount = int(yuan or 0)
    sign = "-" if amount < 0 else ""
    whole, part = divmod(abs(amount), 10000)
    if not part:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{part:04d}".rstrip("0")


class Projection:
    """A read model: its DDL, the tables a rebuild drops, and its handlers.

    Handlers are methods named `on_<Aggregate>_<Event>`, e.g.
    `on_InvestmentProject_Signed`; events without a handler are skipped.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    ddl: ClassVar[tuple[str, ...]]
    # Event types (qualnames) of which only an aggregate's latest one in a batch
    # matters here: the engine does not decode or apply the earlier ones when
    # no other projection needs them (a week's progress notes, say).
    latest_only: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        for attr in dir(self):
            if attr.startswith("on_"):
                key = attr[3:].replace("_", ".", 1)
                self.handlers[key] = getattr(self, attr)

    def route(self, key: str) -> Handler | None:
        """The callable applying events of type `key` (a qualname), or None."""
        if type(self).apply is not Projection.apply:
            return self.apply  # an apply() of its own sees every event
        return self.handlers.get(key)

    def apply(self, cur: Cursor, event: Any) -> None:
        """Apply one domain event, if this projection cares about it."""
        handler = self.route(type(event).__qualname__)
        if handler is not None:
            handler(cur, event)

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Called with the batch's stored events before any is applied."""

    def finish_batch(self, cur: Cursor) -> None:
        """Write anything held back during the batch (before its commit)."""

    def create(self, cur: Cursor) -> None:
        """Create the tables and indexes (idempotent)."""
        for statement in self.ddl:
            cur.execute(statement)

    def drop(self, cur: Cursor) -> None:
        """Drop the tables so they can be rebuilt from zero."""
        for table in self.tables:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
