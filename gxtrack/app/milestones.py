"""Milestone and investment use cases: the node template, node changes, monthly
completed investment.

Who may change a project's nodes or investment is `domain.actions`' answer
(`Action.MILESTONE`, `Action.INVESTMENT`), as for every other project command.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.actions import Action, ProjectFacts, require_action
from domain.milestones import MilestoneTemplate
from domain.permissions import Actor, require_admin, require_leader
from domain.project import InvestmentProject
from gxtrack.app.base import ServiceBase
from gxtrack.app.presenters import project_view


def template_view(template: MilestoneTemplate) -> dict[str, Any]:
    """The template as the API returns it."""
    return {
        "version": template.version,
        "nodes": [n.as_dict() for n in template.nodes],
        "modified_at": template.modified_on.isoformat(),
    }


class MilestoneService(ServiceBase):
    """The node template and the project's nodes and monthly investment."""

    def _template(self) -> MilestoneTemplate:
        try:
            return self.repository.get(MilestoneTemplate.create_id())
        except AggregateNotFoundError:
            template = MilestoneTemplate.with_defaults()
            try:
                self.save(template)
            except IntegrityError:
                return self.repository.get(MilestoneTemplate.create_id())
            return template

    def milestone_template(self) -> dict[str, Any]:
        """The nodes in force and the template version."""
        return template_view(self._template())

    def milestone_template_history(self) -> list[dict[str, Any]]:
        """Every version of the template, newest first (who, when, why, what)."""
        self._template()
        items = [
            {
                "version": e.originator_version,
                "recorded_at": e.timestamp.isoformat(),
                "nodes": list(e.nodes),
                "before": list(getattr(e, "before", None) or []),
                "reason": getattr(e, "reason", ""),
                "actor": getattr(e, "actor", None),
            }
            for e in self.events.get(MilestoneTemplate.create_id())
        ]
        return items[::-1]

    def change_milestone_template(
        self,
        actor: Actor,
        nodes: list[dict[str, Any]],
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Replace the node list (admin only); the template version goes up."""
        require_admin(actor, "修改节点模板")
        template = self._template()
        self.check_version(template, expected_version)
        template.change(nodes, actor.name, reason)
        self.store(template)
        return template_view(template)

    def _project_for(
        self,
        actor: Actor,
        project_id: str | UUID,
        expected_version: int | None,
        action: Action,
    ) -> InvestmentProject:
        project = self.load(InvestmentProject, project_id)
        require_action(actor, ProjectFacts.of(project), action)
        self.check_version(project, expected_version)
        return project

    def _view(self, project: InvestmentProject) -> dict[str, Any]:
        return project_view(project, self.reference(), self._template().nodes)

    def update_milestone(
        self,
        actor: Actor,
        project_id: str | UUID,
        code: str,
        given: dict[str, Any],
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Set a node's planned/done date, unit or note; a gate node is its stage."""
        node = self._template().node(code)
        project = self._project_for(
            actor, project_id, expected_version, Action.MILESTONE
        )
        done = given.get("done_on")
        if node.gate is not None and done is not None:
            reached = project.stage_dates.get(node.gate.value)
            if reached is not None and reached != done:
                require_leader(actor, "更正阶段日期")
        project.update_milestone(node, given, reason, actor.name)
        self.store(project)
        return self._view(project)

    def report_investment(
        self,
        actor: Actor,
        project_id: str | UUID,
        month: str,
        amount: object,
        note: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Report a month's completed investment (万元); again is a correction."""
        project = self._project_for(
            actor, project_id, expected_version, Action.INVESTMENT
        )
        project.report_investment(month, amount, actor.name, note)
        self.store(project)
        return self._view(project)
