"""The project's stall alert (停滞预警): flagged, answered, escalated, cleared.

The rule is domain/stall_judgement.py's `judge_on`; the weekly scan calls
`review_stall` on the aggregate, or `stall_event` on a read-model copy.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, required_text
from domain.stall import (
    StallAlert,
    StallAnswer,
    StallEscalation,
    StallTerms,
    StallVerdict,
    iso_week,
    stall_change,
)
from domain.stall_judgement import judge_on


class StallAlerts(ProjectState):
    """The stall alert: flagged or cleared by the scan, answered and escalated."""

    def review_stall(
        self, terms: StallTerms, as_of: date, week: str, actor: str
    ) -> str | None:
        """Flag a new or escalated stall, or clear an ended one; returns which."""
        verdict = judge_on(
            self.stage.value,
            self.stage_date,
            self.planned_dates,
            as_of,
            terms,
            self.exemption.until if self.exemption else None,
            self.node_dates(),
        )
        change = stall_change(self.stall.level if self.stall else None, verdict)
        if change == "flag" and verdict is not None:
            self._flag_stall(
                **verdict.as_dict(),
                policy_version=terms.version,
                week=week,
                as_of=as_of,
                actor=actor,
            )
        elif change == "clear":
            self._clear_stall(
                week=week, as_of=as_of, reason="不再满足停滞条件", actor=actor
            )
        return change

    @classmethod
    def stall_event(
        cls,
        project_id: UUID | str,
        version: int,
        facts: dict[str, Any],
        terms: StallTerms,
        as_of: date,
        week: str,
        actor: str,
    ) -> Any:
        """The event `review_stall` would record, from the project's facts at
        `version` (stage, stage_date, planned_dates, stall_level and
        exempt_until, if any), or None.

        It lets a scan judge a read-model copy without loading the aggregate;
        saving it fails (IntegrityError) if the project has moved past `version`.
        """
        verdict = judge_on(
            facts["stage"],
            facts["stage_date"],
            facts["planned_dates"],
            as_of,
            terms,
            facts.get("exempt_until"),
            facts.get("node_dates", ()),
        )
        change = stall_change(facts["stall_level"], verdict)
        if change is None:
            return None
        common = {
            "originator_id": UUID(str(project_id)),
            "originator_version": version + 1,
            "timestamp": cls.StallFlagged.create_timestamp(),
            "week": week,
            "as_of": as_of,
            "actor": actor,
        }
        if change == "flag" and verdict is not None:
            return cls.StallFlagged(
                **common, **verdict.as_dict(), policy_version=terms.version
            )
        return cls.StallCleared(**common, reason="不再满足停滞条件")

    def _flag_stall(
        self,
        level: str,
        rule: str,
        days_in_stage: int,
        threshold: int,
        policy_version: int,
        week: str,
        as_of: date,
        actor: str,
    ) -> None:
        verdict = StallVerdict(level, rule, days_in_stage, threshold)
        self.stall = StallAlert.flagged(
            self.stall, verdict, policy_version, week, as_of
        )

    def _clear_stall(self, week: str, as_of: date, reason: str, actor: str) -> None:
        self.stall = None

    def _clear_stall_on_move(self, day: date, actor: str) -> None:
        # A stage change ends the stall it was flagged for, in the same save;
        # the next scan judges the new stage afresh.
        if self.stall is not None:
            self._clear_stall(
                week=iso_week(day),
                as_of=day,
                reason=f"阶段已变更为{self.stage.label}",
                actor=actor,
            )

    def _check_stalled(self) -> StallAlert:
        if self.stall is None:
            raise RuleViolationError("项目当前没有停滞预警")
        return self.stall

    def answer_stall(
        self,
        cause: str,
        plan: str,
        checkpoint: date,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Answer the alert: cause, action plan and the next checkpoint date."""
        self._check_stalled()
        today = today or bureau_today()
        if not isinstance(checkpoint, date):
            raise RuleViolationError("日期格式应为 YYYY-MM-DD", "checkpoint")
        if checkpoint < today:
            raise RuleViolationError(
                f"下一检查节点不能早于今天 {today.isoformat()}", "checkpoint"
            )
        self._answer_stall(
            cause=required_text(cause, "cause", TEXT_MAX),
            plan=required_text(plan, "plan", TEXT_MAX),
            checkpoint=checkpoint,
            actor=actor,
        )

    def _answer_stall(
        self, cause: str, plan: str, checkpoint: date, actor: str
    ) -> None:
        assert self.stall is not None  # answer_stall checked it
        self.stall = self.stall.answered(StallAnswer(cause, plan, checkpoint, actor))

    def escalate_stall(self, reason: str, actor: str) -> None:
        """Escalate the alert (督办); once per flag."""
        if self._check_stalled().is_escalated:
            raise RuleViolationError("该预警已督办")
        self._escalate_stall(
            reason=required_text(reason, "reason", TEXT_MAX), actor=actor
        )

    def _escalate_stall(self, reason: str, actor: str) -> None:
        assert self.stall is not None  # escalate_stall checked it
        self.stall = self.stall.escalated(StallEscalation(reason, actor))
