"""Planned-date revisions, as the slippage report reads them."""

from __future__ import annotations

from typing import Any

from gxtrack.infra.db import Database


def plan_revisions(db: Database) -> list[dict[str, Any]]:
    """Every planned date moved: project, kind, item, before, after, days, when."""
    return db.fetchall(
        "SELECT project_id, kind, item, before_on, after_on, days, actor, recorded_at"
        " FROM rm_plan_revisions ORDER BY recorded_at, project_id"
    )
