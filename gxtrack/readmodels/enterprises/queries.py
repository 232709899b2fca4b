"""Tier reads: counts and lists on any date, the cultivation pool, re-review due.

A designation counts on day D when certified_on <= D <= valid_until (see the
enterprises projection). An enterprise's tier is the highest rank among its rows
valid that day; rm_tier_history keeps those tiers as non-overlapping intervals,
so "as of D" needs no replay and no max-per-enterprise: one indexed range test.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.clock import today
from domain.designations import LADDER, Designation
from domain.errors import RuleViolationError
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.projection import to_wan
from gxtrack.readmodels.pool import queries as pool

TIER_OF = (
    "(SELECT t.rank FROM rm_tier_history t WHERE t.enterprise_id = {col}"
    " AND t.from_on <= ? AND t.to_on >= ?)"
)
HOLDING = (
    "SELECT t.enterprise_id FROM rm_tier_history t"
    " WHERE t.from_on <= ? AND t.to_on >= ?"
)
NO_TIER = "none"


def tier_rank(code: str, field: str = "tier") -> int:
    """The ladder rank of a tier code; 0 for "none" (no ladder designation)."""
    if code == NO_TIER:
        return 0
    try:
        rank = Designation(code).rank
    except ValueError:
        rank = 0
    if not rank:
        codes = ", ".join(d.value for d in LADDER)
        raise RuleViolationError(f"未知梯度: {code}（可选 {codes}, none）", field)
    return rank


def tier_condition(code: str, column: str, day: date) -> tuple[str, list[Any]]:
    """SQL testing that the enterprise in `column` has tier `code` on `day`."""
    rank = tier_rank(code)
    on = [day.isoformat(), day.isoformat()]
    if rank:
        return f"{column} IN ({HOLDING} AND t.rank = ?)", [*on, rank]
    return f"({column} IS NULL OR {column} NOT IN ({HOLDING}))", on


def _tier(rank: int | None) -> dict[str, Any]:
    level = LADDER[rank - 1] if rank else None
    return {
        "tier": level.value if level else None,
        "tier_label": level.label if level else None,
    }


def tier_counts(db: Database, as_of: date | None = None) -> dict[str, Any]:
    """How many enterprises stand on each ladder level on `as_of` (default today)."""
    day = (as_of or today()).isoformat()
    rows = db.fetchall(
        "SELECT rank, SUM(delta) AS n FROM rm_tier_changes WHERE day <= ?"
        " GROUP BY rank",
        (day,),
    )
    found = {int(r["rank"]): int(r["n"]) for r in rows}
    total = int(db.scalar("SELECT COUNT(*) AS n FROM rm_enterprises") or 0)
    by_tier = {d.value: found.get(d.rank, 0) for d in LADDER}
    return {
        "as_of": day,
        "by_tier": by_tier,
        "labels": {d.value: d.label for d in LADDER},
        "with_tier": sum(by_tier.values()),
        "enterprises": total,
    }


def list_enterprises(
    db: Database,
    tier: str | None = None,
    as_of: date | None = None,
    zone: str | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 50,
    industry: str | None = None,
) -> dict[str, Any]:
    """One page of enterprises with their tier on `as_of`, highest tier first."""
    if not 1 <= page_size <= pool.MAX_PAGE_SIZE:
        raise RuleViolationError(
            f"每页条数须在 1–{pool.MAX_PAGE_SIZE} 之间", "page_size"
        )
    if page < 1:
        raise RuleViolationError("页码从 1 开始", "page")
    day = as_of or today()
    # At most one tier piece per enterprise covers a day, so the join keeps one
    # row per enterprise; a hash join beats a subquery per enterprise.
    params: list[Any] = [day.isoformat(), day.isoformat()]
    where: list[str] = []
    join = "LEFT JOIN"
    rank = tier_rank(tier) if tier else None
    if rank:  # the piece's rank filters before the join
        join, on_rank = "JOIN", " AND t.rank = ?"
        params.append(rank)
    else:
        on_rank = ""
        if rank == 0:
            where.append("t.enterprise_id IS NULL")
    for column, value in (("e.zone", zone), ("e.industry", industry)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if q:
        # Escaped so that % and _ typed by a user match themselves.
        where.append("(e.name LIKE ? ESCAPE '!' OR e.uscc LIKE ? ESCAPE '!')")
        text = q.strip().replace("!", "!!").replace("%", "!%").replace("_", "!_")
        params += [f"%{text}%", f"%{text.upper()}%"]
    clause = (
        f" FROM rm_enterprises e {join} rm_tier_history t"
        " ON t.enterprise_id = e.id AND t.from_on <= ? AND t.to_on >= ?"
        + on_rank
        + (" WHERE " + " AND ".join(where) if where else "")
    )
    total = db.scalar("SELECT COUNT(*) AS n" + clause, params)
    rows = db.fetchall(
        "SELECT e.id, e.uscc, e.name, e.industry, e.zone, e.version,"
        " COALESCE(t.rank, 0) AS tier_rank"
        + clause
        + " ORDER BY COALESCE(t.rank, 0) DESC, e.name, e.id LIMIT ? OFFSET ?",
        [*params, page_size, (page - 1) * page_size],
    )
    items = [
        {**{k: v for k, v in r.items() if k != "tier_rank"}, **_tier(r["tier_rank"])}
        for r in rows
    ]
    return {"items": items, "total": int(total or 0), "as_of": day.isoformat()}


def enterprise_projects(db: Database, enterprise_id: str) -> dict[str, Any]:
    """The projects that name this enterprise, with their planned investment."""
    rows = pool.enterprise_projects(db, str(enterprise_id))
    total = sum(int(r["investment"] or 0) for r in rows)
    items = [
        {
            **{k: v for k, v in r.items() if k != "investment"},
            "planned_investment": to_wan(r["investment"]),
        }
        for r in rows
    ]
    return {"items": items, "total": len(items), "investment": to_wan(total)}


def enterprise_cards(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id → the enterprise's name, uscc, zone and industry, for ids on record."""
    found: dict[str, dict[str, Any]] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), pool.LOOKUP_CHUNK):
        chunk = unique[start : start + pool.LOOKUP_CHUNK]
        for row in db.fetchall(
            "SELECT id, name, uscc, zone, industry FROM rm_enterprises"
            f" WHERE id IN ({', '.join('?' for _ in chunk)})",
            chunk,
        ):
            found[row.pop("id")] = row
    return found


