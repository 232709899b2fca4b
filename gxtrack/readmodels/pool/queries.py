"""The project pool: lists and summaries now or as of a date, and single reads.

Lists are filtered, sorted and paged; the single reads (stall candidates, a
project's stages, labels by id) serve the use cases and the other read models.

"As of D" is the pool at the end of business date D: each project's stage is the
stage-history interval containing D, so projects registered after D are absent
and projects that moved later show the stage they were in then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.clock import today
from domain.errors import RuleViolationError
from domain.stall import NEXT_STAGE, StallTerms
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.pool import stage_months
from gxtrack.readmodels.pool.items import LIST_COLUMNS, STAGE_ORDER, item

MAX_PAGE_SIZE = 200
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
NULLABLE_SORTS = {"stall_days"}


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


@dataclass
class _Source:
    """FROM … WHERE for a filter, and the columns to read stage and sums from."""

    clause: str
    params: list[Any]
    stage: str
    day: str
    industry: str
    zone: str
    investment: str


def _project_filters(f: PoolFilter) -> bool:
    """Whether the filter reads columns only rm_projects has."""
    return bool(
        f.officer or f.enterprise_id or f.stalled is not None or f.q or f.ids or f.tier
    )


def _sums_as_of(day: str, f: PoolFilter) -> tuple[str, list[Any]]:
    """The summary query as of `day` from the monthly sums (stage_months.py):
    the months before the day's month, plus the intervals that began, less
    those that ended, from its first day to `day`."""
    where, values = "", []
    for value, column in (
        (f.stage, "stage"),
        (f.industry, "industry"),
        (f.zone, "zone"),
    ):
        if value:
            where += f" AND {column} = ?"
            values.append(value)
    month = day[:8] + "01"
    group = " GROUP BY stage, industry, zone"
    edges = (
        "SELECT stage, COALESCE(industry, '') AS industry, COALESCE(zone, '') AS zone,"
        " {sign}COUNT(*), {sign}SUM(COALESCE(investment, 0)) FROM rm_stage_history"
        " WHERE {column} >= ? AND {column} <= ? AND " + stage_months.HOLDS
    )
    sql = (
        "SELECT stage AS st, industry AS ind, zone AS zn, SUM(n) AS n, SUM(s) AS s"
        " FROM (SELECT stage, industry, zone, SUM(n) AS n, SUM(investment) AS s"
        " FROM rm_stage_months WHERE month < ?" + where + group
        + " UNION ALL "
        + edges.format(sign="", column="entered_on") + where + group
        + " UNION ALL "
        + edges.format(sign="-", column="left_on") + where + group
        + ") AS e" + group + " HAVING SUM(n) > 0"
    )  # fmt: skip
    return sql, [month, *values, month, day, *values, month, day, *values]


def _from_clause(f: PoolFilter, rows: bool = False) -> _Source:
    """The source of a list (`rows`: project rows are read) or a summary.

    As of a date, the stage interval containing it gives the stage; the
    history rows carry industry, zone and investment too, so a summary as of
    a date reads the history index alone and joins the pool only when a
    filter or the listed rows need it.
    """
    params: list[Any] = []
    where: list[str] = []
    p_filters = _project_filters(f)
    if f.as_of is not None:
        day = f.as_of.isoformat()
        where.append("h.entered_on <= ? AND (h.left_on IS NULL OR h.left_on > ?)")
        params += [day, day]
        source = "rm_stage_history h"
        if rows or p_filters:
            source += " JOIN rm_projects p ON p.id = h.project_id"
        cols = ("h.stage", "h.entered_on", "h.industry", "h.zone", "h.investment")
    else:
        source = "rm_projects p"
        cols = ("p.stage", "p.stage_date", "p.industry", "p.zone", "p.investment")
    found = _Source("", params, *cols)
    if f.stage:
        where.append(f"{found.stage} = ?")
        params.append(f.stage)
    for value, column in (
        (f.industry, found.industry),
        (f.zone, found.zone),
        (f.officer, "p.officer"),
        (f.enterprise_id, "p.enterprise_id"),
    ):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if f.stalled is True:
        where.append("p.stall_level IS NOT NULL")
    elif f.stalled is False:
        where.append("p.stall_level IS NULL")
    text = (f.q or "").strip().lower()
    if text:
        # A substring match: %, _ and the escape character itself are literal.
        where.append("p.search LIKE ? ESCAPE '!'")
        escaped = text.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        params.append(f"%{escaped}%")
    if f.ids:
        where.append(f"p.id IN ({', '.join('?' for _ in f.ids)})")
        params += f.ids
    if f.tier:
        from gxtrack.readmodels.enterprises.queries import tier_condition

        sql, args = tier_condition(f.tier, "p.enterprise_id", f.as_of or today())
        where.append(sql)
        params += args
    found.clause = f" FROM {source}"
    if where:
        found.clause += " WHERE " + " AND ".join(where)
    return found


def list_projects(
    db: Database,
    f: PoolFilter,
    sort: str = "-updated",
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """One page of the pool and the total number of matching projects."""
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise RuleViolationError(f"每页条数须在 1–{MAX_PAGE_SIZE} 之间", "page_size")
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise RuleViolationError(f"不支持的排序字段: {sort}", "sort")
    direction = "DESC" if sort.startswith("-") else "ASC"
    # SQLite and PostgreSQL place NULLs differently by default: say it. The
    # id breaks ties so consecutive pages never overlap or skip a project.
    nulls = " NULLS LAST" if key in NULLABLE_SORTS else ""
    src = _from_clause(f, rows=True)
    with db.transaction(write=False) as cur:  # one snapshot: total and page agree
        total = cur.tuples("SELECT COUNT(*)" + src.clause, src.params)[0][0]
        rows = cur.tuples(
            f"SELECT {LIST_COLUMNS}, {src.stage} AS stage_code, {src.day} AS stage_day"
            + src.clause
            + f" ORDER BY {SORTS[key]} {direction}{nulls}, p.id {direction}"
            " LIMIT ? OFFSET ?",
            [*src.params, page_size, (page - 1) * page_size],
        )
    return {"items": [item(r) for r in rows], "total": int(total or 0)}


def summary(db: Database, f: PoolFilter) -> dict[str, Any]:
    """Counts and exact investment sums by stage, industry and zone.

    One grouped query by (stage, industry, zone) — a single pass over a
    covering index — folded into the three breakdowns here. As of a past date,
    unless a filter needs rm_projects, the monthly sums answer (_sums_as_of).
    """
    if f.as_of is not None and not _project_filters(f):
        rows = db.fetchall(*_sums_as_of(f.as_of.isoformat(), f))
    else:
        src = _from_clause(f)
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


# -- single reads for use cases and other read models ---------------------

LOOKUP_CHUNK = 500  # ids per IN (...) list, well inside parameter limits


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + LOOKUP_CHUNK] for i in range(0, len(ids), LOOKUP_CHUNK)]


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def project_keys(db: Database) -> list[dict[str, Any]]:
    """Every project's id, name and investor (the ledger import matches on these)."""
    return db.fetchall("SELECT id, name, investor FROM rm_projects")


