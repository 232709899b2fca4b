"""Pipeline statistics from the stage history: time in stage and conversion.

Time in stage: for each project and stage, the days spent in that stage up to
the as-of date (default today) — the sum of its intervals [entered_on, left_on),
an interval still open (or left after the as-of date) counting up to the as-of
date. A project that was withdrawn and reinstated adds both stretches. The
pipeline stages 在谈, 签约 and 落地 are reported (投产 and 终止 are end states:
their "time in stage" is only the time since). Median and 90th percentile use
linear interpolation between the closest ranks (numpy's default).

Conversion: of the projects that had reached stage X by the as-of date, how
many had also reached the next stage. Corrected-away stages never count.
Zone and industry are the project's current ones.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import Any

from domain.clock import today as bureau_today
from domain.stages import FORWARD, Stage
from gxtrack.infra.db import Database
from gxtrack.readmodels.engine.memo import memoized

PIPELINE = tuple(stage.value for stage in FORWARD[:-1])
STEPS = tuple((a.value, b.value) for a, b in pairwise(FORWARD))


@lru_cache(maxsize=8192)
def _day(text: str) -> date:
    return date.fromisoformat(text)


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of sorted `values`, interpolating between ranks."""
    position = (len(values) - 1) * q
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _describe(days: list[int]) -> dict[str, Any]:
    days.sort()
    return {
        "count": len(days),
        "median_days": round(quantile(days, 0.5), 1),
        "p90_days": round(quantile(days, 0.9), 1),
    }


def _filters(zone: str | None, industry: str | None) -> tuple[str, list[Any]]:
    clause, params = "", []
    if zone:
        clause += " AND p.zone = ?"
        params.append(zone)
    if industry:
        clause += " AND p.industry = ?"
        params.append(industry)
    return clause, params


def time_in_stage(
    db: Database,
    as_of: date | None = None,
    zone: str | None = None,
    industry: str | None = None,
    stale_for: float = 0.0,
) -> dict[str, Any]:
    """Median and 90th percentile days per stage: overall, by zone, by industry.

    Kept until the read models move on (engine/memo.py): read-only. Every
    interval is read: `stale_for` seconds (the dashboard) allow a kept value
    that old while its successor is computed in the background.
    """
    as_of = as_of or bureau_today()
    return memoized(
        db,
        ("time_in_stage", as_of, zone, industry),
        lambda: _time_in_stage(db, as_of, zone, industry),
        stale_for,
    )


def _time_in_stage(
    db: Database, as_of: date, zone: str | None, industry: str | None
) -> dict[str, Any]:
    end = as_of.isoformat()
    extra, params = _filters(zone, industry)
    rows = db.fetchall(
        "SELECT h.project_id, h.stage, h.entered_on, h.left_on, p.zone, p.industry"
        " FROM rm_stage_history h JOIN rm_projects p ON p.id = h.project_id"
        " WHERE h.entered_on <= ? AND h.stage IN (?, ?, ?)" + extra,
        [end, *PIPELINE, *params],
    )
    spent: dict[tuple[str, str], int] = defaultdict(int)
    where: dict[str, tuple[str, str]] = {}
    for row in rows:
        left = row["left_on"]
        stop = as_of if left is None or left > end else _day(left)
        spent[(row["project_id"], row["stage"])] += (
            stop - _day(row["entered_on"])
        ).days
        where[row["project_id"]] = (row["zone"], row["industry"])
    overall: dict[str, list[int]] = defaultdict(list)
    grouped: dict[str, dict[str, dict[str, list[int]]]] = {
        "by_zone": defaultdict(lambda: defaultdict(list)),
        "by_industry": defaultdict(lambda: defaultdict(list)),
    }
    for (project_id, stage), days in spent.items():
        project_zone, project_industry = where[project_id]
        overall[stage].append(days)
        grouped["by_zone"][project_zone][stage].append(days)
        grouped["by_industry"][project_industry][stage].append(days)
    result: dict[str, Any] = {
        "as_of": end,
        "stages": {s: _describe(overall[s]) for s in PIPELINE if overall[s]},
    }
    for key, groups in grouped.items():
        result[key] = {
            name: {s: _describe(per[s]) for s in PIPELINE if per[s]}
            for name, per in sorted(groups.items())
        }
    return result


def conversion(
    db: Database,
    as_of: date | None = None,
    zone: str | None = None,
    industry: str | None = None,
    stale_for: float = 0.0,
) -> dict[str, Any]:
    """Stage conversion 在谈→签约→落地→投产 as of a date (read-only, kept
    until the read models move on, or up to `stale_for` seconds: see
    time_in_stage)."""
    as_of = as_of or bureau_today()
    return memoized(
        db,
        ("conversion", as_of, zone, industry),
        lambda: _conversion(db, as_of, zone, industry),
        stale_for,
    )


def _conversion(
    db: Database, as_of: date, zone: str | None, industry: str | None
) -> dict[str, Any]:
    extra, params = _filters(zone, industry)
    rows = db.fetchall(
        "SELECT DISTINCT h.project_id, h.stage"
        " FROM rm_stage_history h JOIN rm_projects p ON p.id = h.project_id"
        " WHERE h.entered_on <= ?" + extra,
        [as_of.isoformat(), *params],
    )
    reached: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        reached[row["stage"]].add(row["project_id"])
    steps = []
    for before, after in STEPS:
        base = reached[before]
        converted = len(base & reached[after])
        steps.append(
            {
                "from": before,
                "to": after,
                "label": f"{Stage(before).label}→{Stage(after).label}",
                "reached": len(base),
                "converted": converted,
                "rate": round(converted / len(base), 4) if base else None,
            }
        )
    return {"as_of": as_of.isoformat(), "steps": steps}
