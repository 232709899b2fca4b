"""我的待办: which of an officer's projects need them, as pure rules.

A live project (在谈, 签约, 落地) is on the list when the planned date of its next
stage has passed (计划节点逾期, from the day after it), or when it has had no
推进情况 for the policy's `quiet_days` (counted from the latest progress note,
or from the current stage's date when there is none).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from domain.stall import NEXT_STAGE


@dataclass(frozen=True)
class LatePlan:
    """The next stage's planned date, passed."""

    stage: str
    planned_on: date
    days_late: int


def late_plan(
    stage: str, planned_dates: Mapping[str, date | None], as_of: date
) -> LatePlan | None:
    """The next stage's planned date if it lies before `as_of`, else None."""
    following = NEXT_STAGE.get(stage)
    planned = planned_dates.get(following) if following else None
    if planned is None or planned >= as_of:
        return None
    return LatePlan(following, planned, (as_of - planned).days)


def quiet_for(progress_on: date | None, stage_date: date, as_of: date) -> int:
    """Days since the project last reported progress (or entered its stage)."""
    last = max(progress_on, stage_date) if progress_on else stage_date
    return (as_of - last).days


def is_quiet(
    stage: str, progress_on: date | None, stage_date: date, as_of: date, days: int
) -> bool:
    """Whether a live project has had no 推进情况 for `days` days or more."""
    return stage in NEXT_STAGE and quiet_for(progress_on, stage_date, as_of) >= days
