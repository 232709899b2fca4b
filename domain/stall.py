"""The stalled-project policy (停滞项目预警): a pure judgement and its versioned terms.

A non-terminal project is stalled when its days in the current stage reach the
stage's threshold (`yellow`; `red` at twice it), or when the planned date of its
next stage is more than `overdue_days` past (`overdue`; red past twice that).
Producing and withdrawn projects never stall. The terms are configuration held
by the StallPolicy aggregate; each change is an event, and the aggregate's
version is the policy version every flag records.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.rules import TEXT_MAX, optional_text
from domain.stages import FORWARD

POLICY_ID = uuid5(NAMESPACE_URL, "gxtrack:stall-policy")
DEFAULT_THRESHOLDS = {"negotiating": 90, "signed": 180, "landed": 365}
DEFAULT_OVERDUE_DAYS = 30
# 我的待办 lists a live project with no 推进情况 for this many days (a policy term).
DEFAULT_QUIET_DAYS = 30
RED_FACTOR = 2
# Every stage with a next one; producing and withdrawn never stall.
STALLABLE_STAGES = FORWARD[:-1]
NEXT_STAGE = {s.value: FORWARD[s.rank + 1].value for s in STALLABLE_STAGES}
LEVELS = ("yellow", "red")
LEVEL_LABELS = {"yellow": "黄色预警", "red": "红色预警"}
RULE_LABELS = {
    "stage_threshold": "阶段停留超期",
    "overdue": "计划节点逾期",
    "node_overdue": "里程碑节点逾期",  # domain.milestones.NODE_RULE
}
MAX_DAYS = 3650


@dataclass(frozen=True)
class StallTerms:
    """The thresholds one judgement uses, and the policy version they belong to."""

    thresholds: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_THRESHOLDS)
    )
    overdue_days: int = DEFAULT_OVERDUE_DAYS
    version: int = 1
    quiet_days: int = DEFAULT_QUIET_DAYS


@dataclass(frozen=True)
class StallVerdict:
    """Why a project is stalled: level, rule, days in stage and the threshold."""

    level: str
    rule: str
    days_in_stage: int
    threshold: int

    def as_dict(self) -> dict[str, Any]:
        """Plain data for events and views."""
        return {
            "level": self.level,
            "rule": self.rule,
            "days_in_stage": self.days_in_stage,
            "threshold": self.threshold,
        }


@dataclass(frozen=True)
class StallAnswer:
    """The officer's answer to an alert: cause, plan and the next checkpoint."""

    cause: str
    plan: str
    checkpoint: date
    actor: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for views: the checkpoint as YYYY-MM-DD."""
        return {
            "cause": self.cause,
            "plan": self.plan,
            "checkpoint": self.checkpoint.isoformat(),
            "actor": self.actor,
        }


@dataclass(frozen=True)
class StallEscalation:
    """A leader's escalation (督办) of an alert."""

    reason: str
    actor: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for views."""
        return {"reason": self.reason, "actor": self.actor}


@dataclass(frozen=True)
class StallAlert:
    """A project's open stall alert: the verdict flagged, its answer and escalation.

    `since` is the day the project was first flagged in this stall; a raised level
    keeps it, and starts the answer and escalation afresh.
    """

    level: str
    rule: str
    days_in_stage: int
    threshold: int
    policy_version: int
    week: str
    flagged_on: date
    since: date
    answer: StallAnswer | None = None
    escalation: StallEscalation | None = None

    @classmethod
    def flagged(
        cls,
        previous: StallAlert | None,
        verdict: StallVerdict,
        policy_version: int,
        week: str,
        as_of: date,
    ) -> StallAlert:
        """The alert a flag on `as_of` leaves, after `previous` (None if new)."""
        return cls(
            level=verdict.level,
            rule=verdict.rule,
            days_in_stage=verdict.days_in_stage,
            threshold=verdict.threshold,
            policy_version=policy_version,
            week=week,
            flagged_on=as_of,
            since=previous.since if previous else as_of,
        )

    @property
    def is_escalated(self) -> bool:
        """Whether a leader has escalated it: an alert is escalated once."""
        return self.escalation is not None

    def answered(self, answer: StallAnswer) -> StallAlert:
        """The alert with `answer` (a later answer replaces an earlier one)."""
        return replace(self, answer=answer)

    def escalated(self, escalation: StallEscalation) -> StallAlert:
        """The alert once escalated."""
        return replace(self, escalation=escalation)

    def as_dict(self) -> dict[str, Any]:
        """Plain data as the API returns it: dates as YYYY-MM-DD."""
        return {
            "level": self.level,
            "rule": self.rule,
            "days_in_stage": self.days_in_stage,
            "threshold": self.threshold,
            "policy_version": self.policy_version,
            "week": self.week,
            "flagged_on": self.flagged_on.isoformat(),
            "since": self.since.isoformat(),
            "answer": self.answer.as_dict() if self.answer else None,
            "escalation": self.escalation.as_dict() if self.escalation else None,
        }


def level_rank(level: str | None) -> int:
    """0 for no stall, 1 yellow, 2 red: escalation compares these."""
    return 0 if level is None else LEVELS.index(level) + 1


def judge(
    stage: str,
    stage_date: date,
    planned_dates: Mapping[str, date | None],
    as_of: date,
    terms: StallTerms | None = None,
) -> StallVerdict | None:
    """None, or the verdict for a project in `stage` since `stage_date` on `as_of`.

    The more severe of the two rules wins; at equal level the stage rule is named.
    """
    terms = terms or StallTerms()
    threshold = terms.thresholds.get(stage)
    if threshold is None:  # producing, withdrawn: never stall
        return None
    days = (as_of - stage_date).days
    if days < 0:  # the stage began after the as-of date
        return None
    # The more severe rule wins and, at equal level, the stage rule: a red
    # stage verdict is final, a yellow one gives way only to a red overdue.
    verdict = None
    if days >= threshold:
        if days >= RED_FACTOR * threshold:
            return StallVerdict("red", "stage_threshold", days, threshold)
        verdict = StallVerdict("yellow", "stage_threshold", days, threshold)
    planned = planned_dates.get(NEXT_STAGE[stage])
    if planned is not None:
        late = (as_of - planned).days
        if late > terms.overdue_days:
            red = late > RED_FACTOR * terms.overdue_days
            if red or verdict is None:
                level = "red" if red else "yellow"
                return StallVerdict(level, "overdue", days, terms.overdue_days)
    return verdict


def stall_change(current_level: str | None, verdict: StallVerdict | None) -> str | None:
    """What a scan records: "flag" (new or escalated), "clear", or None.

    A stall whose level falls (red → yellow) keeps its alert until it clears.
    """
    if verdict is None:
        return "clear" if current_level is not None else None
    if level_rank(verdict.level) > level_rank(current_level):
        return "flag"
    return None


def iso_week(day: date) -> str:
    """The ISO week of `day`, e.g. "2024-W27"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _days(value: object, field: str, low: int) -> int:
    if isinstance(value, bool):
        raise RuleViolationError("必须是整数天数", field)
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleViolationError("必须是整数天数", field) from None
    if not low <= days <= MAX_DAYS:
        raise RuleViolationError(f"须在 {low}–{MAX_DAYS} 天之间", field)
    return days


