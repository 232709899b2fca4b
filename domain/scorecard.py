"""红黑榜: the zones ranked on what they landed and how they handled stalls.

A zone earns points for the stage entries dated in the period — 签约 1, 开工
(落地) 2, 投产 3 — and is ranked by points, then by the smaller stalled share
(its stalled projects among its live ones at the period's end), then by the
faster median answer to alerts. The top third is the 红榜, the bottom third
the 黑榜 (at least one each when there are two zones or more).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.errors import RuleViolationError

POINTS = {"signed": 1, "landed": 2, "producing": 3}
PERIODS = ("week", "month", "quarter")
PERIOD_LABELS = {"week": "周", "month": "月", "quarter": "季度"}


@dataclass(frozen=True)
class Period:
    """A reporting period: its kind, first and last day, and its name."""

    kind: str
    first: date
    last: date
    label: str


def period_of(kind: str, day: date) -> Period:
    """The week (ISO, Monday first), month or quarter containing `day`."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(kind, first, first + timedelta(days=6), f"{year}-W{week:02d}")
    if kind == "month":
        first = day.replace(day=1)
        label = f"{day.year}年{day.month}月"
        return Period(kind, first, _next_month(first) - timedelta(days=1), label)
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        last = _next_month(date(day.year, 3 * quarter, 1)) - timedelta(days=1)
        return Period(kind, first, last, f"{day.year}年第{quarter}季度")
    raise RuleViolationError(f"未知统计周期: {kind}", "period")


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def points(new: dict[str, int]) -> int:
    """A zone's points for its new 签约/开工/投产 in the period."""
    return sum(POINTS[stage] * new.get(stage, 0) for stage in POINTS)


def _order(row: dict[str, Any]) -> tuple:
    answer = row.get("median_answer_hours")
    return (
        -row["points"],
        row["stalled_share"],
        answer is None,
        answer or 0,
        row["zone"],
    )


def rank(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows ranked (`rank` from 1) and placed on the 红榜 or 黑榜 (`board`)."""
    ranked = sorted(({**r, "points": points(r["new"])} for r in rows), key=_order)
    size = max(1, len(ranked) // 3) if len(ranked) >= 2 else 0
    for index, row in enumerate(ranked):
        row["rank"] = index + 1
        row["board"] = (
            "red" if index < size else "black" if index >= len(ranked) - size else ""
        )
    return ranked
