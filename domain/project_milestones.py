"""The project's milestone nodes (节点): planned and done dates, unit and note.

A gate node's dates are its stage's (project_stages.py): the node is a view of
the stage, never a second copy. The rules of a node live in domain/milestones.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.milestones import GATES, Node, NodeRecord, check_done_on, node_changes
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, optional_text


class MilestoneNodes(ProjectState):
    """Milestone nodes (节点) on the project, the gates read from its stages."""

    def update_milestone(
        self,
        node: Node,
        given: Mapping[str, Any],
        reason: str,
        actor: str,
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Change a node's planned or done date, unit or note.

        A gate node's dates are its stage's: a done date moves the project into
        the stage (or re-dates it), a planned date revises the stage's plan.
        """
        today = today or bureau_today()
        rest = dict(given)
        moved = (
            self._update_gate(node, rest, reason, actor, today) if node.gate else False
        )
        changes = node_changes(
            self.milestones.get(node.code, NodeRecord()),
            rest,
            today,
            self.earliest_date,
        )
        if not changes:
            if moved:
                return
            raise RuleViolationError("节点信息没有变化")
        self._update_milestone(
            code=node.code,
            changes=changes,
            reason=optional_text(reason, "reason", TEXT_MAX),
            actor=actor,
            source=source,
        )

    def _update_gate(
        self, node: Node, given: dict[str, Any], reason: str, actor: str, today: date
    ) -> bool:
        # Pops the dates from `given`: they are the stage's, not the node's.
        stage = node.gate
        assert stage is not None
        changed = False
        if "planned_on" in given:
            planned = given.pop("planned_on")
            if self.planned_dates.get(stage.value) != planned:
                self.revise_plan({stage.value: planned}, reason, actor)
                changed = True
        if "done_on" not in given:
            return changed
        done = given.pop("done_on")
        current = self.stage_dates.get(stage.value)
        if done == current:
            return changed
        if done is None:
            raise RuleViolationError(
                f"{node.name}即{stage.label}阶段：撤销请更正阶段",
                "done_on",
            )
        check_done_on(done, today, self.earliest_date)
        try:
            if current is None:
                self.move(stage, done, actor, reason, today)
            else:
                self.redate(stage, done, reason, actor, today)
        except RuleViolationError as error:
            field = "done_on" if error.field in ("to", "date") else error.field
            raise RuleViolationError(error.message, field) from None
        return True

    def node_dates(self) -> list[tuple[date | None, date | None]]:
        """(planned_on, done_on) of every node recorded, the gates from the stages."""
        dates = [
            (r.planned_on, r.done_on)
            for code, r in self.milestones.items()
            if code not in GATES
        ]
        for gate in GATES.values():
            dates.append(
                (self.planned_dates.get(gate.value), self.stage_dates.get(gate.value))
            )
        return dates

    def _update_milestone(
        self,
        code: str,
        changes: dict[str, list[Any]],
        reason: str,
        actor: str,
        source: dict | None = None,
    ) -> None:
        after = {field: value for field, (_before, value) in changes.items()}
        self.milestones[code] = self.milestones.get(code, NodeRecord()).changed(after)
