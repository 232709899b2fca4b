"""Yearly targets against what was achieved, and the enterprises behind each number.

Achieved counts the enterprises certified with the designation in the target's
year (certificate date from 1 January through the as-of date, which defaults to
today or 31 December, whichever comes first), in the target's zone if it has
one. Awards revoked later still count as certified that year; they are marked.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today
from domain.designations import Designation
from gxtrack.infra.db import Database


def _awards(db: Database, start: date, end: date) -> list[dict[str, Any]]:
    return db.fetchall(
        "SELECT d.enterprise_id, d.award_id, d.designation, d.certified_on,"
        " d.document_no, d.batch, d.revoked_on, e.name, e.uscc, e.zone"
        " FROM rm_designations d JOIN rm_enterprises e ON e.id = d.enterprise_id"
        " WHERE d.certified_on >= ? AND d.certified_on <= ?"
        " ORDER BY d.certified_on, e.name",
        (start.isoformat(), end.isoformat()),
    )


def _behind(awards: list[dict[str, Any]], kind: str, zone: str) -> list[dict[str, Any]]:
    """One row per enterprise (its first award of the year) for kind and zone."""
    seen: dict[str, dict[str, Any]] = {}
    for award in awards:
        if award["designation"] != kind or (zone and award["zone"] != zone):
            continue
        seen.setdefault(award["enterprise_id"], award)
    return list(seen.values())


def targets_report(
    db: Database,
    year: int,
    as_of: date | None = None,
    zone_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Each target of `year` with achieved to date and the list behind it."""
    end = min(as_of or today(), date(year, 12, 31))
    start = date(year, 1, 1)
    awards = _awards(db, start, end) if end >= start else []
    names = zone_names or {}
    targets = db.fetchall(
        "SELECT designation, zone, count FROM rm_targets WHERE year = ?"
        " ORDER BY designation, zone",
        (year,),
    )
    items = []
    for target in targets:
        kind = Designation(target["designation"])
        behind = _behind(awards, kind.value, target["zone"])
        count = int(target["count"])
        items.append(
            {
                "designation": kind.value,
                "designation_label": kind.label,
                "rank": kind.rank,
                "zone": target["zone"] or None,
                "zone_name": names.get(target["zone"], target["zone"]) or None,
                "target": count,
                "achieved": len(behind),
                "percent": round(100 * len(behind) / count, 1) if count else None,
                "enterprises": behind,
            }
        )
    # Ladder levels highest first, then the designations beside the ladder.
    items.sort(
        key=lambda i: (i["rank"] == 0, -i["rank"], i["designation"], i["zone"] or "")
    )
    achieved = {}
    for kind in Designation:
        behind = _behind(awards, kind.value, "")
        if behind:
            achieved[kind.value] = len(behind)
    return {
        "year": year,
        "as_of": end.isoformat() if end >= start else None,
        "items": items,
        "achieved_by_designation": achieved,
    }
