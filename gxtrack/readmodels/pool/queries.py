"""The project pool: lists and summaries now or as of a date, and single reads.

Lists are filtered, sorted and paged; the single reads (stall candidates, a
project's stages, labels by id) serve the use cases and the other read models.

"As of D" is the pool at the end of business date D: each project's stage is the
stage-history interval containing D, so projects registered after D are absent
and projects that moved later show the stage they were in then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain.clock import today
from domain.errors import RuleViolationError
from domain.stall import StallTerms
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.milestones.queries import earliest_open_sql, open_node_sql
from gxtrack.readmodels.pool import stage_months
from gxtrack.readmodels.pool.items import LIST_COLUMNS, STAGE_ORDER, item
from gxtrack.readmodels.pool.judgement import StallSql, judged, terms_on

__all__ = ["terms_on"]  # the policy in force on a day, for the other read models

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
    overdue_node: bool | None = None  # a milestone node overdue on as_of/today


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


def _stall_sql(terms: StallTerms, as_of: date, stage: str, day: str) -> StallSql:
    """The day's judgement as SQL, the node rule's other nodes read from the
    milestones read model (through its queries)."""

    def open_nodes(before: date) -> str:
        return open_node_sql("p.id", as_of, before)

    return StallSql(terms, as_of, stage, day, open_nodes)


def _node_late_on(as_of: date) -> str:
    """SQL for a row's most overdue non-gate node's planned date on `as_of`."""
    return earliest_open_sql("p.id", as_of)


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


def _stage_then(as_of: date, cols: str, keep: Callable[[str, str], str]) -> str:
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


def _from_clause(
    f: PoolFilter, rows: bool = False, terms: StallTerms | None = None
) -> _Source:
    """The source of a list (`rows`: project rows are read) or a summary.

    As of a date, the stage interval containing it gives the stage; the
    history rows carry industry, zone and investment too, so a summary as of
    a date reads the history index alone and joins the pool only when a
    filter or the listed rows need it.
    """
    params: list[Any] = []
    where: list[str] = []
    p_filters = _project_filters(f)
    judged_then = f.as_of is not None and f.stalled is not None
    if judged_then:
        # A full pass either way (the count): the stalled rows of each part.
        assert f.as_of is not None
        sql = _stall_sql(terms or StallTerms(), f.as_of, "", "")

        def keep(stage: str, day: str) -> str:
            judged = replace(sql, stage=stage, day=day).stalled
            return judged if f.stalled else f"NOT {judged}"

        source = _stage_then(f.as_of, "p.*", keep)
        cols = ("p.at_stage", "p.at_day", "p.industry", "p.zone", "p.investment")
    elif f.as_of is not None:
        day = f.as_of.isoformat()
        where.append("h.entered_on <= ? AND (h.left_on IS NULL OR h.left_on > ?)")
        params += [day, day]
        source = "rm_stage_history h"
        if rows:
            # Projects first, in the list's order (an index), each one's
            # intervals looked up by key: a page of 50 reads about 50 projects
            # instead of joining and sorting every interval holding the date.
            source = "rm_projects p CROSS JOIN rm_stage_history h"
            where.append("h.project_id = p.id")
        elif p_filters:
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
    if f.stalled is not None and not judged_then:
        # The day's judgement (not the last scan's record), as SQL.
        stalled = _stall_sql(terms or StallTerms(), f.as_of or today(), *cols[:2])
        where.append(stalled.stalled if f.stalled else f"NOT {stalled.stalled}")
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
    if f.overdue_node is not None:
        sql = _overdue_node(f.as_of or today(), found.stage)
        where.append(sql if f.overdue_node else f"NOT ({sql})")
    found.clause = f" FROM {source}"
    if where:
        found.clause += " WHERE " + " AND ".join(where)
    return found


def _overdue_node(day: date, stage: str) -> str:
    """A node overdue on `day` (the stage then, a gate's plan and the other
    nodes' dates as they stand now, as the stall judgement reads them): the
    node rule's own term, so the filter and the judgement cannot disagree."""
    return _stall_sql(StallTerms(), day, stage, "").node_late(day)


def new_in_period(db: Database, first: date, last: date) -> dict[str, dict[str, Any]]:
    """Projects whose 签约/落地/投产 date (as it stands now) is in [first, last]:
    count and planned investment per stage, withdrawn projects included."""
    found = {}
    for stage in ("signed", "landed", "producing"):
        row = db.fetchone(
            f"SELECT COUNT(*) AS n, SUM(investment) AS s FROM rm_projects"
            f" WHERE {stage}_on >= ? AND {stage}_on <= ?",
            (first.isoformat(), last.isoformat()),
        )
        found[stage] = {
            "count": int(row["n"] or 0) if row else 0,
            "investment": to_wan(row["s"] if row else 0),
        }
    return found


def pool_facts_of(db: Database, ids: list[str]) -> list[dict[str, Any]]:
    """Name, stage, zone, officer, land area and planned 投产 of these projects."""
    from decimal import Decimal

    found = []
    for chunk in _chunks(ids):
        found += db.fetchall(
            "SELECT id, name, stage, zone, officer, land_area, planned_producing"
            f" FROM rm_projects WHERE id IN ({_marks(chunk)}) ORDER BY name",
            chunk,
        )
    for row in found:
        row["land_area"] = Decimal(row["land_area"]) if row["land_area"] else None
        planned = row["planned_producing"]
        row["planned_producing"] = date.fromisoformat(planned) if planned else None
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
    day = f.as_of or today()
    terms = terms_on(db, day)
    src = _from_clause(f, rows=True, terms=terms)
    order = SORTS[key]
    if key == "stall_days":  # most days in stage = the earliest stage date
        order = f"CASE WHEN {_stall_sql(terms, day, src.stage, src.day).stalled}"
        order += f" THEN {src.day} END"
        direction = "ASC" if direction == "DESC" else "DESC"
    with db.transaction(write=False) as cur:  # one snapshot: total and page agree
        if f.as_of is not None and not _project_filters(f):
            # As of a date the monthly sums count the pool in milliseconds;
            # counting the joined intervals read every project (a second).
            sums = cur.tuples(*_sums_as_of(f.as_of.isoformat(), f))
            total = sum(int(r[3]) for r in sums)
        else:
            total = cur.tuples("SELECT COUNT(*)" + src.clause, src.params)[0][0]
        rows = cur.tuples(
            f"SELECT {LIST_COLUMNS}, {src.stage} AS stage_code, {src.day} AS stage_day,"
            f" {_node_late_on(day)} AS node_late_on"
            + src.clause
            + f" ORDER BY {order} {direction}{nulls}, p.id {direction}"
            " LIMIT ? OFFSET ?",
            [*src.params, page_size, (page - 1) * page_size],
        )
    items = [item(r[:-1]) for r in rows]
    for found, row in zip(items, rows, strict=True):
        found["stall"] = judged(_facts(found, row[-1]), terms, day)
    return {"items": items, "total": int(total or 0)}


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


def all_projects(
    db: Database, f: PoolFilter, sort: str = "-updated", limit: int = 20000
) -> list[dict[str, Any]]:
    """Every matching project (up to `limit`) in list order, for exports.

    One query: paging through list_projects() counted the whole match and
    skipped the pages before for each page of 200, quadratic in the rows.
    """
    return [item(r) for r in _every_match(db, f, sort, limit, LIST_COLUMNS)]


# What the pool's .xlsx export shows, in its column order (see export_tuples).
EXPORT_COLUMNS = (
    "p.name, p.investor, p.industry, p.zone, p.investment, {stage}, {day},"
    " p.signed_on, p.landed_on, p.producing_on, p.officer, p.priority,"
    " p.stall_level, p.progress_on, p.progress_note, p.id"
)


def export_tuples(
    db: Database, f: PoolFilter, sort: str = "-updated", limit: int = 20000
) -> list[tuple[Any, ...]]:
    """all_projects() as bare tuples of EXPORT_COLUMNS, for the streamed export.

    Half an export's time was reading and shaping rows it then took apart: the
    sixteen columns it shows, as the driver gives them, cost a third of that.
    Amounts are whole 元 (to_wan() makes them 万元).
    """
    return _every_match(db, f, sort, limit, EXPORT_COLUMNS)


def _every_match(
    db: Database, f: PoolFilter, sort: str, limit: int, columns: str
) -> list[tuple[Any, ...]]:
    key = sort.lstrip("-")
    if key not in SORTS:
        raise RuleViolationError(f"不支持的排序字段: {sort}", "sort")
    direction = "DESC" if sort.startswith("-") else "ASC"
    nulls = " NULLS LAST" if key in NULLABLE_SORTS else ""
    src = _from_clause(f, rows=True)
    if "{stage}" in columns:
        select = columns.format(stage=src.stage, day=src.day)
    else:
        select = f"{columns}, {src.stage} AS stage_code, {src.day} AS stage_day"
    by = {"stage_code": src.stage, "stage_day": src.day}.get(SORTS[key], SORTS[key])
    order = f" ORDER BY {by} {direction}{nulls}, p.id {direction}"
    sql, params = f"SELECT {select}{src.clause}{order} LIMIT ?", [*src.params, limit]
    if db.kind == "sqlite" and f.as_of is None:
        # The matches are chosen and sorted narrow (from a covering index when
        # one serves the filter), then only the chosen rows read whole: sorting
        # every match with all its columns was most of an export's query.
        chosen = f"SELECT p.rowid{src.clause}{order} LIMIT ?"
        sql = f"SELECT {select} FROM rm_projects p WHERE p.rowid IN ({chosen}){order}"
    with db.transaction(write=False) as cur:
        return cur.tuples(sql, params)


def summary(db: Database, f: PoolFilter) -> dict[str, Any]:
    """Counts and exact investment sums by stage, industry and zone.

    One grouped query by (stage, industry, zone) — a single pass over a
    covering index — folded into the three breakdowns here. As of a past date,
    unless a filter needs rm_projects, the monthly sums answer (_sums_as_of).
    """
    if f.as_of is not None and not _project_filters(f):
        rows = db.fetchall(*_sums_as_of(f.as_of.isoformat(), f))
    else:
        terms = terms_on(db, f.as_of or today()) if f.stalled is not None else None
        src = _from_clause(f, terms=terms)
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


def stalled_count(
    db: Database, as_of: date, officer: str | None = None, zone: str | None = None
) -> dict[str, Any]:
    """Projects stalled on `as_of`, counted by level and by stage."""
    terms = terms_on(db, as_of)
    source, stage, day, params = _stall_source(as_of, terms)
    sql = _stall_sql(terms, as_of, stage, day)
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
            return _stall_sql(terms, as_of, stage, day).stalled

        cols = ", ".join(f"p.{c}" for c in STALL_COLUMNS)
        return _stage_then(as_of, cols, stalled), "p.at_stage", "p.at_day", []
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
    sql = _stall_sql(terms, as_of, stage, day)
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
            f" p.exempt_until, p.version, {_node_late_on(as_of)} AS node_late_on,"
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
        f" WHERE stage IN ({_marks(list(stages))}) OR stall_level IS NOT NULL",
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
            f" WHERE h.stage IN ({_marks(list(stages))})",
            list(stages),
        )


