"""暂缓: exempting the project from stall alerts until a date."""

from __future__ import annotations

from datetime import date

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, required_text
from domain.stall import (
    STALLABLE_STAGES,
    iso_week,
)
from domain.stall_judgement import StallExemption, exemption_until

# Only stages that can stall can be exempted from stalling.
EXEMPTABLE_STAGES = frozenset(s.value for s in STALLABLE_STAGES)


class StallExemptions(ProjectState):
    """Exemptions from stall alerts (暂缓)."""

    def exempt_stall(
        self, reason: str, until: date, actor: str, today: date | None = None
    ) -> None:
        """Exempt the project from stall alerts (暂缓) until a date; clears its alert."""
        today = today or bureau_today()
        if self.stage.value not in EXEMPTABLE_STAGES:
            raise RuleViolationError(f"{self.stage.label}阶段的项目不会停滞，无需暂缓")
        self._exempt_stall(
            reason=required_text(reason, "reason", TEXT_MAX),
            until=exemption_until(until, today),
            granted_on=today,
            actor=actor,
        )
        if self.stall is not None:
            self._clear_stall(
                week=iso_week(today),
                as_of=today,
                reason=f"暂缓至 {until.isoformat()}",
                actor=actor,
            )

    def _exempt_stall(
        self, reason: str, until: date, granted_on: date, actor: str
    ) -> None:
        self.exemption = StallExemption(reason, until, actor, granted_on)
