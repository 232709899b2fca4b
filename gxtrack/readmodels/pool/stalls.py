"""Stall reads of the pool: the projects stalled on a day, counted and listed,
the weekly scan's candidates, exemptions, and the spans the what-if re-judges.

"Stalled on D" is the day's judgement (judgement.py) under the policy in force
that day, over the current pool (today) or the stage each project was in on D.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from domain.clock import today
from domain.stall import StallTerms
from gxtrack.infra.db import Database
from gxtrack.readmodels.pool.judgement import judged, node_late_on, stall_sql, terms_on
from gxtrack.readmodels.pool.lookups import marks


def stage_then(as_of: date, cols: str, keep: Callable[[str, str], str]) -> str:
    """A derived table `p` of pool rows (`cols`) with the stage on `as_of`
    (at_stage) and its start (at_day), keeping the rows `keep(stage, day)`
    (SQL over those columns) accepts.

    A project with no stage interval entered after the day is still in its
    current stage (read off its pool row, a plain scan); only the others look
    up the interval holding the day. Joining every pool row to its interval
    made a full pass on a past day 10x one today (random lookups of 100k
    rows). The current stage's date is the pool's, as today's judgement and
    the scan count it (after a reinstatement, the stage's first date rather
    than the reinstatement's). `keep` is applied in each part, so the union
    carries only the rows kept.
    """
    d = f"'{as_of.isoformat()}'"  # digits and hyphens only
    later = f"(SELECT project_id FROM rm_stage_history WHERE entered_on > {d})"
    return (
        f"(SELECT {cols}, p.stage AS at_stage, p.stage_date AS at_day"
        f" FROM rm_projects p WHERE p.id NOT IN {later}"
        f" AND {keep('p.stage', 'p.stage_date')}"
        f" UNION ALL SELECT {cols}, h.stage, h.entered_on"
        " FROM rm_stage_history h JOIN rm_projects p ON p.id = h.project_id"
        f" WHERE h.project_id IN {later} AND h.entered_on <= {d}"
        f" AND (h.left_on IS NULL OR h.left_on > {d})"
        f" AND {keep('h.stage', 'h.entered_on')}) p"
    )


def stalled_count(
    db: Database, as_of: date, officer: str | None = None, zone: str | None = None
) -> dict[str, Any]:
    """Projects stalled on `as_of`, counted by level and by stage."""
    terms = terms_on(db, as_of)
    source, stage, day, params = _stall_source(as_of, terms)
    sql = stall_sql(terms, as_of, stage, day)
    where = sql.stalled
    for value, column in ((officer, "p.officer"), (zone, "p.zone")):
        if value:
            where += f" AND {column} = ?"
            params = [*params, value]
    rows = db.fetchall(
        f"SELECT CASE WHEN {sql.red} THEN 'red' ELSE 'yellow' END AS level,"
        f" {stage} AS stage, COUNT(*) AS n FROM {source} WHERE {where}"
        " GROUP BY 1, 2",
        params,
    )
    by_level: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    for row in rows:
        n = int(row["n"])
        by_level[row["level"]] = by_level.get(row["level"], 0) + n
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + n
    return {"total": sum(by_level.values()), "by_level": by_level, "by_stage": by_stage}


# The pool columns a stall read uses (a past day's source selects only these).
STALL_COLUMNS = (
    "id", "name", "officer", "zone", "industry", "investor", "planned_signed",
    "planned_landed", "planned_producing", "stall_level", "stall_since",
    "exempt_until", "version",
)  # fmt: skip


def _stall_source(as_of: date, terms: StallTerms) -> tuple[str, str, str, list[Any]]:
    """FROM, stage and stage-date columns, params: the stalled projects with
    their stage on `as_of` (a past day: _stage_then), or every pool row today."""
    if as_of < today():

        def stalled(stage: str, day: str) -> str:
            return stall_sql(terms, as_of, stage, day).stalled

        cols = ", ".join(f"p.{c}" for c in STALL_COLUMNS)
        return stage_then(as_of, cols, stalled), "p.at_stage", "p.at_day", []
    return "rm_projects p", "p.stage", "p.stage_date", []


def stalled_projects(
    db: Database,
    as_of: date,
    officer: str | None = None,
    zone: str | None = None,
    page: int = 1,
    page_size: int | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    """The projects stalled on `as_of`, red first then longest in stage.

    {"items", "total", "terms"}: the policy in force that day judges; SQL finds
    and orders the rows, the domain's rule gives each verdict. Without
    `page_size`, every stalled project.
    """
    terms = terms_on(db, as_of)
    source, stage, day, params = _stall_source(as_of, terms)
    sql = stall_sql(terms, as_of, stage, day)
    where = sql.stalled
    for value, column in ((officer, "p.officer"), (zone, "p.zone")):
        if value:
            where += f" AND {column} = ?"
            params = [*params, value]
    if level is not None:
        where += f" AND {'' if level == 'red' else 'NOT '}{sql.red}"
    limit = ""
    if page_size is not None:
        limit = f" LIMIT {int(page_size)} OFFSET {(int(page) - 1) * int(page_size)}"
    # One pass: the total rides on each row (a window count); only a page past
    # the end, which has no rows to carry it, counts again.
    with db.transaction(write=False) as cur:
        rows = cur.fetchall(
            f"SELECT p.id, p.name, p.officer, p.zone, p.industry, p.investor,"
            f" {stage} AS stage_code, {day} AS stage_day, p.planned_signed,"
            " p.planned_landed, p.planned_producing, p.stall_level, p.stall_since,"
            f" p.exempt_until, p.version, {node_late_on(as_of)} AS node_late_on,"
            " COUNT(*) OVER () AS total_rows"
            f" FROM {source} WHERE {where}"
            f" ORDER BY {sql.worst_first}, p.name, p.id" + limit,
            params,
        )
        if rows:
            total = int(rows[0]["total_rows"])
        else:
            count = f"SELECT COUNT(*) FROM {source} WHERE {where}"
            total = int(cur.tuples(count, params)[0][0] or 0)
    items = []
    for row in rows:
        row["stall"] = judged(row, terms, as_of)
        items.append(row)
    return {"items": items, "total": total, "terms": terms}


def scan_candidates(db: Database, stages: Sequence[str]) -> list[dict[str, Any]]:
    """Rows the weekly scan judges: projects in `stages` or flagged now.

    Each row has the stage, its date, the planned dates, the exemption, the
    stall level and the version the scan's events follow.
    """
    return db.fetchall(
        "SELECT id, stage, stage_date, planned_signed, planned_landed,"
        " planned_producing, exempt_until, stall_level, version FROM rm_projects"
        f" WHERE stage IN ({marks(list(stages))}) OR stall_level IS NOT NULL",
        list(stages),
    )


def exemptions(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Every project's latest exemption, in force on `as_of` first, then by date."""
    day = as_of.isoformat()
    rows = db.fetchall(
        "SELECT id, name, zone, officer, stage, exempt_until, exempt_reason,"
        " exempt_by, exempt_on FROM rm_projects WHERE exempt_until IS NOT NULL"
        " ORDER BY CASE WHEN exempt_until >= ? THEN 0 ELSE 1 END,"
        " exempt_until DESC, name",
        (day,),
    )
    for row in rows:
        row["active"] = row["exempt_until"] >= day
    return rows


def stall_spans(db: Database, stages: Sequence[str]) -> list[tuple[Any, ...]]:
    """Every stage interval in `stages`, with the project's planned dates now.

    Tuples (project_id, stage, entered_on, left_on, planned_signed,
    planned_landed, planned_producing): the facts the what-if re-judges.
    """
    with db.transaction(write=False) as cur:
        return cur.tuples(
            "SELECT h.project_id, h.stage, h.entered_on, h.left_on,"
            " p.planned_signed, p.planned_landed, p.planned_producing"
            " FROM rm_stage_history h JOIN rm_projects p ON p.id = h.project_id"
            f" WHERE h.stage IN ({marks(list(stages))})",
            list(stages),
        )
