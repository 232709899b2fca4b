"""Figures for the leaders' dashboard that no other query module provides.

The funnel stages and this week's stalled projects; the yearly targets come from
gxtrack.readmodels.cultivation.queries. Conversion and time in stage come from
gxtrack.readmodels.pool.stats (one definition for the dashboard, the API and the
reports).
"""

from __future__ import annotations

from typing import Any

from domain.stages import FORWARD
from gxtrack.infra.db import Database

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
