"""Completed investment sums (now or as known at an instant) and open nodes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

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


def overdue_nodes(db: Database, as_of: date) -> dict[str, list[date]]:
    """project id → planned dates of its non-gate nodes undone and planned before `as_of`."""
    rows = db.fetchall(
        "SELECT project_id, planned_on FROM rm_nodes"
        " WHERE done_on IS NULL AND planned_on < ?",
        (as_of.isoformat(),),
    )
    found: dict[str, list[date]] = {}
    for row in rows:
        found.setdefault(row["project_id"], []).append(
            date.fromisoformat(row["planned_on"])
        )
    return found


def overdue_condition(column: str, as_of: date) -> tuple[str, list[Any]]:
    """SQL testing that the project in `column` has a non-gate node overdue on `as_of`."""
    return (
        f"{column} IN (SELECT project_id FROM rm_nodes"
        " WHERE done_on IS NULL AND planned_on < ?)",
        [as_of.isoformat()],
    )
