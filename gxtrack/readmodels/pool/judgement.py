"""The stall judgement (domain.stall_judgement.judge_on) as SQL over the pool.

Lists, counts and orders need "stalled on D" for 100k rows at once, so the rule
is rewritten as a predicate on the stage date and planned dates: days in stage
≥ t is `stage_day <= D - t`, more than g days late is `planned < D - g`. The
cut-off dates are computed here from the policy's thresholds and written into
the SQL as date literals (digits and hyphens only: nothing a user typed). The
level and rule come out as CASE expressions; the domain function stays the
reference, and a test compares the two over every boundary.

The milestone-node rule (domain.milestones.node_verdict) is a term of its own:
a gate node is open while the stage is before the gate's, its planned date the
stage's planned date here; the other nodes live in the milestones read model,
whose SQL (through its queries, as read models meet only so) `stall_sql` hands
in (`open_nodes`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.clock import BUREAU_TZ
from domain.milestones import GATES, gate_dates
from domain.stages import FORWARD
from domain.stall import NEXT_STAGE, RED_FACTOR, StallTerms
from domain.stall_judgement import PolicyVersion, judge_on, terms_in_force
from gxtrack.infra.db import Cursor, Database
from gxtrack.readmodels.milestones.queries import earliest_open_sql, open_node_sql

POLICY_TABLE = "rm_pool_policy"
POLICY_DDL = (
    "CREATE TABLE IF NOT EXISTS rm_pool_policy ("
    " version INTEGER PRIMARY KEY, in_force_from TEXT NOT NULL,"
    " thresholds TEXT NOT NULL, overdue_days INTEGER NOT NULL)"
)


def record_policy(cur: Cursor, e: Any) -> None:
    """Keep a version of the stall policy (its event) with the day it takes force."""
    cur.execute(
        "INSERT INTO rm_pool_policy (version, in_force_from, thresholds,"
        " overdue_days) VALUES (?, ?, ?, ?)",
        (
            e.originator_version,
            e.timestamp.astimezone(BUREAU_TZ).date().isoformat(),
            json.dumps(dict(e.thresholds), sort_keys=True),
            e.overdue_days,
        ),
    )


def terms_on(db: Database, day: date) -> StallTerms:
    """The stall policy in force on `day`, as projected (the defaults before any)."""
    versions = [
        PolicyVersion(
            date.fromisoformat(row["in_force_from"]),
            StallTerms(
                json.loads(row["thresholds"]), row["overdue_days"], row["version"]
            ),
        )
        for row in db.fetchall("SELECT * FROM rm_pool_policy ORDER BY version")
    ]
    return terms_in_force(versions, day)


def _lit(day: date) -> str:
    return f"'{day.isoformat()}'"


def _before(day: date, days: int) -> date:
    return day - timedelta(days=days)


@dataclass(frozen=True)
class StallSql:
    """SQL for "stalled on `as_of`" over a source with a stage and its date.

    `stage` and `day` are the column expressions of the stage and its start
    (rm_projects' current ones, or the stage history's as of a date); planned
    dates and the exemption are the pool row's (alias p). `open_nodes(before)`
    is SQL for "a non-gate node open on as_of, planned before `before`".
    """

    terms: StallTerms
    as_of: date
    stage: str = "p.stage"
    day: str = "p.stage_date"
    open_nodes: Callable[[date], str] | None = None

    def _stages(self) -> list[tuple[str, int, str]]:
        found = []
        for code, threshold in sorted(self.terms.thresholds.items()):
            if not code.isalpha():  # the policy only knows stage codes
                raise ValueError(f"not a stage code: {code!r}")
            found.append((code, threshold, f"p.planned_{NEXT_STAGE[code]}"))
        return found

    def _any(self, condition: str) -> str:
        """OR over the stages of: in that stage AND `condition` (formatted)."""
        od = self.terms.overdue_days
        parts = []
        for code, t, planned in self._stages():
            cond = condition.format(
                day=self.day,
                planned=planned,
                y=_lit(_before(self.as_of, t)),
                r=_lit(_before(self.as_of, 2 * t)),
                oy=_lit(_before(self.as_of, od)),
                orr=_lit(_before(self.as_of, 2 * od)),
            )
            parts.append(f"({self.stage} = '{code}' AND ({cond}))")
        return "(" + (" OR ".join(parts) or "1 = 0") + ")"

    def node_late(self, before: date) -> str:
        """A node open on `as_of` and planned before `before` (withdrawn: none).

        A gate is open while the stage ranks below the gate's stage.
        """
        b = _lit(before)
        parts = []
        for gate in GATES.values():
            earlier = ", ".join(f"'{s.value}'" for s in FORWARD if s.rank < gate.rank)
            planned = f"p.planned_{gate.value}"
            parts.append(
                f"({self.stage} IN ({earlier}) AND {planned} IS NOT NULL"
                f" AND {planned} < {b})"
            )
        if self.open_nodes is not None:
            parts.append(self.open_nodes(before))
        return f"({self.stage} <> 'withdrawn' AND ({' OR '.join(parts)}))"

    @property
    def stalled(self) -> str:
        """True for a project stalled (and not exempted) on `as_of`.

        A missing planned date never makes the predicate NULL, so NOT works.
        """
        d = _lit(self.as_of)
        late = "{day} <= {y} OR ({planned} IS NOT NULL AND {planned} < {oy})"
        return (
            f"({self.day} <= {d}"
            f" AND (p.exempt_until IS NULL OR p.exempt_until < {d})"
            f" AND ({self._any(late)} OR {self.node_late(self.as_of)}))"
        )

    @property
    def possible(self) -> str:
        """True for every project `stalled` may hold (and more): a stage with
        a threshold or before a gate, or a node open and late. Unlike
        `stalled`, indexes answer it (the stage, the id) without reading rows.
        """
        stages = {code for code, _t, _planned in self._stages()} | {
            s.value for gate in GATES.values() for s in FORWARD if s.rank < gate.rank
        }
        listed = ", ".join(f"'{code}'" for code in sorted(stages))
        parts = [f"{self.stage} IN ({listed})"]
        if self.open_nodes is not None:
            parts.append(
                f"({self.stage} <> 'withdrawn' AND {self.open_nodes(self.as_of)})"
            )
        return f"({' OR '.join(parts)})"

    @property
    def red(self) -> str:
        """True for a stalled project at the red level (with `stalled`)."""
        node_red = _before(self.as_of, RED_FACTOR * self.terms.overdue_days)
        stage_red = self._any(
            "{day} <= {r} OR ({planned} IS NOT NULL AND {planned} < {orr})"
        )
        return f"({stage_red} OR {self.node_late(node_red)})"

    @property
    def level(self) -> str:
        """'red', 'yellow', or NULL when not stalled."""
        return (
            f"CASE WHEN {self.stalled} THEN"
            f" CASE WHEN {self.red} THEN 'red' ELSE 'yellow' END END"
        )

    @property
    def worst_first(self) -> str:
        """ORDER BY terms: red first, then the longest in stage."""
        return f"CASE WHEN {self.red} THEN 0 ELSE 1 END, {self.day}"


def stall_sql(
    terms: StallTerms, as_of: date, stage: str = "p.stage", day: str = "p.stage_date"
) -> StallSql:
    """The day's judgement as SQL, the node rule's other nodes read from the
    milestones read model (through its queries)."""

    def open_nodes(before: date) -> str:
        return open_node_sql("p.id", as_of, before)

    return StallSql(terms, as_of, stage, day, open_nodes)


def node_late_on(as_of: date) -> str:
    """SQL for a row's most overdue non-gate node's planned date on `as_of`."""
    return earliest_open_sql("p.id", as_of)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# The planned dates a row holds: (the plan's key, the row's column).
_PLANNED = tuple((k, f"planned_{k}") for k in ("signed", "landed", "producing"))


def judged(
    row: dict[str, Any], terms: StallTerms, as_of: date
) -> dict[str, Any] | None:
    """The domain's verdict for a pool row (stage_code, stage_day, planned_*,
    exempt_until, node_late_on: its most overdue other node's planned date), as
    a view's `stall`, or None."""
    # Runs for every row of every page and export: the verdict's dict is
    # extended in place, not copied into a new one.
    get = row.get
    planned = {key: _day(get(column)) for key, column in _PLANNED}
    nodes = gate_dates(row["stage_code"], planned)
    late = get("node_late_on")
    if late:
        nodes.append((date.fromisoformat(late), None))
    verdict = judge_on(
        row["stage_code"],
        date.fromisoformat(row["stage_day"]),
        planned,
        as_of,
        terms,
        _day(get("exempt_until")),
        nodes,
    )
    if verdict is None:
        return None
    found = verdict.as_dict()
    found["policy_version"] = terms.version
    found["as_of"] = as_of.isoformat()
    found["since"] = get("stall_since")
    return found
