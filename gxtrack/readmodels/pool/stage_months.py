"""Monthly sums of the stage history's edges, so a past date's summary is quick.

The pool on a past date D is the intervals containing D: entered_on <= D and
(left_on IS NULL or left_on > D). Summing those reads every interval entered
before D, most of the history. Instead, `rm_stage_months` keeps per stage,
industry, zone and month the intervals that began in the month (+1 and their
investment) less those that ended in it (-1 and less their investment). The
pool on D is then the sums of the months before D's month plus, from the
history, the intervals that began (+) or ended (-) in D's month up to D: a few
thousand rows at 100k projects instead of hundreds of thousands.

Database triggers keep it in step with `rm_stage_history`, whatever statement
changes an interval (a new stage, a correction, a re-dated stage, a revised
investment): on SQLite row triggers, on PostgreSQL statement triggers summing
all of a statement's intervals at once (its transition tables). A rebuild
writes the history with no trigger in place and fills the table in one
statement at the end (`install`).
"""

from __future__ import annotations

from typing import Any

from gxtrack.infra.db import Cursor

DDL = (
    "CREATE TABLE IF NOT EXISTS rm_stage_months ("
    " stage TEXT NOT NULL, industry TEXT NOT NULL, zone TEXT NOT NULL,"
    " month TEXT NOT NULL, n INTEGER NOT NULL, investment BIGINT NOT NULL,"
    " PRIMARY KEY (stage, industry, zone, month))",
    # Grouped by stage, industry and zone in index order, with nothing else read.
    "CREATE INDEX IF NOT EXISTS rm_stage_months_sums"
    " ON rm_stage_months (stage, industry, zone, month, n, investment)",
    # The intervals that ended in a month, for the days of D's month.
    "CREATE INDEX IF NOT EXISTS rm_stage_history_left ON rm_stage_history"
    " (left_on, entered_on, stage, industry, zone, investment)",
)
TRIGGERS = (
    "rm_stage_history_added",
    "rm_stage_history_changed",
    "rm_stage_history_removed",
)


# An interval that holds some day: one left before it was entered holds none
# and adds nothing. The domain no longer lets a redate make one, but logs
# recorded before it did may hold such redates.
_HOLDS = "({row}left_on IS NULL OR {row}left_on > {row}entered_on)"
HOLDS = _HOLDS.format(row="")


def _edges(row: str, sign: str) -> str:
    """Add (sign "") or take away (sign "-") the two edges of interval `row`
    (SQLite's row triggers)."""
    # Grouped by month: an interval begun and ended in the same month is one
    # upsert of that month.
    return (
        "INSERT INTO rm_stage_months (stage, industry, zone, month, n, investment)"
        f" SELECT {row}.stage, COALESCE({row}.industry, ''),"
        f" COALESCE({row}.zone, ''), e.month, SUM(e.n),"
        f" SUM(e.n) * COALESCE({row}.investment, 0)"
        f" FROM (SELECT substr({row}.entered_on, 1, 8) || '01' AS month,"
        f" {sign}1 AS n"
        f" UNION ALL SELECT substr({row}.left_on, 1, 8) || '01', -({sign}1)) AS e"
        f" WHERE e.month IS NOT NULL AND {_HOLDS.format(row=row + '.')}"
        " GROUP BY e.month"
        " ON CONFLICT (stage, industry, zone, month) DO UPDATE SET"
        " n = rm_stage_months.n + excluded.n,"
        " investment = rm_stage_months.investment + excluded.investment"
    )


def _prune(row: str) -> str:
    """Drop the months of interval `row`'s stage, industry and zone that sum
    to nothing, as if never written: the table equals a rebuild's."""
    return (
        "DELETE FROM rm_stage_months WHERE n = 0 AND investment = 0"
        f" AND stage = {row}.stage AND industry = COALESCE({row}.industry, '')"
        f" AND zone = COALESCE({row}.zone, '')"
    )


