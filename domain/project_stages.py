"""The project's stage moves: forward, withdrawal (终止), reinstatement, corrections.

Stages move forward one step at a time (在谈 → 签约 → 落地 → 投产), each on a
business date that is not in the future and not before the previous stage's date.
A backward move is a correction and needs a reason; so does withdrawal (终止). A
withdrawn project is frozen until a leader reinstates it. Who may correct or
reinstate is the service's concern; what a correction may do is decided here.
A stage change ends an open stall alert (project_stall.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.project_fields import parse_stage
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, business_date, optional_text, required_text
from domain.stages import FORWARD, Stage


class StageMoves(ProjectState):
    """Moving the project between stages, and correcting its stage dates."""

    def move(
        self,
        to: str | Stage,
        on: date,
        actor: str,
        reason: str = "",
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Move to stage `to` on business date `on`: forward, withdraw or correct."""
        target = parse_stage(to)
        self._check_not_withdrawn()
        if target is Stage.WITHDRAWN:
            self.withdraw(on, reason, actor, today, source)
        elif self.is_backward(target):
            self.correct(target, on, reason, actor, today)
        elif target is self.stage:
            raise RuleViolationError(f"项目已处于{target.label}阶段", "to")
        elif target is not self.stage.next():
            expected = self.stage.next()
            hint = f"，下一阶段应为{expected.label}" if expected else ""
            raise RuleViolationError(f"不能跳过阶段{hint}", "to")
        else:
            self._advance(target, on, actor, reason, today, source)

    def _advance(
        self,
        target: Stage,
        on: date,
        actor: str,
        reason: str,
        today: date | None,
        source: dict[str, Any] | None,
    ) -> None:
        day = business_date(on, today or bureau_today(), "date", self.stage_date)
        note = optional_text(reason, "reason", TEXT_MAX)
        step = {
            Stage.SIGNED: self._sign,
            Stage.LANDED: self._land,
            Stage.PRODUCING: self._start_production,
        }[target]
        step(effective_date=day, actor=actor, reason=note, source=source)
        self._clear_stall_on_move(day, actor)

    def _sign(
        self, effective_date: date, actor: str, reason: str, source: dict | None
    ) -> None:
        self.timeline = self.timeline.enter(Stage.SIGNED, effective_date)

    def _land(
        self, effective_date: date, actor: str, reason: str, source: dict | None
    ) -> None:
        self.timeline = self.timeline.enter(Stage.LANDED, effective_date)

    def _start_production(
        self, effective_date: date, actor: str, reason: str, source: dict | None
    ) -> None:
        self.timeline = self.timeline.enter(Stage.PRODUCING, effective_date)

    def withdraw(
        self,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Exit the project (终止); a reason is required."""
        self._check_not_withdrawn()
        day = business_date(on, today or bureau_today(), "date", self.stage_date)
        self._withdraw(
            effective_date=day,
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
            from_stage=self.stage.value,
            source=source,
        )
        self._clear_stall_on_move(day, actor)

    def _withdraw(
        self,
        effective_date: date,
        reason: str,
        actor: str,
        from_stage: str,
        source: dict | None,
    ) -> None:
        # from_stage is the timeline's last stage: withdrawn_from reads it there.
        self.timeline = self.timeline.withdraw(effective_date)

    def reinstate(
        self, reason: str, actor: str, on: date | None = None, today: date | None = None
    ) -> None:
        """Bring a withdrawn project back to the stage it left (leaders only)."""
        left = self.withdrawn_from  # None unless withdrawn
        if left is None:
            raise RuleViolationError("只有已终止的项目可以恢复", "to")
        today = today or bureau_today()
        self._reinstate(
            effective_date=business_date(on or today, today, "date", self.stage_date),
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
            to_stage=left.value,
        )

    def _reinstate(
        self, effective_date: date, reason: str, actor: str, to_stage: str
    ) -> None:
        self.timeline = self.timeline.reinstate(Stage(to_stage), effective_date)

    def correct(
        self,
        to: str | Stage,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Move back to an earlier stage (a correction); a reason is required."""
        target = parse_stage(to)
        self._check_not_withdrawn()
        if not self.is_backward(target):
            raise RuleViolationError("更正只能退回到更早的阶段", "to")
        if target.value not in self.stage_dates:
            raise RuleViolationError(f"项目从未处于{target.label}阶段", "to")
        removed = {
            stage.value: self.stage_dates[stage.value]
            for stage in FORWARD[target.rank + 1 :]
            if stage.value in self.stage_dates
        }
        day = business_date(on, today or bureau_today(), "date")
        self._correct(
            effective_date=day,
            from_stage=self.stage.value,
            to_stage=target.value,
            removed=removed,
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
        )
        self._clear_stall_on_move(day, actor)

    def _correct(
        self,
        effective_date: date,
        from_stage: str,
        to_stage: str,
        removed: dict[str, date],
        reason: str,
        actor: str,
    ) -> None:
        # `removed` are the stage dates after to_stage: cutting the timeline
        # back to where to_stage was last entered forgets exactly those.
        self.timeline = self.timeline.back_to(Stage(to_stage))

    def redate(
        self,
        stage: str | Stage,
        on: date,
        reason: str,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Correct the recorded date of a stage already reached (a back-dated fix)."""
        target = parse_stage(stage, "stage")
        if target.value not in self.stage_dates:
            raise RuleViolationError(f"项目尚未到达{target.label}阶段", "stage")
        # The stage's date is where its interval in the timeline begins: it
        # stays between the stage entered before and the one entered after
        # (a withdrawal later undone included).
        before, after = self.timeline.bounds(target)
        day = business_date(on, today or bureau_today(), "date", before)
        if after is not None and day > after:
            raise RuleViolationError(
                f"日期不能晚于下一阶段日期 {after.isoformat()}", "date"
            )
        self._redate(
            stage=target.value,
            before=self.stage_dates[target.value],
            effective_date=day,
            reason=required_text(reason, "reason", TEXT_MAX),
            actor=actor,
        )

    def _redate(
        self, stage: str, before: date, effective_date: date, reason: str, actor: str
    ) -> None:
        self.timeline = self.timeline.redate(Stage(stage), effective_date)
