"""督办 reads: the filtered, paged list, one 督办, and the work lists built on them.

Timing (超期/临期) is the domain's rule (domain.supervision.timing) applied to
each row as of the day asked; SQL narrows by the same boundaries so that a
`timing=` filter pages correctly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.supervision import TIMING_LABELS, Status, timing
from gxtrack.infra.db import Database
from gxtrack.readmodels.pool import queries as pool

OPEN_STATUSES = (Status.OPEN.value, Status.REPLIED.value, Status.RETURNED.value)
ORDER = " ORDER BY due_on, year, seq"


def list_supervisions(
    db: Database,
    as_of: date,
    status: str | None = None,
    project_id: str | None = None,
    timing_is: str | None = None,
    scope: Scope | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """{"items", "total"}: 督办 by due date, each timed as of `as_of`.

    `status` "pending" takes every one not closed (open, replied, returned);
    `scope` keeps the projects of one officer (or of a zone). A bureau issues
    hundreds of 督办 a year, so timing and scope are applied to the rows read.
    """
    where: list[str] = []
    params: list[Any] = []
    if status == "pending":
        where.append(f"status IN ({', '.join('?' for _ in OPEN_STATUSES)})")
        params += OPEN_STATUSES
    elif status:
        where.append("status = ?")
        params.append(status)
    if project_id:
        where.append("project_id = ?")
        params.append(project_id)
    rows = db.fetchall("SELECT * FROM rm_supervisions" + _where(where) + ORDER, params)
    items = [_item(r, as_of) for r in rows]
    if timing_is:
        items = [i for i in items if i["timing"] == timing_is]
    _label(db, items)
    if scope is not None:
        items = [i for i in items if scope.covers(i["officer"], i["zone"])]
    start = (page - 1) * page_size
    return {"items": items[start : start + page_size], "total": len(items)}


@dataclass(frozen=True)
class Scope:
    """An officer's projects: their own, or every one in their zone."""

    officer: str
    zone: str | None = None

    def covers(self, officer: str | None, zone: str | None) -> bool:
        """Whether a project of this officer and zone is in scope."""
        return officer == self.officer or (self.zone is not None and zone == self.zone)


def _where(where: list[str]) -> str:
    return (" WHERE " + " AND ".join(where)) if where else ""


def get_supervision(db: Database, supervision_id: str, as_of: date) -> dict | None:
    """One 督办 as the API returns it, or None."""
    row = db.fetchone("SELECT * FROM rm_supervisions WHERE id = ?", (supervision_id,))
    if row is None:
        return None
    item = _item(row, as_of)
    _label(db, [item])
    return item


def project_of(db: Database, supervision_id: str) -> str | None:
    """The id of the project a 督办 was issued on, or None."""
    return db.scalar(
        "SELECT project_id FROM rm_supervisions WHERE id = ?", (supervision_id,)
    )


def overdue(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Every 督办 not closed and past its due date on `as_of` (超期), oldest due first."""
    return list_supervisions(
        db, as_of, status="pending", timing_is="overdue", page_size=10**9
    )["items"]


def _item(row: dict[str, Any], as_of: date) -> dict[str, Any]:
    closed_on = date.fromisoformat(row["closed_on"]) if row["closed_on"] else None
    when = timing(date.fromisoformat(row["due_on"]), as_of, closed_on)
    units = json.loads(row["units"])
    return {
        **row,
        "units": units,
        "lead_unit": units[0] if units else None,
        "partner_units": units[1:],
        "status_label": Status(row["status"]).label,
        "timing": when,
        "timing_label": TIMING_LABELS[when],
        "days_left": (date.fromisoformat(row["due_on"]) - as_of).days,
    }


def _label(db: Database, items: list[dict[str, Any]]) -> None:
    """Each item's project name, officer and zone (from the pool)."""
    labels = pool.project_labels(db, [i["project_id"] for i in items])
    for item in items:
        found = labels.get(item["project_id"]) or {}
        item["project_name"] = found.get("name")
        item["officer"] = found.get("officer")
        item["zone"] = found.get("zone")
