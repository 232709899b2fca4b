"""The project pool: lists and summaries now or as of a date, and exports.

Lists are filtered, sorted and paged. This module is also the pool's face to
the other read models and use cases: the stall reads (stalls.py) and the
single reads (lookups.py) are named here too, so they meet the pool through
its queries only.

"As of D" is the pool at the end of business date D: each project's stage is the
stage-history interval containing D, so projects registered after D are absent
and projects that moved later show the stage they were in then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain.clock import today
from domain.errors import RuleViolationError
from domain.stall import StallTerms
from gxtrack.infra.db import Cursor, Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.pool import as_of_page, stage_months, text_search
from gxtrack.readmodels.pool.as_of_page import JOIN, Condition
from gxtrack.readmodels.pool.items import LIST_COLUMNS, STAGE_ORDER, item
from gxtrack.readmodels.pool.judgement import judged, node_late_on, stall_sql, terms_on
from gxtrack.readmodels.pool.lookups import (
    LOOKUP_CHUNK,
    enterprise_projects,
    merge_candidates,
    new_in_period,
    officer_project_ids,
    pool_facts_of,
    project_groups,
    project_keys,
    project_labels,
    projects_named,
    projects_named_applied,
    stage_rows,
)
from gxtrack.readmodels.pool.orders import SORTS, pool_order, stalled_first
from gxtrack.readmodels.pool.stalls import (
    exemptions,
    longest_stalled,
    scan_candidates,
    stage_then,
    stall_spans,
    stalled_count,
    stalled_projects,
    stalled_zones,
)

__all__ = [  # what the other read models and the use cases read the pool by
    "LOOKUP_CHUNK",
    "MAX_PAGE_SIZE",
    "SORTS",
    "PoolFilter",
    "enterprise_projects",
    "exemptions",
    "list_projects",
    "longest_stalled",
    "merge_candidates",
    "new_in_period",
    "officer_project_ids",
    "pool_facts_of",
    "project_groups",
    "project_keys",
    "project_labels",
    "projects_named",
    "projects_named_applied",
    "scan_candidates",
    "stage_rows",
    "stall_spans",
    "stalled_count",
    "stalled_projects",
    "stalled_zones",
    "summary",
    "terms_on",
]

MAX_PAGE_SIZE = 200


@dataclass
class PoolFilter:
    """What the pool list and summary are narrowed by."""

    stage: str | None = None
    industry: str | None = None
    zone: str | None = None
    officer: str | None = None
    stalled: bool | None = None
    q: str | None = None
    as_of: date | None = None
    enterprise_id: str | None = None
    ids: list[str] = field(default_factory=list)
    tier: str | None = None  # the investing enterprise's tier on as_of/today
    overdue_node: bool | None = None  # a milestone node overdue on as_of/today


@dataclass
class _Source:
    """FROM … WHERE for a filter, and the columns to read stage and sums from.

    `reads` parts the WHERE by what each condition reads (SQL and its
    parameters each): "p" the project row alone, "h" the stage interval
    alone, "" both. An as-of page (as_of_page.py) narrows the projects or the
    intervals by their own conditions before it joins them.
    """

    clause: str
    params: list[Any]
    stage: str
    day: str
    industry: str
    zone: str
    investment: str
    reads: dict[str, Condition] = field(default_factory=dict)


def _project_filters(f: PoolFilter) -> bool:
    """Whether the filter reads columns only rm_projects has."""
    return bool(
        f.officer
        or f.enterprise_id
        or f.stalled is not None
        or f.q
        or f.ids
        or f.tier
        or f.overdue_node is not None
    )


def _from_clause(
    db: Database,
    f: PoolFilter,
    rows: bool = False,
    terms: StallTerms | None = None,
) -> _Source:
    """The source of a list (`rows`: project rows are read) or a summary.

    As of a date, the stage interval containing it gives the stage; the
    history rows carry industry, zone and investment too, so a summary as of
    a date reads the history index alone and joins the pool only when a
    filter or the listed rows need it.
    """
    # Each condition with its parameters and what it reads: "p" the project
    # row alone, "h" the interval alone, "" both (as_of_page.py tells them apart).
    where: list[tuple[str, list[Any], str]] = []
    p_filters = _project_filters(f)
    judged_then = f.as_of is not None and f.stalled is not None
    if judged_then:
        # A full pass either way (the count): the stalled rows of each part.
        assert f.as_of is not None
        sql = stall_sql(terms or StallTerms(), f.as_of, "", "")

        def keep(stage: str, day: str) -> str:
            judged = replace(sql, stage=stage, day=day).stalled
            return judged if f.stalled else f"NOT {judged}"

        source = stage_then(f.as_of, "p.*", keep)
        cols = ("p.at_stage", "p.at_day", "p.industry", "p.zone", "p.investment")
    elif f.as_of is not None:
        day = f.as_of.isoformat()
        where.append(
            (
                "h.entered_on <= ? AND (h.left_on IS NULL OR h.left_on > ?)",
                [day, day],
                "h",
            )
        )
        source = "rm_stage_history h"
        if rows:
            # Projects first, in the list's order (an index), each one's
            # intervals looked up by key: a page of 50 reads about 50 projects
            # instead of joining and sorting every interval holding the date.
            source = "rm_projects p CROSS JOIN rm_stage_history h"
            where.append((as_of_page.JOIN, [], ""))
        elif p_filters:
            source += " JOIN rm_projects p ON p.id = h.project_id"
        cols = ("h.stage", "h.entered_on", "h.industry", "h.zone", "h.investment")
    else:
        source = "rm_projects p"
        cols = ("p.stage", "p.stage_date", "p.industry", "p.zone", "p.investment")
    found = _Source("", [], *cols)
    for value, column in (
        (f.stage, found.stage),
        (f.industry, found.industry),
        (f.zone, found.zone),
        (f.officer, "p.officer"),
        (f.enterprise_id, "p.enterprise_id"),
    ):
        if value:
            where.append((f"{column} = ?", [value], column[0]))
    if f.stalled is not None and not judged_then:
        # The day's judgement (not the last scan's record), as SQL.
        stalled = stall_sql(terms or StallTerms(), f.as_of or today(), *cols[:2])
        where.append(
            (stalled.stalled if f.stalled else f"NOT {stalled.stalled}", [], "")
        )
    text = (f.q or "").strip().lower()
    if text:
        sql, args = text_search.condition(db, text)
        where.append((sql, args, "p"))
    if f.ids:
        where.append((f"p.id IN ({', '.join('?' for _ in f.ids)})", f.ids, "p"))
    if f.tier:
        from gxtrack.readmodels.enterprises.queries import tier_condition

        sql, args = tier_condition(f.tier, "p.enterprise_id", f.as_of or today())
        where.append((sql, args, "p"))
    if f.overdue_node is not None:
        sql = _overdue_node(f.as_of or today(), found.stage)
        where.append((sql if f.overdue_node else f"NOT ({sql})", [], ""))
    found.clause = f" FROM {source}"
    found.reads = {
        reads: _joined([w for w in where if w[2] == reads]) for reads in ("p", "h", "")
    }
    if where:
        found.clause += " WHERE " + " AND ".join(sql for sql, _args, _own in where)
    found.params = [arg for _sql, args, _own in where for arg in args]
    return found


def _joined(where: list[tuple[str, list[Any], str]]) -> Condition:
    """Conditions ANDed, with their parameters in order ("" for none)."""
    return (
        " AND ".join(sql for sql, _args, _own in where),
        [arg for _sql, args, _own in where for arg in args],
    )


def _overdue_node(day: date, stage: str) -> str:
    """A node overdue on `day` (the stage then, a gate's plan and the other
    nodes' dates as they stand now, as the stall judgement reads them): the
    node rule's own term, so the filter and the judgement cannot disagree."""
    return stall_sql(StallTerms(), day, stage, "").node_late(day)


def list_projects(
    db: Database,
    f: PoolFilter,
    sort: str = "-updated",
    page: int = 1,
    page_size: int = 50,
    terms_for: Callable[[date], StallTerms] | None = None,
) -> dict[str, Any]:
    """One page of the pool and the total number of matching projects.

    `terms_for` gives the stall policy in force on a day when the caller
    holds it already (the application keeps it from the log); otherwise it
    is read from the pool's copy of the policy.
    """
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise RuleViolationError(f"每页条数须在 1–{MAX_PAGE_SIZE} 之间", "page_size")
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    day = f.as_of or today()
    terms = terms_for(day) if terms_for is not None else terms_on(db, day)
    src = _from_clause(db, f, rows=True, terms=terms)
    stall = stall_sql(terms, day, src.stage, src.day)
    order = pool_order(sort, stall)
    select = (
        f"SELECT {LIST_COLUMNS}, {src.stage} AS stage_code, {src.day} AS stage_day,"
        f" {node_late_on(day)} AS node_late_on"
    )
    by = order.by()
    window = ((page - 1) * page_size, page_size)
    if f.as_of is not None and f.stalled is None:
        with db.transaction(write=False) as cur:  # one snapshot: total and page agree
            total = _count(cur, f, src)
            narrow = order.narrow(src.stage, src.day)
            rows = as_of_page.page_rows(
                cur, select, src.reads, by, narrow, window, total
            )
    elif order.key == "stall_days" and f.as_of is None:
        with db.transaction(write=False) as cur:
            total = _count(cur, f, src)
            source = (src.clause, src.params)
            rows = stalled_first(cur, select, source, order, stall, window)
    else:
        rows, total = _page_and_total(db, select, src, by, window)
    items = [item(r[:-1]) for r in rows]
    for found, row in zip(items, rows, strict=True):
        found["stall"] = judged(_facts(found, row[-1]), terms, day)
    return {"items": items, "total": total}


def _page_and_total(
    db: Database, select: str, src: _Source, by: str, window: tuple[int, int]
) -> tuple[list[tuple[Any, ...]], int]:
    """A page of rows and the number of all matching ones, in one statement.

    The count rides along as an uncorrelated subquery (computed once): one
    statement is one snapshot, so total and page agree without a
    transaction, and on PostgreSQL a list costs one round trip, not four
    (BEGIN, count, page, COMMIT). A page past the end has no row to carry
    the count; only then is it asked for alone.
    """
    offset, limit = window
    rows = db.tuples(
        f"{select}, (SELECT COUNT(*){src.clause}) AS matching"
        f"{src.clause}{by} LIMIT ? OFFSET ?",
        [*src.params, *src.params, limit, offset],
    )
    if rows:
        return [r[:-1] for r in rows], int(rows[0][-1])
    if not offset:
        return [], 0
    return [], int(db.tuples("SELECT COUNT(*)" + src.clause, src.params)[0][0] or 0)


def _count(cur: Cursor, f: PoolFilter, src: _Source) -> int:
    """How many projects match: as of a date, from the monthly sums in
    milliseconds (counting the joined intervals read every project, a
    second), less the projects a condition on the project row leaves out
    when they are few (as_of_page.complement)."""
    if f.as_of is not None and f.stalled is None and src.reads[""][0] in ("", JOIN):
        left_out = as_of_page.complement(cur, src.reads)
        if left_out is not None:
            day = f.as_of.isoformat()
            count = stage_months.count_as_of(day, f.stage, f.industry, f.zone)
            return int(cur.tuples(*count)[0][0] or 0) - left_out
    return int(cur.tuples("SELECT COUNT(*)" + src.clause, src.params)[0][0] or 0)


def _facts(found: dict[str, Any], node_late_on: str | None) -> dict[str, Any]:
    """A list item (and its most overdue other node) as the row the judgement reads."""
    planned = found["planned_dates"]
    return {
        "stage_code": found["stage"],
        "stage_day": found["stage_date"],
        **{f"planned_{k}": planned.get(k) for k in ("signed", "landed", "producing")},
        "exempt_until": (found["exemption"] or {}).get("until"),
        "stall_since": (found["stall"] or {}).get("since"),
        "node_late_on": node_late_on,
    }


def summary(db: Database, f: PoolFilter) -> dict[str, Any]:
    """Counts and exact investment sums by stage, industry and zone.

    One grouped query by (stage, industry, zone) — a single pass over a
    covering index — folded into the three breakdowns here. As of a past date,
    unless a filter needs rm_projects, the monthly sums answer (stage_months.sums_as_of).
    """
    if f.as_of is not None and not _project_filters(f):
        rows = db.fetchall(
            *stage_months.sums_as_of(f.as_of.isoformat(), f.stage, f.industry, f.zone)
        )
    else:
        terms = terms_on(db, f.as_of or today()) if f.stalled is not None else None
        src = _from_clause(db, f, terms=terms)
        rows = db.fetchall(
            f"SELECT {src.stage} AS st, {src.industry} AS ind, {src.zone} AS zn,"
            f" COUNT(*) AS n, SUM({src.investment}) AS s"
            + src.clause
            + f" GROUP BY {src.stage}, {src.industry}, {src.zone}",
            src.params,
        )
    sums: dict[str, dict[str, list[int]]] = {
        "by_stage": {s: [0, 0] for s in STAGE_ORDER},
        "by_industry": {},
        "by_zone": {},
    }
    total = [0, 0]
    for row in rows:
        count, money = int(row["n"]), int(row["s"] or 0)
        for key, value in (
            ("by_stage", row["st"]),
            ("by_industry", row["ind"]),
            ("by_zone", row["zn"]),
        ):
            cell = sums[key].setdefault(value, [0, 0])
            cell[0] += count
            cell[1] += money
        total[0] += count
        total[1] += money
    result: dict[str, Any] = {"as_of": f.as_of.isoformat() if f.as_of else None}
    for key, groups in sums.items():
        result[key] = {
            k: {"count": n, "investment": to_wan(s)} for k, (n, s) in groups.items()
        }
    result["total"] = {"count": total[0], "investment": to_wan(total[1])}
    return result
