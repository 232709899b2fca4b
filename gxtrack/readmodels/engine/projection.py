"""What a projection is: tables, and a handler bound to each event class it reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from eventsourcing.domain import DomainEvent

from gxtrack.infra.db import Cursor

Handler = Callable[[Cursor, Any], None]
Method = TypeVar("Method", bound=Callable[..., Any])
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


class HandlerError(TypeError):
    """A projection's handlers are not bound as they should be."""


def handles(*events: type) -> Callable[[Method], Method]:
    """Bind a projection's method to these domain event classes.

    Binding by class, not by method name: a misspelt event is an
    AttributeError when the module is imported, and `Projection()` refuses
    anything that is not a domain event class.
    """

    def bind(method: Method) -> Method:
        method.__handles__ = (*getattr(method, "__handles__", ()), *events)  # type: ignore[attr-defined]
        return method

    return bind


class Projection:
    """A read model: its DDL, the tables a rebuild drops, and its handlers.

    Handlers are methods decorated with `@handles(InvestmentProject.Signed)`;
    events without a handler are skipped. The bindings are checked when the
    projection is made, so a wrong one fails at start-up.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    ddl: ClassVar[tuple[str, ...]]
    # Event types (qualnames) of which only an aggregate's latest one in a batch
    # matters here: the engine does not apply the earlier ones here, nor decode
    # them when no other projection needs them (a week's progress notes, say).
    latest_only: ClassVar[frozenset[type]] = frozenset()

    def __init__(self) -> None:
        self.handlers: dict[type, Handler] = bound_handlers(self)

    def route(self, event_class: type) -> Handler | None:
        """The callable applying events of this class, or None."""
        if type(self).apply is not Projection.apply:
            return self.apply  # an apply() of its own sees every event
        return self.handlers.get(event_class)

    def apply(self, cur: Cursor, event: Any) -> None:
        """Apply one domain event, if this projection cares about it."""
        handler = self.route(type(event))
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


def bound_handlers(projection: Projection) -> dict[type, Handler]:
    """The projection's handlers by event class; raises HandlerError when a
    binding is not to a domain event class, binds one class twice, a method
    named like a handler (`on_…`) is bound to nothing, or a `latest_only`
    class has no handler."""
    owner = type(projection).__name__
    handlers: dict[type, Handler] = {}
    for attr in dir(type(projection)):
        events = getattr(getattr(type(projection), attr), "__handles__", None)
        if events is None:
            if attr.startswith("on_"):
                raise HandlerError(f"{owner}.{attr} is bound to no event: @handles")
            continue
        if not events:
            raise HandlerError(f"{owner}.{attr}: @handles() names no event")
        for event_class in events:
            if not (
                isinstance(event_class, type) and issubclass(event_class, DomainEvent)
            ):
                raise HandlerError(f"{owner}.{attr}: not an event: {event_class!r}")
            if event_class in handlers:
                raise HandlerError(
                    f"{owner}: two handlers for {event_class.__qualname__}"
                )
            handlers[event_class] = getattr(projection, attr)
    for event_class in projection.latest_only:
        if event_class not in handlers:
            raise HandlerError(f"{owner}: latest_only {event_class!r} has no handler")
    return handlers
