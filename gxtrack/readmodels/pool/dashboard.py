"""Figures for the leaders' dashboard that no other query module provides.

The funnel stages, this week's stalled projects and the yearly targets. Conversion
and time in stage come from gxtrack.readmodels.pool.stats (one definition for the
dashboard, the API and the reports).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.stages import FORWARD
from gxtrack.infra.db import Database
from gxtrack.readmodels.cultivation.targets import targets_report

FUNNEL = tuple(stage.value for stage in FORWARD)


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


def yearly_targets(
    db: Database,
    year: int,
    as_of: date | None = None,
    zone_names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Each target of `year` against achieved to date (empty when none are set)."""
    report = targets_report(db, year, as_of=as_of, zone_names=zone_names)
    return [
        {
            **item,
            "label": item["designation_label"]
            + (f"（{item['zone_name']}）" if item["zone"] else ""),
        }
        for item in report["items"]
    ]
