"""The live projects of one officer (or of their zone), for 我的待办."""

from __future__ import annotations

from typing import Any

from domain.stall import NEXT_STAGE
from gxtrack.infra.db import Database

LIVE = tuple(NEXT_STAGE)  # the stages with a next one: 在谈, 签约, 落地


def live_projects(
    db: Database, officer: str, zone: str | None = None
) -> list[dict[str, Any]]:
    """Id, name, stage and its date, planned dates and last progress date of the
    live projects `officer` is responsible for, or that lie in `zone`."""
    marks = ", ".join("?" for _ in LIVE)
    who, params = "officer = ?", [officer]
    if zone:
        who, params = "(officer = ? OR zone = ?)", [officer, zone]
    return db.fetchall(
        "SELECT id, name, stage, stage_date, officer, zone, planned_signed,"
        " planned_landed, planned_producing, progress_on, version FROM rm_projects"
        f" WHERE stage IN ({marks}) AND {who} ORDER BY name",
        [*LIVE, *params],
    )


def scoped_projects(
    db: Database, officer: str, zone: str | None = None
) -> list[dict[str, Any]]:
    """Id, name, stage, officer and zone of the projects (withdrawn ones aside)
    `officer` is responsible for, or that lie in `zone`: a producing project's
    nodes (达产, 上规) can be late too."""
    who, params = "officer = ?", [officer]
    if zone:
        who, params = "(officer = ? OR zone = ?)", [officer, zone]
    return db.fetchall(
        "SELECT id, name, stage, officer, zone FROM rm_projects"
        f" WHERE stage <> 'withdrawn' AND {who} ORDER BY name",
        params,
    )
