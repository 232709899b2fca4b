"""Stalled-project reads: the stalled list as of a date, alerts and their timings.

`list_stalled` judges the pool with the policy in force (rm_stall_policy), the
same pure rule the scan uses, so the list for the scan's date is the scan's
list. SQL narrows the pool to projects old enough or late enough to possibly be
stalled; Python gives the exact verdict. A past date uses the stage each
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
    NEXT_STAGE,
    RULE_LABELS,
    StallTerms,
    judge,
    level_rank,
)
from gxtrack.infra.db import Database


def policy_terms(db: Database) -> StallTerms:
    """The policy in force as projected (the defaults before any is recorded)."""
    row = db.fetchone("SELECT * FROM rm_stall_policy WHERE id = 1")
    if row is None:
        return StallTerms(dict(DEFAULT_THRESHOLDS), DEFAULT_OVERDUE_DAYS, 1)
    return StallTerms(
        json.loads(row["thresholds"]), row["overdue_days"], row["version"]
    )


def _narrowing(
    terms: StallTerms, as_of: date, stage: str, day: str
) -> tuple[str, list]:
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


def list_stalled(
    db: Database,
    as_of: date | None = None,
    officer: str | None = None,
    terms: StallTerms | None = None,
) -> dict[str, Any]:
    """{"as_of", "policy_version", "items": [...]} — the projects stalled on `as_of`."""
    as_of = as_of or bureau_today()
    terms = terms or policy_terms(db)
    params: list[Any] = []
    if as_of < bureau_today():
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
    items = []
    for row in db.fetchall(sql, params):
        item = _judged(row, as_of, terms)
        if item is not None:
            items.append(item)
    items.sort(key=lambda i: (-level_rank(i["level"]), -i["days_in_stage"], i["name"]))
    _attach_alerts(db, items)
    return {
        "as_of": as_of.isoformat(),
        "policy_version": terms.version,
        "items": items,
    }


def _judged(row: dict[str, Any], as_of: date, terms: StallTerms) -> dict | None:
    planned = {
        k: date.fromisoformat(row[f"planned_{k}"])
        for k in ("signed", "landed", "producing")
        if row[f"planned_{k}"]
    }
    verdict = judge(
        row["stage_code"], date.fromisoformat(row["stage_day"]), planned, as_of, terms
    )
    if verdict is None:
        return None
    return {
        "project_id": row["id"],
        "name": row["name"],
        "investor": row["investor"],
        "zone": row["zone"],
        "stage": row["stage_code"],
        "stage_label": Stage(row["stage_code"]).label,
        "stage_date": row["stage_day"],
        "level": verdict.level,
        "level_label": LEVEL_LABELS[verdict.level],
        "days_in_stage": verdict.days_in_stage,
        "threshold": verdict.threshold,
        "rule": verdict.rule,
        "rule_label": RULE_LABELS[verdict.rule],
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
    rows = db.fetchall(
        "SELECT project_id, flagged_at, answered_at, cause, plan, checkpoint,"
        " escalated_at, escalation_reason FROM rm_alerts WHERE is_open = 1"
    )
    for row in rows:
        if row["project_id"] in by_id:
            by_id[row["project_id"]]["alert"] = {
                k: v for k, v in row.items() if k != "project_id"
            }


ALERT_COLUMNS = (
    "a.*, p.name, p.officer, p.stage, p.zone"
    " FROM rm_alerts a LEFT JOIN rm_projects p ON p.id = a.project_id"
)


def list_alerts(
    db: Database,
    open_only: bool = False,
    officer: str | None = None,
    project_id: str | None = None,
    limit: int = 200,
) -> dict[str, Any]:
    """Alert rows, newest first, with response and resolution times."""
    where, params = [], []
    if open_only:
        where.append("a.is_open = 1")
    if officer:
        where.append("p.officer = ?")
        params.append(officer)
    if project_id:
        where.append("a.project_id = ?")
        params.append(project_id)
    sql = "SELECT " + ALERT_COLUMNS
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.flagged_at DESC, a.id LIMIT ?"
    rows = db.fetchall(sql, [*params, limit])
    return {"items": [_alert(r) for r in rows]}


def _hours(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return round(delta.total_seconds() / 3600, 2)


def _alert(row: dict[str, Any]) -> dict[str, Any]:
    item = dict(row)
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
