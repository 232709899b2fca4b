"""Backtest: forecasts made on past quarter ends, beside what happened since.

Each origin is the last day of a quarter; the forecast is the one the bureau
would have got on that day (learning only from what was known then), and the
outcome is counted from the log as it stands now, over the same projects (those
in 签约 / 落地 on the origin). Only quarters that have ended are scored. The
coverage of the 80% intervals should come out near 80%.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from domain.forecast.quarters import Quarter
from domain.forecast.spells import History, open_project
from gxtrack.app.foresight.histories import first_entry_after

TARGETS = {"landed": ("signed",), "producing": ("signed", "landed")}


def origin_days(today: date, count: int) -> list[date]:
    """The last `count` quarter ends whose next quarter has ended, oldest first."""
    quarter = Quarter.of(today)
    days = []
    while len(days) < count:
        quarter = _previous(quarter)
        if quarter.following().last < today:
            days.append(quarter.last)
    return days[::-1]


def _previous(quarter: Quarter) -> Quarter:
    if quarter.number == 1:
        return Quarter(quarter.year - 1, 4)
    return Quarter(quarter.year, quarter.number - 1)


def _actual(
    open_ids: dict[str, str],
    now: dict[str, History],
    target: str,
    quarter: Quarter,
    origin: date,
) -> int:
    """How many of the origin's open projects entered `target` in `quarter`."""
    count = 0
    for project_id, stage in open_ids.items():
        if stage not in TARGETS[target] or project_id not in now:
            continue
        day = first_entry_after(now[project_id], target, origin)
        if day is not None and quarter.first <= day <= quarter.last:
            count += 1
    return count


def backtest(
    forecast_at: Callable[[date], dict[str, Any]],
    histories_now: Sequence[History],
    histories_at: Callable[[date], Sequence[History]],
    today: date,
    origins: int,
) -> dict[str, Any]:
    """Every origin's forecast per quarter with the actual count and a verdict."""
    now = {h.project_id: h for h in histories_now}
    rows, scored, covered = [], {t: 0 for t in TARGETS}, {t: 0 for t in TARGETS}
    for origin in origin_days(today, origins):
        result = forecast_at(origin)
        if result.get("insufficient_history"):
            rows.append({"as_of": origin.isoformat(), "insufficient_history": True})
            continue
        open_ids = {
            p.project_id: p.stage
            for h in histories_at(origin)
            if (p := open_project(h, origin)) is not None
        }
        for item in result["quarters"]:
            quarter = Quarter(int(item["quarter"][:4]), int(item["quarter"][-1]))
            if quarter.last >= today:
                break
            row: dict[str, Any] = {
                "as_of": origin.isoformat(),
                "quarter": item["quarter"],
            }
            for target in TARGETS:
                figure = item[target]
                actual = _actual(open_ids, now, target, quarter, origin)
                hit = figure["low"] <= actual <= figure["high"]
                scored[target] += 1
                covered[target] += hit
                row[target] = {**figure, "actual": actual, "covered": hit}
            rows.append(row)
    return {
        "rows": rows,
        "coverage": {
            t: {
                "scored": scored[t],
                "covered": covered[t],
                "rate": _rate(covered[t], scored[t]),
            }
            for t in TARGETS
        },
        "level": 0.8,
    }


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None
