"""rm_activity: one row per decision (an event carrying an actor), for auditors.

Every aggregate's events are read, so decisions of aggregates added later
(supervision, milestones, …) appear without a change here: an event is a
decision when it names its `actor`. What it concerns is kept once per aggregate
in rm_activity_subjects (its kind and latest name) and joined when a page is
read, so a renamed project shows its current name on its old decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.clock import BUREAU_TZ
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Handler, Projection

# Aggregate class → the kind the API and the filters speak of.
KINDS = {
    "InvestmentProject": "project",
    "Enterprise": "enterprise",
    "User": "user",
    "StallPolicy": "policy",
    "ReferenceData": "reference",
    "YearlyTargets": "targets",
    "StallScan": "scan",
    "SupervisionNumbers": "numbers",
}
# Where an aggregate without a `name` keeps what people call it, in order.
NAMING = ("name", "number", "title", "week", "year")
# Kinds named by their `name` alone: a project's 督办 number or scan week is
# not what the project is called.
NAMED = {"project", "enterprise"}
FIXED_NAMES = {"policy": "停滞预警规则", "reference": "产业类别与落户板块"}
SPELLED = {"targets": "{}年度目标", "scan": "{} 停滞扫描", "numbers": "{}年督办编号"}
COLUMNS = ("position", "recorded_at", "day", "actor", "type", "kind", "subject_id")


# What an event class says of its subject: its kind, its fixed name (or None),
# and where a name may be found (a revision's `changes`, then attributes).
Described = tuple[str, str | None, str | None, tuple[str, ...]]
_DESCRIBED: dict[type, Described] = {}


def described(cls: type) -> Described:
    """How events of this class name their subject, worked out once per class:
    a replay asks for every event."""
    found = _DESCRIBED.get(cls)
    if found is None:
        owner = cls.__qualname__.split(".")[0]
        kind = KINDS.get(owner, owner.lower())
        # A dataclass event has its fields and its class's attributes, no other.
        fields = getattr(cls, "__dataclass_fields__", None)

        def may_have(attribute: str) -> bool:
            return fields is None or attribute in fields or hasattr(cls, attribute)

        found = _DESCRIBED[cls] = (
            kind,
            FIXED_NAMES.get(kind),
            "changes" if may_have("changes") else None,
            tuple(a for a in (("name",) if kind in NAMED else NAMING) if may_have(a)),
        )
    return found


def name_in(event: Any, how: Described) -> str | None:
    """The subject's name as this event gives it, or None when it does not."""
    kind, fixed, changes, attributes = how
    if fixed is not None:
        return fixed
    found = getattr(event, changes, None) if changes else None
    if isinstance(found, dict) and isinstance(found.get("name"), list | tuple):
        return str(found["name"][-1])  # a revision: [before, after]
    for attribute in attributes:
        value = getattr(event, attribute, None)
        if isinstance(value, str | int) and not isinstance(value, bool) and value:
            return SPELLED.get(kind, "{}").format(value)
    return None


