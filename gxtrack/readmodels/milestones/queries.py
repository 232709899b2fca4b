"""Completed investment sums (now or as known at an instant) and open nodes."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.agreement import Promises, YearResult
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.milestones.projector import instant_text

LIVE = "recorded_at <= ? AND (superseded_at IS NULL OR superseded_at > ?)"


def completed_investment(
    db: Database, first: str, last: str, known_at: datetime | None = None
) -> str:
    """万元 completed in months [first, last] ("YYYY-MM"), now or as known then."""
    sql = "SELECT SUM(amount) AS s FROM rm_investment_facts WHERE month >= ? AND month <= ?"
    params: list[Any] = [first, last]
    if known_at is None:
        sql += " AND superseded_at IS NULL"
    else:
        k = instant_text(known_at)
        sql += " AND " + LIVE
        params += [k, k]
    row = db.fetchone(sql, params)
    return to_wan(row["s"] if row else 0)


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
