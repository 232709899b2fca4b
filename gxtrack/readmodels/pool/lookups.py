"""Single reads of the pool for the use cases and the other read models.

Rows by id (labels, groups, facts), a project's stage intervals, the
projects of an officer or an enterprise, duplicate candidates, and the
year-to-date entries the KPIs count.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.changes import applied_through
from gxtrack.readmodels.engine.projection import to_wan

LOOKUP_CHUNK = 500  # ids per IN (...) list, well inside parameter limits


def chunks(ids: list[str]) -> list[list[str]]:
    """`ids` in lists of at most LOOKUP_CHUNK."""
    return [ids[i : i + LOOKUP_CHUNK] for i in range(0, len(ids), LOOKUP_CHUNK)]


def marks(values: list[Any]) -> str:
    """One `?` per value, comma-separated."""
    return ", ".join("?" for _ in values)


def new_in_period(db: Database, first: date, last: date) -> dict[str, dict[str, Any]]:
    """Projects whose 签约/落地/投产 date (as it stands now) is in [first, last]:
    count and planned investment per stage, withdrawn projects included."""
    found = {}
    for stage in ("signed", "landed", "producing"):
        row = db.fetchone(
            f"SELECT COUNT(*) AS n, SUM(investment) AS s FROM rm_projects"
            f" WHERE {stage}_on >= ? AND {stage}_on <= ?",
            (first.isoformat(), last.isoformat()),
        )
        found[stage] = {
            "count": int(row["n"] or 0) if row else 0,
            "investment": to_wan(row["s"] if row else 0),
        }
    return found


def pool_facts_of(db: Database, ids: list[str]) -> list[dict[str, Any]]:
    """Name, stage, zone, officer, land area and planned 投产 of these projects."""
    found = []
    for chunk in chunks(ids):
        found += db.fetchall(
            "SELECT id, name, stage, zone, officer, land_area, planned_producing"
            f" FROM rm_projects WHERE id IN ({marks(chunk)}) ORDER BY name",
            chunk,
        )
    for row in found:
        row["land_area"] = Decimal(row["land_area"]) if row["land_area"] else None
        planned = row["planned_producing"]
        row["planned_producing"] = date.fromisoformat(planned) if planned else None
    return found


def project_keys(db: Database) -> list[dict[str, Any]]:
    """Every project's id, name and investor (the ledger import matches on these)."""
    return db.fetchall("SELECT id, name, investor FROM rm_projects")


def stage_rows(db: Database, project_id: str) -> list[dict[str, Any]]:
    """A project's stage intervals (stage, entered_on, left_on), oldest first."""
    return db.fetchall(
        "SELECT stage, entered_on, left_on FROM rm_stage_history"
        " WHERE project_id = ? ORDER BY seq",
        (project_id,),
    )


def project_labels(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id → the project's name, officer, stage and zone, for ids in the pool."""
    return _columns_of(db, ids, "name, officer, stage, zone")


def _columns_of(
    db: Database, ids: list[str], columns: str
) -> dict[str, dict[str, Any]]:
    """id → these columns of the project, for ids in the pool."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted(set(ids))):
        for row in db.fetchall(
            f"SELECT id, {columns} FROM rm_projects WHERE id IN ({marks(chunk)})",
            chunk,
        ):
            found[row.pop("id")] = row
    return found


def officer_project_ids(db: Database, officer: str) -> list[str]:
    """Ids of the projects `officer` is responsible for."""
    rows = db.fetchall("SELECT id FROM rm_projects WHERE officer = ?", (officer,))
    return [r["id"] for r in rows]


def enterprise_projects(db: Database, enterprise_id: str) -> list[dict[str, Any]]:
    """The projects that name this enterprise, latest stage date first."""
    return db.fetchall(
        "SELECT id, name, investor, industry, zone, stage, stage_date, investment,"
        " officer, version FROM rm_projects WHERE enterprise_id = ?"
        " ORDER BY stage_date DESC, name",
        (str(enterprise_id),),
    )


def project_groups(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id → the project's name, officer, zone and industry, for ids in the pool."""
    return _columns_of(db, ids, "name, officer, zone, industry")


def projects_named(
    db: Database, name: str, withdrawn: bool = False
) -> list[dict[str, Any]]:
    """Projects in the pool with this name, as duplicate candidates: not
    withdrawn, unless asked."""
    return db.fetchall(
        "SELECT id, name, investor, stage, officer FROM rm_projects"
        " WHERE TRIM(name) = ?"
        + ("" if withdrawn else " AND stage != 'withdrawn'")
        + " ORDER BY created_at",
        ((name or "").strip(),),
    )


def projects_named_applied(db: Database, name: str) -> tuple[int, list[dict[str, Any]]]:
    """The position the pool has applied the log through, then (read after
    it) the projects with this name, withdrawn too: a project changed past
    that position may be newer in the log than its row, any other row is as
    the log has it."""
    return applied_through(db, "pool"), projects_named(db, name, withdrawn=True)


def merge_candidates(
    db: Database, project_id: str, name: str, investor: str, limit: int = 50
) -> list[dict[str, Any]]:
    """Projects a duplicate could be merged into: tracked ones (not withdrawn)
    with its name or its investor, oldest first (the first registration)."""
    return db.fetchall(
        "SELECT id, name, investor, stage, officer FROM rm_projects"
        " WHERE (TRIM(name) = ? OR TRIM(investor) = ?) AND id != ?"
        " AND stage != 'withdrawn' ORDER BY created_at LIMIT ?",
        ((name or "").strip(), (investor or "").strip(), project_id, limit),
    )
