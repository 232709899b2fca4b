"""Figures for the leaders' dashboard: funnel, conversion, time in stage, stalls.

Computed from the read models (rm_projects, rm_stage_history) with grouped SQL, so
the dashboard stays one page load at 100k projects.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gxtrack.db import Database

FUNNEL = ("negotiating", "signed", "landed", "producing")


def reached_counts(db: Database) -> dict[str, int]:
    """How many projects ever reached each forward stage (or a later one)."""
    columns = [f"{s}_on" for s in FUNNEL]
    parts = []
    for i, stage in enumerate(FUNNEL):
        later = " OR ".join(f"{c} IS NOT NULL" for c in columns[i:])
        parts.append(f"SUM(CASE WHEN {later} THEN 1 ELSE 0 END) AS {stage}")
    row = db.fetchone("SELECT " + ", ".join(parts) + " FROM rm_projects") or {}
    return {stage: int(row.get(stage) or 0) for stage in FUNNEL}


def conversion(db: Database) -> list[dict[str, Any]]:
    """Step conversion 在谈→签约→落地→投产: reached the next stage / reached this."""
    reached = reached_counts(db)
    steps = []
    for current, following in zip(FUNNEL, FUNNEL[1:], strict=False):
        base, hit = reached[current], reached[following]
        steps.append(
            {
                "from": current,
                "to": following,
                "base": base,
                "reached": hit,
                "rate": round(100 * hit / base, 1) if base else None,
            }
        )
    return steps


def _days(db: Database, start: str, end: str) -> str:
    """SQL for whole days between two ISO date columns or parameters."""
    if db.kind == "postgres":
        return f"(CAST({end} AS date) - CAST({start} AS date))"
    return f"(julianday({end}) - julianday({start}))"


def time_in_stage(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Average days spent in each stage: finished stays and ongoing ones."""
    closed = db.fetchall(
        f"SELECT stage, COUNT(*) AS n, AVG({_days(db, 'entered_on', 'left_on')}) AS d"
        " FROM rm_stage_history WHERE left_on IS NOT NULL GROUP BY stage"
    )
    open_rows = db.fetchall(
        f"SELECT stage, COUNT(*) AS n, AVG({_days(db, 'entered_on', '?')}) AS d"
        " FROM rm_stage_history WHERE left_on IS NULL GROUP BY stage",
        (as_of.isoformat(),),
    )
    done = {r["stage"]: r for r in closed}
    ongoing = {r["stage"]: r for r in open_rows}
    result = []
    for stage in FUNNEL[:-1]:
        finished, current = done.get(stage), ongoing.get(stage)
        result.append(
            {
                "stage": stage,
                "finished": int(finished["n"]) if finished else 0,
                "finished_days": _round(finished["d"]) if finished else None,
                "ongoing": int(current["n"]) if current else 0,
                "ongoing_days": _round(current["d"]) if current else None,
            }
        )
    return result


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def stalled_projects(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    """Projects currently flagged as stalled, the longest-stalled first."""
    return db.fetchall(
        "SELECT id, name, stage, zone, officer, stall_level, stall_rule,"
        " stall_days, stall_since FROM rm_projects WHERE stall_level IS NOT NULL"
        " ORDER BY CASE stall_level WHEN 'red' THEN 0 ELSE 1 END,"
        " stall_days DESC, name LIMIT ?",
        (limit,),
    )


def stall_counts(db: Database) -> dict[str, dict[str, int]]:
    """Flagged projects counted by alert level and by stage (for the charts)."""
    rows = db.fetchall(
        "SELECT stall_level, stage, COUNT(*) AS n FROM rm_projects"
        " WHERE stall_level IS NOT NULL GROUP BY stall_level, stage"
    )
    by_level: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    for row in rows:
        n = int(row["n"])
        by_level[row["stall_level"]] = by_level.get(row["stall_level"], 0) + n
        by_stage[row["stage"]] = by_stage.get(row["stage"], 0) + n
    return {"by_level": by_level, "by_stage": by_stage}


def yearly_targets(db: Database, year: int) -> list[dict[str, Any]]:
    """Targets against actuals for `year`; empty until yearly targets are recorded."""
    return []
