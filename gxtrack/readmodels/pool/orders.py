"""The pool's orders: what each sort of the list sorts by, for pages and exports.

A page and an export of the same filter and sort hold the same projects in the
same order because both take their ORDER BY from here. Sorted by stall days,
that is the day's judgement (the projects stalled on the day asked, the longest
in their stage first, then the rest), not the days the last weekly scan
recorded: an export sorted so used to disagree with the page it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import RuleViolationError
from gxtrack.readmodels.pool.judgement import StallSql

SORTS = {
    "name": "p.name",
    "investment": "p.investment",
    "stage": "stage_code",
    "stage_date": "stage_day",
    "updated": "p.updated_at",
    "created": "p.created_at",
    "zone": "p.zone",
    "industry": "p.industry",
    "officer": "p.officer",
    "stall_days": "p.stall_days",
}
# The orders by the project row's own columns (not the stage then, nor the stall).
PROJECT_SORTS = frozenset(
    k for k, column in SORTS.items() if column.startswith("p.") and k != "stall_days"
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
    term = {"stage_code": stall.stage, "stage_day": stall.day}.get(
        SORTS[key], SORTS[key]
    )
    return Order(key, term, "DESC" if descending else "ASC")