def stage_rows(db: Database, project_id: str) -> list[dict[str, Any]]:
    """A project's stage intervals (stage, entered_on, left_on), oldest first."""
    return db.fetchall(
        "SELECT stage, entered_on, left_on FROM rm_stage_history"
        " WHERE project_id = ? ORDER BY seq",
        (project_id,),
    )


def flagged_projects(db: Database) -> list[dict[str, Any]]:
    """Projects flagged as stalled now (the pool's stall columns), longest first."""
    return db.fetchall(
        "SELECT id, name, stage, zone, industry, officer, stall_level AS level,"
        " stall_rule AS rule, stall_days AS days, stall_since AS since"
        " FROM rm_projects WHERE stall_level IS NOT NULL"
        " ORDER BY stall_days DESC, name"
    )


def scan_candidates(db: Database, stages: Sequence[str]) -> list[dict[str, Any]]:
    """Rows the weekly scan judges: projects in `stages` or flagged now.

    Each row has the stage, its date, the planned dates, the stall level and the
    version the scan's events follow.
    """
    return db.fetchall(
        "SELECT id, stage, stage_date, planned_signed, planned_landed,"
        " planned_producing, stall_level, version FROM rm_projects"
        f" WHERE stage IN ({_marks(list(stages))}) OR stall_level IS NOT NULL",
        list(stages),
    )


