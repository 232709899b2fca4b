"""The stall rule applied to many projects and weeks at once, for the what-if.

`judge` in domain/stall.py decides one project on one day; a draft policy is
tried on every project for every week of a period, so here the same rule runs
over arrays: one row per stage interval (the stage the project was in from
`entered` until `left`, and the planned date of its next stage). A test holds
it to `judge` on random cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from domain.errors import RuleViolationError
from domain.stall import DEFAULT_THRESHOLDS, MAX_DAYS, RED_FACTOR, StallTerms

NONE = np.iinfo(np.int64).max  # no planned date / interval still open
MAX_WEEKS = 260  # five years of Mondays


@dataclass(frozen=True)
class Spans:
    """Stage intervals as arrays (dates as ordinals, NONE where there is none)."""

    project: np.ndarray
    stage: np.ndarray
    entered: np.ndarray
    left: np.ndarray
    planned_next: np.ndarray


@dataclass(frozen=True)
class DraftTerms:
    """Thresholds, overdue grace and red factor of one policy (draft or in force)."""

    thresholds: Mapping[str, int]
    overdue_days: int
    red_factor: float = RED_FACTOR

    @classmethod
    def of(cls, terms: StallTerms, red_factor: float = RED_FACTOR) -> DraftTerms:
        """The terms of a policy version."""
        return cls(dict(terms.thresholds), terms.overdue_days, red_factor)


def draft_terms(
    in_force: StallTerms,
    thresholds: Mapping[str, object],
    red_factor: object = None,
    overdue_days: object = None,
) -> DraftTerms:
    """The draft: the policy in force with the given changes, each checked."""
    after = dict(in_force.thresholds)
    for stage, value in thresholds.items():
        if stage not in DEFAULT_THRESHOLDS:
            raise RuleViolationError(f"未知阶段: {stage}", "thresholds")
        after[stage] = _whole(value, f"thresholds.{stage}", 1, MAX_DAYS)
    grace = (
        in_force.overdue_days
        if overdue_days is None
        else _whole(overdue_days, "overdue_days", 0, MAX_DAYS)
    )
    factor = RED_FACTOR if red_factor is None else _factor(red_factor)
    return DraftTerms(after, grace, factor)


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise RuleViolationError("必须是整数天数", field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RuleViolationError("必须是整数天数", field) from None
    if not low <= number <= high:
        raise RuleViolationError(f"须在 {low}–{high} 天之间", field)
    return number


def _factor(value: object) -> float:
    try:
        factor = float(str(value))
    except ValueError:
        raise RuleViolationError("须为数字", "red_factor") from None
    if not 1 <= factor <= 10:
        raise RuleViolationError("须在 1–10 之间", "red_factor")
    return factor


def mondays(first: date, last: date) -> list[date]:
    """Every Monday in [first, last] (the as-of day of each ISO week's scan)."""
    if last < first:
        raise RuleViolationError("结束日期不能早于开始日期", "to")
    start = first + timedelta(days=(7 - first.weekday()) % 7)
    days = [start + timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]
    if len(days) > MAX_WEEKS:
        raise RuleViolationError(f"最多 {MAX_WEEKS} 周", "to")
    return [d for d in days if d <= last]


def levels(spans: Spans, day: date, terms: DraftTerms) -> np.ndarray:
    """Per span: 0 not stalled (or not its stage that day), 1 yellow, 2 red."""
    d = day.toordinal()
    level = np.zeros(len(spans.stage), dtype=np.int8)
    current = (spans.entered <= d) & (spans.left > d)
    late = np.where(spans.planned_next == NONE, -1, d - spans.planned_next)
    for stage, threshold in terms.thresholds.items():
        rows = current & (spans.stage == stage)
        days = d - spans.entered
        by_stage = np.where(
            days >= terms.red_factor * threshold, 2, np.where(days >= threshold, 1, 0)
        )
        grace = terms.overdue_days
        by_plan = np.where(
            late > terms.red_factor * grace, 2, np.where(late > grace, 1, 0)
        )
        level = np.where(rows, np.maximum(by_stage, by_plan), level)
    return level
