"""The enterprise list with each enterprise's tier on a date, from the read model.

The tier on day D is the highest ladder designation (rank > 0) whose validity
window [certified_on, valid_until] contains D; revocations and failed re-reviews
already cut `valid_until` short in rm_designations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.clock import today
from domain.designations import LADDER, Designation
from domain.errors import RuleViolationError
from gxtrack.db import Database

MAX_PAGE_SIZE = 200
NO_TIER = "none"
TIERS = [d.value for d in LADDER]


@dataclass
class EnterpriseFilter:
    """What the enterprise list is narrowed by."""

    tier: str | None = None
    industry: str | None = None
    zone: str | None = None
    q: str | None = None
    as_of: date | None = None


def _tier_rank(tier: str) -> int:
    if tier == NO_TIER:
        return 0
    try:
        rank = Designation(tier).rank
    except ValueError:
        rank = 0
    if rank == 0:
        raise RuleViolationError(f"未知梯度: {tier}", "tier")
    return rank


def list_enterprises(
    db: Database, f: EnterpriseFilter, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    """One page of enterprises (by name) with their tier, and the total."""
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise RuleViolationError(f"每页条数须在 1–{MAX_PAGE_SIZE} 之间", "page_size")
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    day = (f.as_of or today()).isoformat()
    source = (
        "FROM (SELECT e.*, (SELECT MAX(d.rank) FROM rm_designations d"
        " WHERE d.enterprise_id = e.id AND d.rank > 0 AND d.certified_on <= ?"
        " AND d.valid_until >= ?) AS tier_rank FROM rm_enterprises e) t"
    )
    params: list[Any] = [day, day]
    where: list[str] = []
    if f.tier:
        rank = _tier_rank(f.tier)
        where.append("t.tier_rank IS NULL" if rank == 0 else "t.tier_rank = ?")
        params += [] if rank == 0 else [rank]
    for column in ("industry", "zone"):
        if getattr(f, column):
            where.append(f"t.{column} = ?")
            params.append(getattr(f, column))
    if f.q:
        where.append("(LOWER(t.name) LIKE ? ESCAPE '!' OR t.uscc LIKE ? ESCAPE '!')")
        escaped = f.q.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")
        params += [f"%{escaped}%", f"%{escaped.upper()}%"]
    clause = source + (" WHERE " + " AND ".join(where) if where else "")
    total = db.scalar("SELECT COUNT(*) AS n " + clause, params)
    rows = db.fetchall(
        "SELECT t.* " + clause + " ORDER BY t.name, t.id LIMIT ? OFFSET ?",
        [*params, page_size, (page - 1) * page_size],
    )
    return {"items": [_item(r, day) for r in rows], "total": int(total or 0)}


def _item(row: dict[str, Any], day: str) -> dict[str, Any]:
    rank = row.get("tier_rank")
    tier = LADDER[int(rank) - 1] if rank else None
    return {
        "id": row["id"],
        "uscc": row["uscc"],
        "name": row["name"],
        "industry": row["industry"],
        "zone": row["zone"],
        "tier": tier.value if tier else None,
        "tier_label": tier.label if tier else None,
        "as_of": day,
        "version": row["version"],
    }
