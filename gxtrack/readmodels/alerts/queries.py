"""Stalled-project reads: the stalled list as of a date, alerts and their timings.

`list_stalled` is the pool's judgement (gxtrack.readmodels.pool.judgement):
the policy in force on the day, the same rule the scan records, so the list
for the scan's date is the scan's list. A past date uses the stage each
project was in then (the stage history).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from statistics import median
from typing import Any

from domain.clock import today as bureau_today
from domain.stages import Stage
from domain.stall import (
    DEFAULT_OVERDUE_DAYS,
    DEFAULT_THRESHOLDS,
    LEVEL_LABELS,
    RULE_LABELS,
    StallTerms,
)
from gxtrack.infra.db import Database
from gxtrack.readmodels.pool import queries as pool


def policy_terms(db: Database) -> StallTerms:
    """The policy in force as projected (the defaults before any is recorded)."""
    row = db.fetchone("SELECT * FROM rm_stall_policy WHERE id = 1")
    if row is None:
        return StallTerms(dict(DEFAULT_THRESHOLDS), DEFAULT_OVERDUE_DAYS, 1)
    return StallTerms(
        json.loads(row["thresholds"]), row["overdue_days"], row["version"]
    )


def list_stalled(
    db: Database,
    as_of: date | None = None,
    officer: str | None = None,
    zone: str | None = None,
    page: int = 1,
    page_size: int | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    """{"as_of", "policy_version", "items", "total", ...}: stalled on `as_of`.

    The pool judges (one judgement for every surface) under the policy in
    force on `as_of`; without `page_size` every stalled project is listed.
    """
    as_of = as_of or bureau_today()
    found = pool.stalled_projects(db, as_of, officer, zone, page, page_size, level)
    items = [_item(row) for row in found["items"] if row["stall"] is not None]
    _attach_alerts(db, items)
    return {
        "as_of": as_of.isoformat(),
        "policy_version": found["terms"].version,
        "items": items,
        "total": found["total"],
        "page": page,
        "page_size": page_size,
    }


def _item(row: dict[str, Any]) -> dict[str, Any]:
    verdict = row["stall"]
    return {
        "project_id": row["id"],
        "name": row["name"],
        "investor": row["investor"],
        "zone": row["zone"],
        "stage": row["stage_code"],
        "stage_label": Stage(row["stage_code"]).label,
        "stage_date": row["stage_day"],
        "level": verdict["level"],
        "level_label": LEVEL_LABELS[verdict["level"]],
        "days_in_stage": verdict["days_in_stage"],
        "threshold": verdict["threshold"],
        "rule": verdict["rule"],
        "rule_label": RULE_LABELS[verdict["rule"]],
        "officer": row["officer"],
        "flagged_level": row["stall_level"],
        "since": row["stall_since"],
        "version": row["version"],
    }


def _attach_alerts(db: Database, items: list[dict[str, Any]]) -> None:
    """Each item's open alert: answered? escalated? (one query for the page)."""
    by_id = {i["project_id"]: i for i in items}
    for item in items:
        item["alert"] = None
    if not by_id:
        return
    ids = sorted(by_id)
    rows = []
    for start in range(0, len(ids), pool.LOOKUP_CHUNK):
        chunk = ids[start : start + pool.LOOKUP_CHUNK]
        rows += db.fetchall(
            "SELECT project_id, flagged_at, answered_at, cause, plan, checkpoint,"
            " escalated_at, escalation_reason FROM rm_alerts WHERE is_open = 1"
            f" AND project_id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        )
    for row in rows:
        if row["project_id"] in by_id:
            by_id[row["project_id"]]["alert"] = {
                k: v for k, v in row.items() if k != "project_id"
            }


def list_alerts(
    db: Database,
    open_only: bool = False,
    officer: str | None = None,
    project_id: str | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """Alert rows, newest first, with response and resolution times.

    Each row carries its project's name, officer, stage and zone from the pool
    (None when the pool has no such project).
    """
    where, params = [], []
    if open_only:
        where.append("is_open = 1")
    if project_id:
        where.append("project_id = ?")
        params.append(project_id)
    if officer:
        rows = _officer_alerts(db, where, params, officer, limit)
    else:
        rows = _alert_rows(db, where, params, limit)
    labels = pool.project_labels(db, [r["project_id"] for r in rows])
    return {"items": [_alert(r, labels.get(r["project_id"])) for r in rows]}


def _alert_rows(
    db: Database, where: list[str], params: list[Any], limit: int
) -> list[dict[str, Any]]:
    sql = "SELECT * FROM rm_alerts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY flagged_at DESC, id LIMIT ?"
    return db.fetchall(sql, [*params, limit])


def _officer_alerts(
    db: Database, where: list[str], params: list[Any], officer: str, limit: int
) -> list[dict[str, Any]]:
    """The newest `limit` alerts of the officer's projects, a chunk of ids at a time."""
    ids = pool.officer_project_ids(db, officer)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), pool.LOOKUP_CHUNK):
        chunk = ids[start : start + pool.LOOKUP_CHUNK]
        marks = ", ".join("?" for _ in chunk)
        rows += _alert_rows(
            db, [*where, f"project_id IN ({marks})"], [*params, *chunk], limit
        )
    if len(ids) > pool.LOOKUP_CHUNK:  # merge the chunks' pages, as one query orders
        rows.sort(key=lambda r: r["id"])
        rows.sort(key=lambda r: r["flagged_at"], reverse=True)
    return rows[:limit]


def _hours(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return round(delta.total_seconds() / 3600, 2)


def _alert(row: dict[str, Any], project: dict[str, Any] | None) -> dict[str, Any]:
    item = {**row, **(project or dict.fromkeys(("name", "officer", "stage", "zone")))}
    item["is_open"] = bool(row["is_open"])
    item["level_label"] = LEVEL_LABELS.get(row["level"], row["level"])
    item["rule_label"] = RULE_LABELS.get(row["rule"], row["rule"])
    item["response_hours"] = _hours(row["flagged_at"], row["answered_at"])
    item["resolution_hours"] = _hours(row["flagged_at"], row["cleared_at"])
    return item


def alert_metrics(db: Database, since: date | None = None) -> dict[str, Any]:
    """How fast alerts are answered and resolved (hours), and how many are open."""
    sql = "SELECT * FROM rm_alerts"
    params: list[Any] = []
    if since:
        sql += " WHERE flagged_at >= ?"
        params.append(
            datetime(since.year, since.month, since.day, tzinfo=UTC).isoformat()
        )
    rows = db.fetchall(sql, params)
    response = [
        h for r in rows if (h := _hours(r["flagged_at"], r["answered_at"])) is not None
    ]
    resolution = [
        h for r in rows if (h := _hours(r["flagged_at"], r["cleared_at"])) is not None
    ]
    return {
        "alerts": len(rows),
        "open": sum(1 for r in rows if r["is_open"]),
        "red": sum(1 for r in rows if r["level"] == "red"),
        "answered": sum(1 for r in rows if r["answered_at"]),
        "escalated": sum(1 for r in rows if r["escalated_at"]),
        "cleared": sum(1 for r in rows if r["cleared_at"]),
        "median_response_hours": round(median(response), 2) if response else None,
        "median_resolution_hours": round(median(resolution), 2) if resolution else None,
    }


def list_scans(db: Database, limit: int = 52) -> dict[str, Any]:
    """The weekly scans, newest first."""
    rows = db.fetchall(
        "SELECT * FROM rm_stall_scans ORDER BY week DESC LIMIT ?", (limit,)
    )
    return {"items": rows}
