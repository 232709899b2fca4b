"""Every project a pool filter matches, in list order: what the exports read.

One query for all of them (up to a limit): paging through list_projects()
counted the whole match and skipped the pages before for each page, quadratic
in the rows. The filter, sorts and as-of plans are the list's own
(queries.py, as_of_page.py), so an export holds exactly what the pages show.
"""

from __future__ import annotations

from typing import Any

from domain.clock import today
from gxtrack.infra.db import Database
from gxtrack.readmodels.pool import as_of_page
from gxtrack.readmodels.pool.items import LIST_COLUMNS, item
from gxtrack.readmodels.pool.judgement import stall_sql, terms_on
from gxtrack.readmodels.pool.orders import pool_order, stalled_first
from gxtrack.readmodels.pool.queries import PoolFilter, _count, _from_clause


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
    day = f.as_of or today()
    terms = terms_on(db, day)
    src = _from_clause(db, f, rows=True, terms=terms)
    stall = stall_sql(terms, day, src.stage, src.day)
    order = pool_order(sort, stall)
    if "{stage}" in columns:
        select = columns.format(stage=src.stage, day=src.day)
    else:
        select = f"{columns}, {src.stage} AS stage_code, {src.day} AS stage_day"
    if f.as_of is not None and f.stalled is None:
        # As a page of `limit` rows: the fewest rows joined (as_of_page.py).
        with db.transaction(write=False) as cur:
            return as_of_page.page_rows(
                cur,
                f"SELECT {select}",
                src.reads,
                order.by(),
                order.narrow(src.stage, src.day),
                (0, limit),
                _count(cur, f, src),
            )
    if order.key == "stall_days" and f.as_of is None:  # as a page (orders.py)
        with db.transaction(write=False) as cur:
            source = (src.clause, src.params)
            return stalled_first(
                cur, f"SELECT {select}", source, order, stall, (0, limit)
            )
    sql = f"SELECT {select}{src.clause}{order.by()} LIMIT ?"
    params = [*src.params, limit]
    if db.row_key and f.as_of is None:
        # The matches are chosen and sorted narrow (from a covering index when
        # one serves the filter), then only the chosen rows read whole: sorting
        # every match with all its columns was most of an export's query.
        # The chosen keys lead the join with their sort values, so the rows
        # are read in the keys' order and the final sort finds them sorted:
        # reading them `WHERE key IN (...)` came back in key order and was
        # sorted afresh, a third of the query.
        key = f"p.{db.row_key}"
        chosen = (
            f"SELECT {key} AS k, {order.term} AS s, p.id AS i{src.clause}"
            f"{order.by()} LIMIT ?"
        )
        sql = (
            f"SELECT {select} FROM ({chosen}) c CROSS JOIN rm_projects p"
            f" ON {key} = c.k{order.by('c.s', 'c.i')}"
        )
    with db.transaction(write=False) as cur:
        return cur.tuples(sql, params)
