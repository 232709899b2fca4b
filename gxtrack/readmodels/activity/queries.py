"""Activity reads: a filtered page of decisions, newest first, and its total."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from gxtrack.infra.db import Database

ITEM = (
    "a.position, a.recorded_at, a.actor, a.type, a.kind, a.subject_id AS id,"
    " a.reason, s.name"
)


@dataclass(frozen=True)
class ActivityFilter:
    """Who, what, which kind of thing and which business dates (inclusive)."""

    actor: str | None = None
    type: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None


def _days(f: ActivityFilter) -> tuple[str, list[Any]]:
    """FROM and WHERE over the per-day counts (a person's when the filter
    names one) for the filter's person, kind, type and dates."""
    clauses, params = ["1 = 1"], []
    for column in ("actor", "kind", "type"):
        value = getattr(f, column)
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.since is not None:
        clauses.append("day >= ?")
        params.append(f.since.isoformat())
    if f.until is not None:
        clauses.append("day <= ?")
        params.append(f.until.isoformat())
    table = "rm_activity_actor_days" if f.actor else "rm_activity_days"
    return f" FROM {table} WHERE " + " AND ".join(clauses), params


def _positions(db: Database, f: ActivityFilter) -> tuple[int, int] | None:
    """The position range holding the filter's days, or None when it holds nothing.

    Exact bounds, not estimates: every decision dated in the range lies
    between the first position of its first day and the last of its last. So
    each filter's own index, bounded by positions, serves a date range too.
    """
    where, params = _days(f)
    row = db.fetchone(
        "SELECT MIN(first_position) AS low, MAX(last_position) AS high" + where,
        params,
    )
    if row is None or row["low"] is None:
        return None
    return int(row["low"]), int(row["high"])


def _where(f: ActivityFilter, bounds: tuple[int, int]) -> tuple[str, list[Any]]:
    clauses, params = ["position BETWEEN ? AND ?"], list(bounds)
    for column in ("actor", "type", "kind"):
        value = getattr(f, column)
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if f.since is not None:
        clauses.append("day >= ?")
        params.append(f.since.isoformat())
    if f.until is not None:
        clauses.append("day <= ?")
        params.append(f.until.isoformat())
    return " WHERE " + " AND ".join(clauses), params


def _total(db: Database, f: ActivityFilter) -> int:
    day_where, day_params = _days(f)
    return int(db.scalar("SELECT SUM(n)" + day_where, day_params) or 0)


def activity_page(
    db: Database, f: ActivityFilter, page: int, page_size: int
) -> dict[str, Any]:
    """One page of decisions matching `f`, newest first, and how many match."""
    bounds = _positions(db, f)
    if bounds is None:
        return {"items": [], "total": 0}
    where, params = _where(f, bounds)
    items = db.fetchall(
        f"SELECT {ITEM} FROM (SELECT * FROM rm_activity{where}"
        " ORDER BY position DESC LIMIT ? OFFSET ?) a"
        " LEFT JOIN rm_activity_subjects s ON s.id = a.subject_id"
        " ORDER BY a.position DESC",
        [*params, page_size, (page - 1) * page_size],
    )
    return {"items": items, "total": _total(db, f)}


def activity_rows(db: Database, f: ActivityFilter, limit: int) -> list[dict[str, Any]]:
    """Up to `limit` decisions matching `f`, newest first (for an export)."""
    return activity_page(db, f, 1, limit)["items"]


def actors(db: Database) -> list[str]:
    """Every user name that has made a decision, by name."""
    # A loose index scan: one index seek per distinct actor, not a full scan.
    names, last = [], ""
    while True:
        row = db.scalar("SELECT MIN(actor) FROM rm_activity WHERE actor > ?", (last,))
        if row is None:
            return names
        names.append(row)
        last = row
