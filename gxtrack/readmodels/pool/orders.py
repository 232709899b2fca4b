"""The pool's orders: what each sort of the list sorts by, for pages and exports.

A page and an export of the same filter and sort hold the same projects in the
same order because both take their ORDER BY from here. Sorted by stall days,
that is the day's judgement (the projects stalled on the day asked, the longest
in their stage first, then the rest), not the days the last weekly scan
recorded: an export sorted so used to disagree with the page it came from.

That order's page is read stalled part first (`stalled_first`): sorting every
project by its judgement judged all 100k and sorted them (0.1–0.7 s, deep
pages the most); the projects that may be stalled at all, read from an index
that holds what the judgement reads, are a quarter of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.errors import RuleViolationError
from gxtrack.infra.db import Cursor
from gxtrack.readmodels.pool.judgement import StallSql

# Each sort and the project row's column it sorts by; None for those of the
# stage (then), its date and the stall (pool_order).
SORTS: dict[str, str | None] = {
    "name": "p.name",
    "investment": "p.investment",
    "stage": None,
    "stage_date": None,
    "updated": "p.updated_at",
    "created": "p.created_at",
    "zone": "p.zone",
    "industry": "p.industry",
    "officer": "p.officer",
    "stall_days": None,
}
# The orders by the project row's own columns.
PROJECT_SORTS = frozenset(k for k, column in SORTS.items() if column)
# Indexes made in place like the pool's other entry indexes (they change no
# row). Sorted by name or investment, a page walks its index and stops at the
# page's end: sorting every project for it took 0.07–0.2 s at 100k projects,
# as of a date too (as_of_page reads the first projects in the list's order).
# The last holds what the stall judgement reads of a project, led by the stage
# (StallSql.possible): the stalled ones are counted and sorted from it alone.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS rm_projects_by_name ON rm_projects (name, id)",
    "CREATE INDEX IF NOT EXISTS rm_projects_by_investment"
    " ON rm_projects (investment, id)",
    "CREATE INDEX IF NOT EXISTS rm_projects_stall_terms ON rm_projects"
    " (stage, stage_date, exempt_until, planned_signed, planned_landed,"
    " planned_producing, id)",
)


@dataclass(frozen=True)
class Order:
    """One sort of the list as SQL: its term and direction, the id breaking ties
    (so consecutive pages never overlap or skip a project)."""

    key: str
    term: str
    direction: str
    nulls: str = ""

    def by(self, term: str = "", tie: str = "p.id") -> str:
        """' ORDER BY …' (`term`, `tie`: the same order over a subquery's names)."""
        d = self.direction
        return f" ORDER BY {term or self.term} {d}{self.nulls}, {tie} {d}"

    def narrow(self, stage: str, day: str) -> tuple[str, str]:
        """The table an as-of list in this order may be narrowed on ("p" the
        projects, "h" the intervals, "" neither) and the order over it alone
        (as_of_page.page_rows); `stage`, `day`: the interval's columns."""
        if self.key in PROJECT_SORTS:
            return "p", self.by()
        if self.key in ("stage", "stage_date"):  # the interval's, its id last
            column = stage if self.key == "stage" else day
            return "h", self.by(column, "h.project_id")
        return "", ""


def pool_order(sort: str, stall: StallSql) -> Order:
    """The order `sort` ("name", "-investment" …) names, over a source whose
    stage and its date are `stall`'s, judged as `stall` judges."""
    key = sort.lstrip("-")
    if key not in SORTS:
        raise RuleViolationError(f"不支持的排序字段: {sort}", "sort")
    descending = sort.startswith("-")
    if key == "stall_days":
        # The most days in stage is the earliest stage date; the projects not
        # stalled on the day have none and come last either way (SQLite and
        # PostgreSQL place NULLs differently by default: say it).
        term = f"CASE WHEN {stall.stalled} THEN {stall.day} END"
        return Order(key, term, "ASC" if descending else "DESC", " NULLS LAST")
    term = SORTS[key] or (stall.stage if key == "stage" else stall.day)
    return Order(key, term, "DESC" if descending else "ASC")


def stalled_first(
    cur: Cursor,
    select: str,
    source: tuple[str, list[Any]],
    order: Order,
    stall: StallSql,
    window: tuple[int, int],
) -> list[tuple[Any, ...]]:
    """The rows of `select` for one page (`window`: offset, size) of today's
    pool sorted by stall days (`order`): the projects `source` (" FROM
    rm_projects p …" and its parameters) holds that are stalled, chosen and
    sorted by their keys alone and then read whole, then the rest by id."""
    clause, params = source
    joiner = " AND " if " WHERE " in clause else " WHERE "
    stalled = f"{stall.possible} AND {stall.stalled}"
    offset, size = window
    count = int(cur.tuples(f"SELECT COUNT(*){clause}{joiner}{stalled}", params)[0][0])
    rows: list[tuple[Any, ...]] = []
    if offset < count:
        # The rows read by their storage key where there is one (an export's
        # thousands: looking each up by id as well was a third of its query).
        key = f"p.{cur.db.row_key or 'id'}"
        keys = (
            f"SELECT {key} AS k, p.id AS i, {stall.day} AS d{clause}{joiner}"
            f"{stalled}{order.by('d', 'i')} LIMIT ? OFFSET ?"
        )
        rows = cur.tuples(
            f"{select} FROM ({keys}) c CROSS JOIN rm_projects p WHERE {key} = c.k"
            + order.by("c.d", "c.i"),
            [*params, size, offset],
        )
    if offset + size > count:
        rows += cur.tuples(
            f"{select}{clause}{joiner}NOT ({stalled})"
            f" ORDER BY p.id {order.direction} LIMIT ? OFFSET ?",
            [*params, size - len(rows), max(offset - count, 0)],
        )
    return rows