class ActivityProjection(Projection):
    """rm_activity and rm_activity_subjects."""

    name = "activity"
    tables = (
        "rm_activity",
        "rm_activity_subjects",
        "rm_activity_days",
        "rm_activity_actor_days",
    )
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_activity ("
        " position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL,"
        " day TEXT NOT NULL, actor TEXT NOT NULL, type TEXT NOT NULL,"
        " kind TEXT NOT NULL, subject_id TEXT NOT NULL, reason TEXT)",
        # Each filter walks its own index newest first; a date range becomes
        # a position range through rm_activity_days (see queries.py), so every
        # filter combines with it on the same index.
        "CREATE INDEX IF NOT EXISTS rm_activity_actor ON rm_activity (actor, position)",
        "CREATE INDEX IF NOT EXISTS rm_activity_actor_type"
        " ON rm_activity (actor, type, position)",
        "CREATE INDEX IF NOT EXISTS rm_activity_type ON rm_activity (type, position)",
        "CREATE INDEX IF NOT EXISTS rm_activity_kind ON rm_activity (kind, position)",
        "CREATE INDEX IF NOT EXISTS rm_activity_day ON rm_activity (day, position)",
        "CREATE TABLE IF NOT EXISTS rm_activity_subjects ("
        " id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL)",
        # Per business day, kind and type: the first and last position and the
        # count. Totals without a person filter are sums of a few thousand
        # rows here instead of counts of up to every decision.
        "CREATE TABLE IF NOT EXISTS rm_activity_days ("
        " day TEXT NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL,"
        " first_position BIGINT NOT NULL, last_position BIGINT NOT NULL,"
        " n BIGINT NOT NULL, PRIMARY KEY (day, kind, type))",
        # The same per person, for filters naming one: a person's total was a
        # count of their rows, which grows with the log (a second for one busy
        # account at a million decisions); here it is a sum over their days.
        "CREATE TABLE IF NOT EXISTS rm_activity_actor_days ("
        " actor TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL,"
        " type TEXT NOT NULL, first_position BIGINT NOT NULL,"
        " last_position BIGINT NOT NULL, n BIGINT NOT NULL,"
        " PRIMARY KEY (actor, day, kind, type))",
    )

    def __init__(self) -> None:
        super().__init__()
        self._stored: Sequence[Any] = ()
        self._next = 0
        self._rows: list[tuple[Any, ...]] = []
        self._names: dict[str, tuple[str, str]] = {}

    def route(self, event_class: type) -> Handler | None:
        """Every event: whether it is a decision is known once it is decoded."""
        return self.record

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Note the stored events: their positions are the log's order."""
        self._stored, self._next = notifications, 0
        self._rows, self._names = [], {}

    def _position(self, event: Any) -> int:
        """The stored position of `event`, one of the batch's events.

        Events come in the log's order, so each is found at or just after the
        one before: a scan, where a map of the batch's ids to positions cost
        about a twentieth of this read model's time.
        """
        stored, index = self._stored, self._next
        version, originator = event.originator_version, event.originator_id
        while True:
            found = stored[index]
            index += 1
            # The decoded event mostly holds the stored event's own id object.
            if found.originator_version == version and (
                found.originator_id is originator or found.originator_id == originator
            ):
                self._next = index
                return found.id

    def record(self, cur: Cursor, event: Any) -> None:
        """Keep a decision's row and, when the event names it, its subject."""
        subject = id_text(event.originator_id)
        how = described(type(event))
        kind = how[0]
        name = name_in(event, how)
        if name is not None:
            self._names[subject] = (kind, name)
        actor = getattr(event, "actor", None)
        if not actor:
            return  # set-up and bookkeeping, not somebody's decision
        stamp = event.timestamp
        reason = getattr(event, "reason", None) or getattr(event, "note", None)
        self._rows.append(
            (
                self._position(event),
                stamp.isoformat(),
                stamp.astimezone(BUREAU_TZ).date().isoformat(),
                str(actor),
                type(event).__name__,
                kind,
                subject,
                str(reason) if reason else None,
            )
        )

    def finish_batch(self, cur: Cursor) -> None:
        """Write the batch's decisions and the names they concern."""
        per_day, per_actor_day = days(self._rows)
        cur.executemany(
            f"INSERT INTO rm_activity ({', '.join(COLUMNS)}, reason)"
            f" VALUES ({', '.join('?' for _ in COLUMNS)}, ?)",
            self._rows,
        )
        cur.executemany(
            "INSERT INTO rm_activity_subjects (id, kind, name) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind,"
            " name = excluded.name",
            [(key, kind, name) for key, (kind, name) in self._names.items()],
            distinct=True,  # one row per subject
        )
        cur.executemany(
            "INSERT INTO rm_activity_days"
            " (day, kind, type, first_position, last_position, n)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, kind, type) DO UPDATE"
            # Positions only grow: a later batch keeps the first, moves the last.
            " SET last_position = excluded.last_position,"
            " n = rm_activity_days.n + excluded.n",
            per_day,
            distinct=True,  # summed per (day, kind, type)
        )
        cur.executemany(
            "INSERT INTO rm_activity_actor_days"
            " (actor, day, kind, type, first_position, last_position, n)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (actor, day, kind, type) DO UPDATE"
            " SET last_position = excluded.last_position,"
            " n = rm_activity_actor_days.n + excluded.n",
            per_actor_day,
            distinct=True,  # summed per (actor, day, kind, type)
        )
        self._rows, self._names, self._stored = [], {}, ()


def days(
    rows: list[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The batch's rows summed per (day, kind, type) and per (actor, day, kind,
    type), each in position order."""
    # One pass over the rows, per person; the sums per day are the people's
    # summed again (a handful of entries), not a second pass.
    by_actor: dict[tuple[str, ...], list[int]] = {}
    for row in rows:
        position = row[0]
        key = (row[3], row[2], row[5], row[4])
        entry = by_actor.get(key)
        if entry is None:
            by_actor[key] = [position, position, 1]
        else:
            entry[1] = position
            entry[2] += 1
    by_day: dict[tuple[str, ...], list[int]] = {}
    for (_actor, *key), (first, last, n) in by_actor.items():
        entry = by_day.get(tuple(key))
        if entry is None:
            by_day[tuple(key)] = [first, last, n]
        else:
            entry[0], entry[1] = min(entry[0], first), max(entry[1], last)
            entry[2] += n
    return (
        [(*key, *entry) for key, entry in by_day.items()],
        [(*key, *entry) for key, entry in by_actor.items()],
    )
