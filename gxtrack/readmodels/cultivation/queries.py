"""Cultivation reads: the candidate pool, and yearly targets against what was achieved.

Achieved counts the enterprises certified with the designation in the target's
year (certificate date from 1 January through the as-of date, which defaults to
today or 31 December, whichever comes first), in the target's zone if it has
one. Awards revoked later still count as certified that year; they are marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.clock import today
from domain.cultivation import STATUS_LABELS
from domain.designations import Designation
from domain.errors import RuleViolationError
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.memo import memoized
from gxtrack.readmodels.enterprises import queries as enterprises

# The read models targets_report reads: the awards (enterprises) and the
# targets themselves (this package's, projected as "tiers").
TARGETS_READ_FROM = ("enterprises", "tiers")


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
    awards = enterprises.certified_between(db, start, end) if end >= start else []
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


def yearly_targets(
    db: Database,
    year: int,
    as_of: date | None = None,
    zone_names: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Each target of `year` against achieved to date (empty when none are set).

    Every award of the year is read: kept until the enterprises or the
    targets read models apply an event (engine/memo.py; a project's events
    leave it as it is), read-only.
    """
    names = tuple(sorted((zone_names or {}).items()))
    report = memoized(
        db,
        ("yearly_targets", year, as_of or today(), names),
        lambda: targets_report(db, year, as_of=as_of, zone_names=zone_names),
        reads=TARGETS_READ_FROM,
    )
    return [
        {
            **item,
            "label": item["designation_label"]
            + (f"（{item['zone_name']}）" if item["zone"] else ""),
        }
        for item in report["items"]
    ]


@dataclass
class CandidateFilter:
    """What the cultivation pool list is narrowed by."""

    year: int | None = None
    designation: str | None = None
    zone: str | None = None
    officer: str | None = None
    status: str | None = None
    enterprise_id: str | None = None


def list_candidates(db: Database, f: CandidateFilter) -> dict[str, Any]:
    """The cultivation pool (培育库), open candidacies first, by year.

    Each row carries its enterprise's name, uscc, zone and industry; a
    candidacy of an enterprise not on record is left out.
    """
    if f.status and f.status not in STATUS_LABELS:
        raise RuleViolationError(
            f"未知状态: {f.status}（可选 {', '.join(STATUS_LABELS)}）", "status"
        )
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("year", f.year),
        ("designation", f.designation),
        ("officer", f.officer),
        ("status", f.status),
        ("enterprise_id", f.enterprise_id),
    ):
        if value not in (None, ""):
            where.append(f"{column} = ?")
            params.append(value)
    candidacies = db.fetchall(
        "SELECT * FROM rm_candidates"
        + (" WHERE " + " AND ".join(where) if where else ""),
        params,
    )
    cards = enterprises.enterprise_cards(db, [c["enterprise_id"] for c in candidacies])
    rows = []
    for candidacy in candidacies:
        card = cards.get(candidacy["enterprise_id"])
        if card is None or (f.zone not in (None, "") and card["zone"] != f.zone):
            continue
        row = {**candidacy, **card}
        row["designation_label"] = Designation(row["designation"]).label
        row["status_label"] = STATUS_LABELS[row["status"]]
        rows.append(row)
    rows.sort(
        key=lambda r: (r["status"] != "open", r["year"], r["designation"], r["name"])
    )
    return {"items": rows, "total": len(rows)}
