"""One page of the pool as of a past date: the plan that joins the fewest rows.

Each listed project is joined to its stage interval holding the date. Joining
every project first and sorting them all read every project and interval
(0.3–1 s at 100k projects, ten times today's list). The page needs far fewer:

- few matches (a narrow stage, industry and zone): the intervals holding the
  day in that stage, industry and zone (read from an index), each joined to
  its project, then sorted: about `total` rows;
- many, in an order of the projects' own columns (name, investment, last
  update …): the first projects in that order, as many as the page needs at
  the share of projects that match, each joined to its interval; more if too
  few of them matched;
- many, in the order of the stage then or its date, with no condition on the
  project row (a text search, say): the first intervals in that order, as
  many as the page needs, each joined to its project;
- otherwise (the stall's order, a search sorted by the stage then): every
  project joined.

The narrowed plans give the rows the last would: the rows are taken in the
list's own order (the id breaks ties) and the join only drops some of them,
so the matches among the first M are the first matches. Too few (the page
holds fewer than `total` says it should) and a plan reads more, or falls back.

The count of a page narrowed by the project row (a text search) is the day's
total less the few projects it leaves out, when they are few (`complement`).
"""

from __future__ import annotations

from typing import Any

from gxtrack.infra.db import Cursor

Condition = tuple[str, list[Any]]  # SQL ("" for none) and its parameters
NONE: Condition = ("", [])
JOIN = "h.project_id = p.id"

# The stage history as the conditions name it (h), joined on JOIN.
HOLDING = "rm_stage_history h"
# The plans read the intervals from an index alone, made in place like the
# pool's other entry indexes: each project's intervals, for the projects taken
# first; the intervals holding a day with their projects, for the intervals
# taken first (the summaries' span index and the project: it serves the sums
# as well); those of a stage, industry and zone, for the few matches first.
# The last has the project before the dates: led by the stage and followed by
# the dates, the planner skip-scanned it for the sums, twice their time.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS rm_stage_history_project ON rm_stage_history"
    " (project_id, entered_on, left_on, stage, industry, zone)",
    "CREATE INDEX IF NOT EXISTS rm_stage_history_then ON rm_stage_history"
    " (entered_on, left_on, stage, industry, zone, investment, project_id)",
    "CREATE INDEX IF NOT EXISTS rm_stage_history_stage ON rm_stage_history"
    " (stage, industry, zone, project_id, entered_on, left_on)",
)
# What a page reads of an interval taken first: rm_stage_history_then holds them.
INTERVAL_COLUMNS = "h.project_id, h.stage, h.entered_on, h.industry, h.zone"
# How many more projects than the page's share to read, against the share
# varying between the first projects and the rest.
MARGIN = 1.25
# The most projects a count as of a day subtracts (see complement).
FEW_LEFT_OUT = 1000


def page_rows(
    cur: Cursor,
    select: str,
    reads: dict[str, Condition],
    order: str,
    narrow: tuple[str, str],
    window: tuple[int, int],
    total: int,
) -> list[tuple[Any, ...]]:
    """The rows of `select` for one page (`window`: offset, size) as of a day.

    `reads`: the conditions by what they read ("p" the project row alone,
    "h" the interval alone, "" both, the join among them); `order`:
    " ORDER BY …" (the id last); `narrow`: "p" or "h" and the same order
    over that table alone, when the list is sorted by its columns only;
    `total`: how many projects match, which tells how many rows this page holds.
    """
    offset, size = window
    expected = min(size, max(total - offset, 0))
    if expected == 0:
        return []
    own, interval, both = (
        reads.get("p", NONE),
        reads.get("h", NONE),
        reads.get("", NONE),
    )
    needed, limit, page = offset + size, [size, offset], " LIMIT ? OFFSET ?"
    projects = None
    if not own[0]:
        projects = int(cur.tuples("SELECT COUNT(*) FROM rm_projects")[0][0])
    if projects is not None and total * total <= needed * projects:
        # Few matches: their intervals first (fewer rows than the projects
        # that the page would read to find them).
        where, params = _and(interval, both, own)
        source = f" FROM {HOLDING} CROSS JOIN rm_projects p WHERE {where}"
        return cur.tuples(select + source + order + page, [*params, *limit])
    table, inner = narrow
    if table == "h" and not own[0] and both[0] == JOIN:
        # Sorted by the interval: the first intervals in that order, then
        # their projects (all of them, unless an interval lost its project).
        where, params = _and(interval)
        source = (
            f" FROM (SELECT {INTERVAL_COLUMNS} FROM {HOLDING}"
            f" WHERE {where}{inner} LIMIT ?) h"
            f" CROSS JOIN rm_projects p WHERE {JOIN}"
        )
        rows = cur.tuples(select + source + order + page, [*params, needed, *limit])
        if len(rows) == expected:
            return rows
    if table == "p":
        share = total / projects if projects else 1.0
        first = int(needed / max(share, 1e-9) * MARGIN) + size
        for _attempt in range(3):
            if projects is not None and first >= projects:
                break
            where, params = _and(interval, both)
            narrowed = (
                f" FROM (SELECT * FROM rm_projects p"
                f"{' WHERE ' + own[0] if own[0] else ''}{inner} LIMIT ?) p"
                f" CROSS JOIN {HOLDING} WHERE {where}"
            )
            rows = cur.tuples(
                select + narrowed + order + page, [*own[1], first, *params, *limit]
            )
            if len(rows) == expected:
                return rows
            first *= 8
    where, params = _and(own, interval, both)
    source = f" FROM rm_projects p CROSS JOIN {HOLDING} WHERE {where}"
    return cur.tuples(select + source + order + page, [*params, *limit])


def complement(cur: Cursor, reads: dict[str, Condition]) -> int | None:
    """How many intervals of the day (and of the interval's conditions) belong
    to projects the project row's conditions leave out, when those projects
    are few; None when they are not (count the matches then).

    A search matching nearly every project (项目, say) was counted by joining
    each match to its interval: 0.4–0.5 s at 100k projects. Its few misses,
    found in one pass over the projects that stops as soon as they are too
    many, have few intervals to look up; the day's total less those is the
    count. Nothing left out (no condition on the project row): 0.
    """
    own = reads.get("p", NONE)
    if not own[0]:
        return 0
    # IS NOT TRUE: a condition that is NULL for a project leaves it out too.
    missed = cur.tuples(
        f"SELECT p.id FROM rm_projects p WHERE ({own[0]}) IS NOT TRUE LIMIT ?",
        [*own[1], FEW_LEFT_OUT + 1],
    )
    if len(missed) > FEW_LEFT_OUT:
        return None
    if not missed:
        return 0
    where, params = _and(reads.get("h", NONE))
    ids = [row[0] for row in missed]
    marks = ", ".join("?" for _ in ids)
    return int(
        cur.tuples(
            f"SELECT COUNT(*) FROM {HOLDING} WHERE {where}"
            f" AND h.project_id IN ({marks})",
            [*params, *ids],
        )[0][0]
    )


def _and(*conditions: Condition) -> Condition:
    """The conditions ANDed, their parameters in the same order."""
    present = [c for c in conditions if c[0]]
    return (
        " AND ".join(sql for sql, _args in present),
        [arg for _sql, args in present for arg in args],
    )
