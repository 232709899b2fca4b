"""Figures for the leaders' dashboard that no other query module provides.

The funnel stages and the projects stalled today; the yearly targets come from
gxtrack.readmodels.cultivation.queries. Conversion and time in stage come from
gxtrack.readmodels.pool.stats (one definition for the dashboard, the API and the
reports).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today
from domain.stages import FORWARD
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.memo import memoized
from gxtrack.readmodels.pool import queries

FUNNEL = tuple(stage.value for stage in FORWARD)


def pool_summary(db: Database, as_of: date | None) -> dict[str, Any]:
    """The pool by stage, industry and zone, now or as of a date: one pass over
    an index of every pool row, kept until the read models move on (read-only)."""
    return memoized(
        db,
        ("dashboard_summary", as_of),
        lambda: queries.summary(db, queries.PoolFilter(as_of=as_of)),
    )


def stalled_projects(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    """Projects stalled today (the day's judgement), red and longest first."""
    found = queries.stalled_projects(db, today(), page_size=limit)["items"]
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "stage": row["stage_code"],
            "zone": row["zone"],
            "officer": row["officer"],
            "stall_level": row["stall"]["level"],
            "stall_rule": row["stall"]["rule"],
            "stall_days": row["stall"]["days_in_stage"],
            "stall_since": row["stall_since"],
        }
        for row in found
    ]


def stall_counts(db: Database) -> dict[str, dict[str, int]]:
    """Projects stalled today counted by level and by stage (for the charts)."""
    counts = queries.stalled_count(db, today())
    return {"by_level": counts["by_level"], "by_stage": counts["by_stage"]}
