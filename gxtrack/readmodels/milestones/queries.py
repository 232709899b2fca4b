"""Completed investment sums (now or as known at an instant) and open nodes."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.agreement import Promises, YearResult
from domain.errors import RuleViolationError
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.milestones.projector import instant_text

LIVE = "recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)"


def completed_investment(
    db: Database, first: str, last: str, known_at: datetime | None = None
) -> str:
    """万元 completed in months [first, last] ("YYYY-MM"), now or as known then.

    From the kept sums (investment_by_place): every reported month of every
    project, read as a few thousand rows rather than each project's months.
    """
    sums = investment_by_place(db, {"total": (first, last)}, known_at)
    return to_wan(sum(amounts["total"] for amounts in sums.values()))


def investment_by_project(
    db: Database, first: str, last: str, known_at: datetime | None = None
) -> dict[str, str]:
    """project id → 万元 completed in months [first, last], now or as known then."""
    sql = (
        "SELECT project_id, SUM(amount) AS s FROM rm_investment_facts"
        " WHERE month >= ? AND month <= ?"
    )
    params: list[Any] = [first, last]
    if known_at is None:
        sql += " AND superseded_at IS NULL"
    else:
        k = instant_text(known_at)
        sql += " AND " + LIVE
        params += [k, k]
    rows = db.fetchall(sql + " GROUP BY project_id", params)
    return {r["project_id"]: to_wan(r["s"]) for r in rows}


# rm_nodes holds each node's dates as they stand now (not bitemporal): a day
# in the past is judged with today's node facts, a node counting as open on
# that day unless it was done by then (a done date after the day is still open).
OPEN_ON = "(done_on IS NULL OR done_on > {day})"


def _lit(day: date) -> str:
    """A date as an SQL literal: digits and hyphens only, nothing a user typed."""
    return f"'{day.isoformat()}'"


def overdue_nodes(db: Database, as_of: date) -> dict[str, list[date]]:
    """project id → planned dates of its non-gate nodes open on `as_of` and
    planned before it (with today's node facts)."""
    rows = db.fetchall(
        "SELECT project_id, planned_on FROM rm_nodes"
        f" WHERE planned_on < ? AND {OPEN_ON.format(day='?')}",
        (as_of.isoformat(), as_of.isoformat()),
    )
    found: dict[str, list[date]] = {}
    for row in rows:
        found.setdefault(row["project_id"], []).append(
            date.fromisoformat(row["planned_on"])
        )
    return found


def late_nodes_of(db: Database, ids: list[str], as_of: date) -> list[dict[str, Any]]:
    """The non-gate nodes of these projects overdue on `as_of`: project_id,
    code, planned_on, unit; most overdue first."""
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), 500):  # well inside parameter limits
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        found += db.fetchall(
            "SELECT project_id, code, planned_on, unit FROM rm_nodes"
            f" WHERE project_id IN ({marks}) AND planned_on < ?"
            f" AND {OPEN_ON.format(day='?')}",
            [*chunk, as_of.isoformat(), as_of.isoformat()],
        )
    return sorted(found, key=lambda r: (r["planned_on"], r["project_id"], r["code"]))


def open_node_sql(column: str, as_of: date, planned_before: date) -> str:
    """SQL: the project in `column` has a non-gate node open on `as_of` and
    planned before `planned_before` (as_of itself: overdue; earlier: that late).

    One uncorrelated subquery, so a predicate over 100k projects reads the
    open nodes once; dates are written in as literals.
    """
    return (
        f"{column} IN (SELECT project_id FROM rm_nodes"
        f" WHERE planned_on < {_lit(planned_before)}"
        f" AND {OPEN_ON.format(day=_lit(as_of))})"
    )


def earliest_open_sql(column: str, as_of: date) -> str:
    """SQL: the earliest planned date of the non-gate nodes of the project in
    `column` overdue on `as_of` (NULL when none): the most overdue one."""
    return (
        "(SELECT MIN(n.planned_on) FROM rm_nodes n"
        f" WHERE n.project_id = {column} AND n.planned_on < {_lit(as_of)}"
        f" AND (n.done_on IS NULL OR n.done_on > {_lit(as_of)}))"
    )


def _amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def agreement_facts(
    db: Database,
) -> dict[str, tuple[Promises | None, dict[int, YearResult]]]:
    """project id → (its promises, its actuals by year), for projects with either."""
    found: dict[str, tuple[Promises | None, dict[int, YearResult]]] = {}
    for row in db.fetchall("SELECT project_id, promises FROM rm_agreements"):
        p = json.loads(row["promises"])
        by = p.get("producing_by")
        promises = Promises(
            intensity=_amount(p.get("intensity")),
            tax_per_mu=_amount(p.get("tax_per_mu")),
            annual_output=_amount(p.get("annual_output")),
            producing_by=date.fromisoformat(by) if by else None,
        )
        found[row["project_id"]] = (promises, {})
    for row in db.fetchall("SELECT project_id, year, results FROM rm_results"):
        r = {k: _amount(v) for k, v in json.loads(row["results"]).items()}
        found.setdefault(row["project_id"], (None, {}))[1][int(row["year"])] = (
            YearResult(**r)
        )
    return found


def land_done(db: Database) -> set[str]:
    """Projects whose 土地摘牌（或厂房租赁） node is done (land supplied)."""
    rows = db.fetchall(
        "SELECT project_id FROM rm_nodes WHERE code = 'land' AND done_on IS NOT NULL"
    )
    return {r["project_id"] for r in rows}