def certified_between(db: Database, start: date, end: date) -> list[dict[str, Any]]:
    """Awards certified from `start` through `end` with their enterprise, by date."""
    return db.fetchall(
        "SELECT d.enterprise_id, d.award_id, d.designation, d.certified_on,"
        " d.document_no, d.batch, d.revoked_on, e.name, e.uscc, e.zone"
        " FROM rm_designations d JOIN rm_enterprises e ON e.id = d.enterprise_id"
        " WHERE d.certified_on >= ? AND d.certified_on <= ?"
        " ORDER BY d.certified_on, e.name",
        (start.isoformat(), end.isoformat()),
    )


def due_for_review(
    db: Database, as_of: date | None = None, days: int = 90
) -> list[dict[str, Any]]:
    """Designations in force whose validity ends within `days` of `as_of`.

    These need a re-review (复核) before they lapse; the weekly digest lists them.
    """
    day = as_of or today()
    rows = db.fetchall(
        "SELECT d.enterprise_id, d.award_id, d.designation, d.certified_on,"
        " d.expires_on, d.document_no, d.batch, e.name, e.uscc, e.zone"
        " FROM rm_designations d JOIN rm_enterprises e ON e.id = d.enterprise_id"
        " WHERE d.revoked_on IS NULL AND d.review_failed_on IS NULL"
        " AND d.certified_on <= ? AND d.expires_on >= ? AND d.expires_on <= ?"
        " ORDER BY d.expires_on, e.name",
        (day.isoformat(), day.isoformat(), (day + timedelta(days=days)).isoformat()),
    )
    for row in rows:
        row["designation_label"] = Designation(row["designation"]).label
        row["days_left"] = (date.fromisoformat(row["expires_on"]) - day).days
    return rows


def lapsed_enterprises(db: Database, as_of: date) -> list[str]:
    """Ids of enterprises with a lapse before `as_of` not yet recorded (a pre-filter)."""
    rows = db.fetchall(
        "SELECT DISTINCT enterprise_id FROM rm_designations WHERE expires_on < ?"
        " AND expired_recorded = 0 AND revoked_on IS NULL"
        " AND review_failed_on IS NULL ORDER BY enterprise_id",
        (as_of.isoformat(),),
    )
    return [r["enterprise_id"] for r in rows]


def enterprise_choices(db: Database, limit: int = 2000) -> list[dict[str, Any]]:
    """Credit code and name of enterprises, by name (a form's suggestions)."""
    return db.fetchall(
        "SELECT uscc, name FROM rm_enterprises ORDER BY name LIMIT ?", (limit,)
    )
