"""Backtest: forecasts made on past quarter ends, beside what happened since.

Each origin is the last day of a quarter; the forecast is the one the bureau
would have got on that day (learning only from what was known then), and the
outcome is counted from the log as it stands now, over the same projects (those
in 签约 / 落地 on the origin). Only quarters that have ended are scored. The
coverage of the 80% intervals should come out near 80%.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from domain.forecast.quarters import Quarter
from domain.forecast.table import CODES, Entries, open_table

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


def _first_entries(now: Entries, stage: str, origin: date) -> np.ndarray:
    """Per project of `now`: the first day after `origin` it entered `stage`."""
    found = np.full(len(now.ids), np.iinfo(np.int64).max)
    rows = np.flatnonzero((now.stage == CODES[stage]) & (now.day > origin.toordinal()))
    # Rows are in each project's order: np.unique's first index is its first entry.
    projects, first = np.unique(now.project[rows], return_index=True)
    found[projects] = now.day[rows[first]]
    return found


def _open_in_now(
    now: Entries, at_origin: Entries, origin: date
) -> tuple[np.ndarray, np.ndarray]:
    """(project numbers in `now`, stage codes) of the origin's open projects."""
    found = open_table(at_origin, origin)
    if at_origin.ids is now.ids:
        return found.project, found.stage
    number = {pid: n for n, pid in enumerate(now.ids)}
    at = [number.get(pid, -1) for pid in at_origin.ids[found.project]]
    projects = np.array(at, dtype=np.int64)
    known = projects >= 0  # a project since erased from the log is not scored
    return projects[known], found.stage[known]


def backtest(
    forecast_at: Callable[[date], dict[str, Any]],
    entries_now: Entries,
    entries_at: Callable[[date], Entries],
    today: date,
    origins: int,
) -> dict[str, Any]:
    """Every origin's forecast per quarter with the actual count and a verdict."""
    rows, scored, covered = [], {t: 0 for t in TARGETS}, {t: 0 for t in TARGETS}
    for origin in origin_days(today, origins):
        result = forecast_at(origin)
        if result.get("insufficient_history"):
            rows.append({"as_of": origin.isoformat(), "insufficient_history": True})
            continue
        projects, stages = _open_in_now(entries_now, entries_at(origin), origin)
        reached = {}
        for target, sources in TARGETS.items():
            counted = np.isin(stages, [CODES[s] for s in sources])
            reached[target] = _first_entries(entries_now, target, origin)[
                projects[counted]
            ]
        for item in result["quarters"]:
            quarter = Quarter(int(item["quarter"][:4]), int(item["quarter"][-1]))
            if quarter.last >= today:
                break
            row: dict[str, Any] = {
                "as_of": origin.isoformat(),
                "quarter": item["quarter"],
            }
            first, last = quarter.first.toordinal(), quarter.last.toordinal()
            for target in TARGETS:
                figure = item[target]
                days = reached[target]
                actual = int(((days >= first) & (days <= last)).sum())
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