# Each kind of edge summed on its own first: two sorts of the history, not one
# of both kinds together.
FILL = (
    "INSERT INTO rm_stage_months (stage, industry, zone, month, n, investment)"
    " SELECT stage, industry, zone, month, SUM(n), SUM(s) FROM ("
    " SELECT stage, COALESCE(industry, '') AS industry, COALESCE(zone, '') AS zone,"
    " substr(entered_on, 1, 8) || '01' AS month, COUNT(*) AS n,"
    " SUM(COALESCE(investment, 0)) AS s FROM rm_stage_history WHERE "
    + HOLDS
    + " GROUP BY 1, 2, 3, 4"
    " UNION ALL SELECT stage, COALESCE(industry, ''), COALESCE(zone, ''),"
    " substr(left_on, 1, 8) || '01', -COUNT(*), -SUM(COALESCE(investment, 0))"
    " FROM rm_stage_history WHERE left_on > entered_on GROUP BY 1, 2, 3, 4"
    ") AS e GROUP BY stage, industry, zone, month"
    " HAVING SUM(n) <> 0 OR SUM(s) <> 0"
)


def install(cur: Cursor) -> None:
    """Put the triggers in place and, if the table is empty while the history
    is not (after a rebuild, or a rebuild killed midway), fill it."""
    if cur.db.plpgsql_triggers:
        _install_postgres(cur)
    else:
        _install_sqlite(cur)
    empty = cur.fetchone("SELECT 1 AS one FROM rm_stage_months LIMIT 1") is None
    if empty and cur.fetchone("SELECT 1 AS one FROM rm_stage_history LIMIT 1"):
        cur.db.roomy_sorts(cur)
        cur.execute(FILL)


def _install_sqlite(cur: Cursor) -> None:
    # Dropped and made again each time: their text may have changed.
    for name in TRIGGERS:
        cur.execute(f"DROP TRIGGER IF EXISTS {name}")
    cur.execute(
        "CREATE TRIGGER rm_stage_history_added AFTER INSERT ON rm_stage_history"
        f" BEGIN {_edges('NEW', '')}; {_prune('NEW')}; END"
    )
    cur.execute(
        "CREATE TRIGGER rm_stage_history_changed AFTER UPDATE OF stage, industry,"
        " zone, entered_on, left_on, investment ON rm_stage_history"
        f" BEGIN {_edges('OLD', '-')}; {_edges('NEW', '')};"
        f" {_prune('OLD')}; {_prune('NEW')}; END"
    )
    cur.execute(
        "CREATE TRIGGER rm_stage_history_removed AFTER DELETE ON rm_stage_history"
        f" BEGIN {_edges('OLD', '-')}; {_prune('OLD')}; END"
    )