def project_groups(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id → the project's name, officer, zone and industry, for ids in the pool."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in db.fetchall(
            "SELECT id, name, officer, zone, industry FROM rm_projects"
            f" WHERE id IN ({_marks(chunk)})",
            chunk,
        ):
            found[row.pop("id")] = row
    return found


def projects_named(db: Database, name: str) -> list[dict[str, Any]]:
    """Projects in the pool (not withdrawn) with this name, as duplicate candidates."""
    return db.fetchall(
        "SELECT id, name, investor, stage, officer FROM rm_projects"
        " WHERE TRIM(name) = ? AND stage != 'withdrawn' ORDER BY created_at",
        ((name or "").strip(),),
    )


def merge_candidates(
    db: Database, project_id: str, name: str, investor: str, limit: int = 50
) -> list[dict[str, Any]]:
    """Projects a duplicate could be merged into: tracked ones (not withdrawn)
    with its name or its investor, oldest first (the first registration)."""
    return db.fetchall(
        "SELECT id, name, investor, stage, officer FROM rm_projects"
        " WHERE (TRIM(name) = ? OR TRIM(investor) = ?) AND id != ?"
        " AND stage != 'withdrawn' ORDER BY created_at LIMIT ?",
        ((name or "").strip(), (investor or "").strip(), project_id, limit),
    )
