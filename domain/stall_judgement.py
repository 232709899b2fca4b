"""The one stall judgement every surface shows, and the exemptions (暂缓) it honours.

Whether a project is stalled on a day is `judge_on`: the stall rule of
domain.stall under the policy in force that day (`terms_in_force`), unless an
exemption covers the day. The pages, the API, the exports and the weekly scan
all show this answer; the read model's SQL is checked against it by a test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import RuleViolationError
from domain.milestones import node_verdict, strongest
from domain.stall import StallTerms, StallVerdict, judge


@dataclass(frozen=True)
class StallExemption:
    """A leader's exemption: no stall is judged on any day up to `until`."""

    reason: str
    until: date
    actor: str
    granted_on: date

    def covers(self, day: date) -> bool:
        """Whether `day` falls within the exemption (its last day included)."""
        return day <= self.until

    def as_dict(self, today: date) -> dict[str, Any]:
        """Plain data for views, with whether it is still in force `today`."""
        return {
            "reason": self.reason,
            "until": self.until.isoformat(),
            "actor": self.actor,
            "granted_on": self.granted_on.isoformat(),
            "active": self.covers(today),
        }


def one_year_after(day: date) -> date:
    """The same date a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def exemption_until(until: object, today: date) -> date:
    """`until` if it is after today and at most a year ahead, else a 422 on it."""
    if not isinstance(until, date):
        raise RuleViolationError("日期格式错误（应为 YYYY-MM-DD）", "until")
    if until <= today:
        raise RuleViolationError(
            f"暂缓截止日期须晚于今天 {today.isoformat()}",
            "until",
        )
    latest = one_year_after(today)
    if until > latest:
        raise RuleViolationError(
            f"暂缓最长一年，截止日期不能晚于 {latest.isoformat()}",
            "until",
        )
    return until


def judge_on(
    stage: str,
    stage_date: date,
    planned_dates: Mapping[str, date | None],
    as_of: date,
    terms: StallTerms,
    exempt_until: date | None = None,
    node_dates: Iterable[tuple[date | None, date | None]] = (),
) -> StallVerdict | None:
    """The judgement on `as_of`: None when not stalled or exempted that day.

    The stage rule and the milestone-node rule (`node_dates`: planned, done)
    both count; the stronger verdict wins, and an exemption covers both.
    """
    if exempt_until is not None and as_of <= exempt_until:
        return None
    return strongest(
        judge(stage, stage_date, planned_dates, as_of, terms),
        node_verdict(stage, node_dates, as_of, terms),
    )


@dataclass(frozen=True)
class PolicyVersion:
    """One version of the stall policy and the first business day it governs."""

    in_force_from: date
    terms: StallTerms


def terms_in_force(versions: Sequence[PolicyVersion], day: date) -> StallTerms:
    """The terms governing `day`: the last version in force by then.

    Days before the first version was recorded fall under that first version
    (the defaults); with no version at all, the defaults apply.
    """
    if not versions:
        return StallTerms()
    ordered = sorted(versions, key=lambda v: v.terms.version)
    chosen = ordered[0]
    for version in ordered:
        if version.in_force_from <= day:
            chosen = version
    return chosen.terms
