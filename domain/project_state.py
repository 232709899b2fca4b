"""What every concern of the project aggregate reads: its stage and stage dates.

The InvestmentProject aggregate (domain/project.py) is one class mixed in from
a module per concern (stage moves, details, milestone nodes, completed
investment, 履约, stall alerts, 暂缓, 督办, merging duplicates). Each concern's
mixin derives from ProjectState and may call another's methods through `self`:
only the aggregate has them all.

A concern's private methods that apply an event are plain methods; the
aggregate declares each of them as its event (`event("Signed")(...)`), so every
event class stays nested on InvestmentProject in domain.project and keeps the
topic the event store holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from domain.errors import RuleViolationError
from domain.project_fields import parse_stage
from domain.stages import FORWARD, Stage


class ProjectState:
    """The stage queries every concern of the project shares."""

    @property
    def stage(self) -> Stage:
        """The current stage."""
        return self.timeline.current

    @property
    def stage_dates(self) -> Mapping[str, date]:
        """Each stage reached, by code, on its date (read-only)."""
        return self.timeline.stage_dates

    @property
    def stage_date(self) -> date:
        """The effective date of the current stage."""
        return self.stage_dates[self.stage.value]

    @property
    def withdrawn_from(self) -> Stage | None:
        """The stage a withdrawn project left (and returns to if reinstated)."""
        return self.timeline.withdrawn_from

    @property
    def is_withdrawn(self) -> bool:
        """Whether the project has exited (终止)."""
        return self.stage is Stage.WITHDRAWN

    def is_backward(self, to: str | Stage) -> bool:
        """Whether moving to `to` would be a correction (a backward move)."""
        target = parse_stage(to)
        return (
            not self.is_withdrawn
            and target in FORWARD
            and target.rank < self.stage.rank
        )

    def _check_not_withdrawn(self) -> None:
        if self.is_withdrawn:
            raise RuleViolationError("项目已终止，须先由领导恢复", "to")

    @property
    def earliest_date(self) -> date:
        """The earliest stage date: no node is done before it."""
        return min(self.stage_dates.values())