class StallPolicy(Aggregate):
    """The stall thresholds in force; only the admin changes them (via the service)."""

    @staticmethod
    def create_id() -> UUID:
        """One policy per store."""
        return POLICY_ID

    @event("Created")
    def __init__(
        self,
        thresholds: dict[str, int],
        overdue_days: int,
        quiet_days: int = DEFAULT_QUIET_DAYS,  # default: events before it existed
    ) -> None:
        self.thresholds = dict(thresholds)
        self.overdue_days = overdue_days
        self.quiet_days = quiet_days

    @classmethod
    def with_defaults(cls) -> StallPolicy:
        """The defaults: negotiating 90, signed 180, landed 365, overdue 30."""
        return cls(thresholds=DEFAULT_THRESHOLDS, overdue_days=DEFAULT_OVERDUE_DAYS)

    def terms(self) -> StallTerms:
        """The terms for judgements, stamped with this policy version."""
        return StallTerms(
            dict(self.thresholds), self.overdue_days, self.version, self.quiet_days
        )

    def change(
        self,
        actor: str,
        thresholds: Mapping[str, object] | None = None,
        overdue_days: object = None,
        reason: str = "",
        quiet_days: object = None,
    ) -> None:
        """Set new thresholds (days per stage), the overdue grace and/or the
        days without 推进情况 after which a project is on the officer's work list."""
        after = dict(self.thresholds)
        for stage, value in (thresholds or {}).items():
            if stage not in DEFAULT_THRESHOLDS:
                raise RuleViolationError(
                    f"未知阶段: {stage}（只有 在谈/签约/落地 有阈值）", "thresholds"
                )
            after[stage] = _days(value, f"thresholds.{stage}", 1)
        grace = (
            self.overdue_days
            if overdue_days in (None, "")
            else _days(overdue_days, "overdue_days", 0)
        )
        quiet = (
            self.quiet_days
            if quiet_days in (None, "")
            else _days(quiet_days, "quiet_days", 1)
        )
        if (
            after == self.thresholds
            and grace == self.overdue_days
            and quiet == self.quiet_days
        ):
            raise RuleViolationError("预警规则没有变化")
        self._change(
            before={
                "thresholds": dict(self.thresholds),
                "overdue_days": self.overdue_days,
                "quiet_days": self.quiet_days,
            },
            thresholds=after,
            overdue_days=grace,
            quiet_days=quiet,
            reason=optional_text(reason, "reason", TEXT_MAX),
            actor=actor,
        )

    @event("PolicyChanged")
    def _change(
        self,
        before: dict[str, Any],
        thresholds: dict[str, int],
        overdue_days: int,
        reason: str,
        actor: str,
        quiet_days: int = DEFAULT_QUIET_DAYS,  # default: events before it existed
    ) -> None:
        self.thresholds = dict(thresholds)
        self.overdue_days = overdue_days
        self.quiet_days = quiet_days