def _known(known_at: datetime | None, alias: str = "") -> tuple[str, list[Any]]:
    """The rows in force now, or as known at `known_at`."""
    if known_at is None:
        return f"{alias}superseded_at IS NULL", []
    k = instant_text(known_at)
    return (
        f"{alias}recorded_at <= ? AND ({alias}superseded_at IS NULL"
        f" OR {alias}superseded_at > ?)",
        [k, k],
    )


GROUPINGS = ("zone", "industry")


Sums = dict[tuple[str, str], dict[str, int]]


def investment_by_group(
    db: Database,
    by: str,
    periods: dict[str, tuple[str, str]],
    known_at: datetime | None = None,
) -> dict[str, dict[str, str]]:
    """zone or industry → period name → 万元 completed in its months [first, last]."""
    return by_group(investment_by_place(db, periods, known_at), by)


def by_group(sums: Sums, by: str) -> dict[str, dict[str, str]]:
    """(zone, industry) sums folded to zone or industry → period → 万元."""
    if by not in GROUPINGS:
        raise RuleViolationError(f"不支持的分组: {by}", "by")
    index = GROUPINGS.index(by)
    folded: dict[str, dict[str, int]] = {}
    for place, amounts in sums.items():
        slot = folded.setdefault(place[index], dict.fromkeys(amounts, 0))
        for name, amount in amounts.items():
            slot[name] += amount
    return {
        key: {name: to_wan(amount) for name, amount in amounts.items()}
        for key, amounts in folded.items()
    }


def investment_by_place(
    db: Database,
    periods: dict[str, tuple[str, str]],
    known_at: datetime | None = None,
) -> Sums:
    """(zone, industry) → period name → 元 completed in its months [first, last].

    A project counts under its zone and industry as they stand now, withdrawn
    or not. Now: the kept sums per (month, zone, industry). As known at an
    instant: the kept changes of each day before it, and its own day's rows.
    One query answers both breakdowns (a few thousand rows).
    """
    cases = ", ".join(
        f"SUM(CASE WHEN month >= ? AND month <= ? THEN amount ELSE 0 END) AS {name}"
        for name in periods
    )
    bounds: list[Any] = [bound for pair in periods.values() for bound in pair]
    last = max(pair[1] for pair in periods.values())
    parts = [
        "SELECT zone, industry, month, amount FROM rm_investment_groups"
        " WHERE month <= ?"
    ]
    params: list[Any] = [last]
    if known_at is not None:
        # The days before the instant's (UTC) day from the kept changes, that
        # day up to the instant from its rows: added ones in, superseded out.
        k = instant_text(known_at)
        day = k[:10]
        parts = [
            "SELECT zone, industry, month, amount FROM rm_investment_changes"
            " WHERE day < ? AND month <= ?"
        ]
        rows = (
            "SELECT COALESCE(p.zone, '') AS zone, COALESCE(p.industry, '')"
            " AS industry, f.month, {sign}f.amount AS amount"
            " FROM rm_investment_facts f"
            " LEFT JOIN rm_investment_places p ON p.project_id = f.project_id"
            " WHERE f.month <= ? AND f.{column} >= ? AND f.{column} <= ?"
        )
        parts.append(rows.format(sign="", column="recorded_at"))
        parts.append(rows.format(sign="-", column="superseded_at"))
        params = [day, last, last, day, k, last, day, k]
    found = db.fetchall(
        f"SELECT zone, industry, {cases} FROM ({' UNION ALL '.join(parts)}) AS e"
        " GROUP BY zone, industry",
        [*bounds, *params],
    )
    return {
        (r["zone"], r["industry"]): {name: int(r[name] or 0) for name in periods}
        for r in found
    }


def cumulative_investment_of(
    db: Database, ids: list[str], last: str, known_at: datetime | None = None
) -> dict[str, str]:
    """project id → 万元 completed in every month up to `last`, as known then."""
    if not ids:
        return {}
    live, live_params = _known(known_at)
    marks = ", ".join("?" for _ in ids)
    rows = db.fetchall(
        "SELECT project_id, SUM(amount) AS s FROM rm_investment_facts"
        f" WHERE project_id IN ({marks}) AND month <= ? AND {live}"
        " GROUP BY project_id",
        [*ids, last, *live_params],
    )
    return {r["project_id"]: to_wan(r["s"] or 0) for r in rows}


def node_dates_as_known(
    db: Database, ids: list[str], known_at: datetime | None = None
) -> dict[str, dict[str, tuple[date | None, date | None]]]:
    """project id → non-gate node code → (planned_on, done_on) as known then."""
    if not ids:
        return {}
    live, live_params = _known(known_at)
    marks = ", ".join("?" for _ in ids)
    rows = db.fetchall(
        "SELECT project_id, code, planned_on, done_on FROM rm_node_facts"
        f" WHERE project_id IN ({marks}) AND {live}",
        [*ids, *live_params],
    )
    found: dict[str, dict[str, tuple[date | None, date | None]]] = {}
    for r in rows:
        found.setdefault(r["project_id"], {})[r["code"]] = (
            date.fromisoformat(r["planned_on"]) if r["planned_on"] else None,
            date.fromisoformat(r["done_on"]) if r["done_on"] else None,
        )
    return found
