"""One page of the pool as of a past date: the plan that joins the fewest rows.

Each listed project is joined to its stage interval holding the date. Joining
every project first and sorting them all read every project and interval
(0.3–1 s at 100k projects, ten times today's list). The page needs far fewer:

- few matches (a narrow stage, industry and zone): the intervals holding the
  day in that stage, industry and zone (an index), each joined to its project,
  then sorted: about `total` rows;
- many, in an order of the projects' own columns (name, investment, last
  update …): the first projects in that order, as many as the page needs at
  the share of projects that match, each joined to its interval; more if too
  few of them matched;
- otherwise (an order by the stage then, or the stall): every project joined.

The first two give the rows the third would: the projects are taken in the
list's own order (the id breaks ties), and the join only drops some of them,
so the matches among the first M projects are the first matches.
"""

from __future__ import annotations

from typing import Any

from gxtrack.infra.db import Cursor

Condition = tuple[str, list[Any]]  # SQL ("" for none) and its parameters

# The stage interval holding the day, read from its index alone (as_of_index).
HOLDING = "rm_stage_history h"
# Both read the intervals from an index alone, made in place like the pool's
# other entry indexes: each project's intervals, for the projects taken first;
# the intervals of a stage (industry, zone), for the few matches first.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS rm_stage_history_project ON rm_stage_history"
    " (project_id, entered_on, left_on, stage, industry, zone)",
    "CREATE INDEX IF NOT EXISTS rm_stage_history_stage ON rm_stage_history"
    " (stage, industry, zone, entered_on, left_on, project_id)",
)
# How many more projects than the page's share to read, against the share
# varying between the first projects and the rest.
MARGIN = 1.25


def page_rows(
    cur: Cursor,
    select: str,
    own: Condition,
    rest: Condition,
    order: str,
    by_project: bool,
    window: tuple[int, int],
    total: int,
) -> list[tuple[Any, ...]]:
    """The rows of `select` for one page (`window`: offset, size) as of a day.

    `own`: the conditions on the project row alone; `rest`: the others, the
    interval's among them; `order`: " ORDER BY …" (the id last);
    `by_project`: whether it orders by project columns only; `total`: how many
    projects match, which tells how many rows this page holds.
    """
    offset, size = window
    expected = min(size, max(total - offset, 0))
    if expected == 0:
        return []
    params = [*own[1], *rest[1]]
    where = " AND ".join(c for c in (own[0], rest[0]) if c)
    limit = [size, offset]
    page = " LIMIT ? OFFSET ?"
    population = None if own[0] else cur.tuples("SELECT COUNT(*) FROM rm_projects")
    projects = int(population[0][0]) if population else None
    needed = offset + size
    if projects is not None and total * total <= needed * projects:
        # Few matches: their intervals first (fewer rows than the projects
        # that the page would read to find them).
        source = f" FROM {HOLDING} CROSS JOIN rm_projects p WHERE {where}"
        return cur.tuples(select + source + order + page, [*params, *limit])
    if by_project:
        share = total / projects if projects else 1.0
        first = int(needed / max(share, 1e-9) * MARGIN) + size
        for _attempt in range(3):
            if projects is not None and first >= projects:
                break
            narrowed = (
                f" FROM (SELECT * FROM rm_projects p"
                f"{' WHERE ' + own[0] if own[0] else ''}{order} LIMIT ?) p"
                f" CROSS JOIN {HOLDING} WHERE {rest[0]}"
            )
            rows = cur.tuples(
                select + narrowed + order + page,
                [*own[1], first, *rest[1], *limit],
            )
            if len(rows) == expected:
                return rows
            first *= 8
    source = f" FROM rm_projects p CROSS JOIN {HOLDING} WHERE {where}"
    return cur.tuples(select + source + order + page, [*params, *limit])