def _install_postgres(cur: Cursor) -> None:
    # The row trigger of earlier releases, replaced by statement triggers
    # keeping the same sums: left beside them it would count every change twice.
    old = cur.fetchone(
        "SELECT 1 AS one FROM pg_trigger WHERE tgname = 'rm_stage_history_follow'"
        " AND tgrelid = 'rm_stage_history'::regclass"
    )
    if old is not None:
        cur.execute("DROP TRIGGER rm_stage_history_follow ON rm_stage_history")
    cur.execute(
        "CREATE OR REPLACE FUNCTION rm_stage_months_follow() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP = 'INSERT' THEN {_follow(_ADDED)}"
        f" ELSIF TG_OP = 'DELETE' THEN {_follow(_REMOVED)}"
        f" ELSE {_follow(_ADDED + ' UNION ALL ' + _REMOVED)} END IF;"
        " RETURN NULL; END $$"
    )
    # A transition table may serve one kind of statement only, and no column
    # list: an UPDATE of other columns sums to nothing.
    for name, event, tables in (
        (TRIGGERS[0], "INSERT", "NEW TABLE AS new_rows"),
        (TRIGGERS[1], "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        (TRIGGERS[2], "DELETE", "OLD TABLE AS old_rows"),
    ):
        cur.execute(
            f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON rm_stage_history"
            f" REFERENCING {tables} FOR EACH STATEMENT"
            " EXECUTE FUNCTION rm_stage_months_follow()"
        )


# A statement's intervals, added (+1) or taken away (-1): an import's thousand
# new intervals are one grouped upsert, not two statements each.
_ROWS = "SELECT stage, industry, zone, entered_on, left_on, investment, {sign} AS sign"
_ADDED = _ROWS.format(sign=1) + " FROM new_rows"
_REMOVED = _ROWS.format(sign=-1) + " FROM old_rows"


def _follow(rows: str) -> str:
    """Add the edges of intervals `rows` (signed), then prune their keys."""
    n, money = "SUM(r.sign * e.n)", "SUM(r.sign * e.n * COALESCE(r.investment, 0))"
    return (
        "INSERT INTO rm_stage_months (stage, industry, zone, month, n, investment)"
        " SELECT r.stage, COALESCE(r.industry, ''), COALESCE(r.zone, ''),"
        f" substr(e.day, 1, 8) || '01', {n}, {money} FROM ({rows}) AS r,"
        " LATERAL (VALUES (r.entered_on, 1), (r.left_on, -1)) AS e (day, n)"
        f" WHERE e.day IS NOT NULL AND {_HOLDS.format(row='r.')}"
        f" GROUP BY 1, 2, 3, 4 HAVING {n} <> 0 OR {money} <> 0"
        " ON CONFLICT (stage, industry, zone, month) DO UPDATE SET"
        " n = rm_stage_months.n + excluded.n,"
        " investment = rm_stage_months.investment + excluded.investment;"
        " DELETE FROM rm_stage_months m USING (SELECT DISTINCT stage,"
        " COALESCE(industry, '') AS industry, COALESCE(zone, '') AS zone"
        f" FROM ({rows}) AS r) AS k WHERE m.n = 0 AND m.investment = 0"
        " AND m.stage = k.stage AND m.industry = k.industry AND m.zone = k.zone;"
    )


def sums_as_of(
    day: str, stage: str | None, industry: str | None, zone: str | None
) -> tuple[str, list[Any]]:
    """The pool's summary query as of `day` (narrowed by stage, industry, zone):
    the months before the day's month, plus the intervals that began, less
    those that ended, from its first day to `day`."""
    where, values = _narrowed(stage, industry, zone)
    month = day[:8] + "01"
    group = " GROUP BY stage, industry, zone"
    edges = (
        "SELECT stage, COALESCE(industry, '') AS industry, COALESCE(zone, '') AS zone,"
        " {sign}COUNT(*), {sign}SUM(COALESCE(investment, 0)) FROM rm_stage_history"
        " WHERE {column} >= ? AND {column} <= ? AND " + HOLDS
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


def count_as_of(
    day: str, stage: str | None, industry: str | None, zone: str | None
) -> tuple[str, list[Any]]:
    """How many intervals hold `day` (narrowed as sums_as_of): its total
    alone, in a tenth of its time (grouping was most of it: 40–60 ms at 100k
    projects, an as-of page's count)."""
    where, values = _narrowed(stage, industry, zone)
    month = day[:8] + "01"
    edges = (
        "(SELECT COUNT(*) FROM rm_stage_history"
        " WHERE {column} >= ? AND {column} <= ? AND " + HOLDS + where + ")"
    )
    sql = (
        "SELECT (SELECT COALESCE(SUM(n), 0) FROM rm_stage_months WHERE month < ?"
        + where + ") + " + edges.format(column="entered_on")
        + " - " + edges.format(column="left_on") + " AS n"
    )  # fmt: skip
    return sql, [month, *values, month, day, *values, month, day, *values]


def _narrowed(
    stage: str | None, industry: str | None, zone: str | None
) -> tuple[str, list[Any]]:
    """ " AND column = ?" for each of stage, industry and zone given, and their values."""
    where, values = "", []
    for value, column in ((stage, "stage"), (industry, "industry"), (zone, "zone")):
        if value:
            where += f" AND {column} = ?"
            values.append(value)
    return where, values