def _narrowing(
    terms: StallTerms, as_of: date, stage: str, day: str
) -> tuple[str, list[Any]]:
    """A WHERE clause keeping only projects that may be stalled on `as_of`."""
    parts, params = [], []
    for code, threshold in terms.thresholds.items():
        planned = f"p.planned_{NEXT_STAGE[code]}"
        parts.append(f"({stage} = ? AND ({day} <= ? OR {planned} < ?))")
        params += [
            code,
            date.fromordinal(as_of.toordinal() - threshold).isoformat(),
            date.fromordinal(as_of.toordinal() - terms.overdue_days).isoformat(),
        ]
    return " OR ".join(parts), params


def stall_candidates(
    db: Database, as_of: date, terms: StallTerms, officer: str | None = None
) -> list[dict[str, Any]]:
    """Projects old enough in their stage, or late enough, to be stalled on `as_of`.

    SQL only narrows; the domain's rule gives the verdict. Each row has the
    stage then (`stage_code`) and its start (`stage_day`): before today they
    come from the stage history.
    """
    params: list[Any] = []
    if as_of < today():
        source = (
            "rm_projects p JOIN rm_stage_history h ON h.project_id = p.id"
            " AND h.entered_on <= ? AND (h.left_on IS NULL OR h.left_on > ?)"
        )
        params += [as_of.isoformat(), as_of.isoformat()]
        stage, day = "h.stage", "h.entered_on"
    else:
        source, stage, day = "rm_projects p", "p.stage", "p.stage_date"
    where, extra = _narrowing(terms, as_of, stage, day)
    params += extra
    sql = (
        f"SELECT p.id, p.name, p.officer, p.zone, p.investor, {stage} AS stage_code,"
        f" {day} AS stage_day, p.planned_signed, p.planned_landed,"
        " p.planned_producing, p.stall_level, p.stall_since, p.version"
        f" FROM {source} WHERE ({where})"
    )
    if officer:
        sql += " AND p.officer = ?"
        params.append(officer)
    return db.fetchall(sql, params)


def project_labels(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id → the project's name, officer, stage and zone, for ids in the pool."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in db.fetchall(
            "SELECT id, name, officer, stage, zone FROM rm_projects"
            f" WHERE id IN ({_marks(chunk)})",
            chunk,
        ):
            found[row.pop("id")] = row
    return found


def officer_project_ids(db: Database, officer: str) -> list[str]:
    """Ids of the projects `officer` is responsible for."""
    rows = db.fetchall("SELECT id FROM rm_projects WHERE officer = ?", (officer,))
    return [r["id"] for r in rows]


def enterprise_projects(db: Database, enterprise_id: str) -> list[dict[str, Any]]:
    """The projects that name this enterprise, latest stage date first."""
    return db.fetchall(
        "SELECT id, name, investor, industry, zone, stage, stage_date, investment,"
        " officer, version FROM rm_projects WHERE enterprise_id = ?"
        " ORDER BY stage_date DESC, name",
        (str(enterprise_id),),
    )


def projects_named(db: Database, name: str) -> list[dict[str, Any]]:
    """Projects in the pool (not withdrawn) with this name, as duplicate candidates."""
    return db.fetchall(
        "SELECT id, name, investor, stage, officer FROM rm_projects"
        " WHERE TRIM(name) = ? AND stage != 'withdrawn' ORDER BY created_at",
        ((name or "").strip(),),
    )
