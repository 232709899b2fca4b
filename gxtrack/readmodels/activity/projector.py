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


def kind_of(event: Any) -> str:
    """The kind of thing an event belongs to, from its aggregate's class."""
    owner = type(event).__qualname__.split(".")[0]
    return KINDS.get(owner, owner.lower())


def name_in(event: Any, kind: str) -> str | None:
    """The subject's name as this event gives it, or None when it does not."""
    if kind in FIXED_NAMES:
        return FIXED_NAMES[kind]
    changes = getattr(event, "changes", None)
    if isinstance(changes, dict) and isinstance(changes.get("name"), list | tuple):
        return str(changes["name"][-1])  # a revision: [before, after]
    for attribute in ("name",) if kind in NAMED else NAMING:
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
        self._positions: dict[tuple[str, int], int] = {}
        self._rows: list[tuple[Any, ...]] = []
        self._names: dict[str, tuple[str, str]] = {}

    def route(self, event_class: type) -> Handler | None:
        """Every event: whether it is a decision is known once it is decoded."""
        return self.record

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Note each stored event's position: the log's order is the log's."""
        self._positions = {
            (id_text(n.originator_id), n.originator_version): n.id
            for n in notifications
        }
        self._rows, self._names = [], {}

    def record(self, cur: Cursor, event: Any) -> None:
        """Keep a decision's row and, when the event names it, its subject."""
        subject = id_text(event.originator_id)
        kind = kind_of(event)
        name = name_in(event, kind)
        if name is not None:
            self._names[subject] = (kind, name)
        actor = getattr(event, "actor", None)
        if not actor:
            return  # set-up and bookkeeping, not somebody's decision
        stamp = event.timestamp
        reason = getattr(event, "reason", None) or getattr(event, "note", None)
        self._rows.append(
            (
                self._positions[(subject, event.originator_version)],
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
        )
        cur.executemany(
            "INSERT INTO rm_activity_days"
            " (day, kind, type, first_position, last_position, n)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, kind, type) DO UPDATE"
            # Positions only grow: a later batch keeps the first, moves the last.
            " SET last_position = excluded.last_position,"
            " n = rm_activity_days.n + excluded.n",
            days(self._rows),
        )
        cur.executemany(
            "INSERT INTO rm_activity_actor_days"
            " (actor, day, kind, type, first_position, last_position, n)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (actor, day, kind, type) DO UPDATE"
            " SET last_position = excluded.last_position,"
            " n = rm_activity_actor_days.n + excluded.n",
            days(self._rows, by_actor=True),
        )
        self._rows, self._names, self._positions = [], {}, {}


def days(rows: list[tuple[Any, ...]], by_actor: bool = False) -> list[tuple[Any, ...]]:
    """The batch's rows summed per (day, kind, type), or per (actor, day, kind,
    type), in position order."""
    found: dict[tuple[str, ...], list[int]] = {}
    for position, _at, day, actor, kind_type, kind, *_rest in rows:
        key = (actor, day, kind, kind_type) if by_actor else (day, kind, kind_type)
        entry = found.get(key)
        if entry is None:
            found[key] = [position, position, 1]
        else:
            entry[1], entry[2] = position, entry[2] + 1
    return [(*key, *entry) for key, entry in found.items()]
