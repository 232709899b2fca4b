"""The plan slippage report as a use case: revisions joined to their projects."""

from __future__ import annotations

from typing import Any

from domain.errors import RuleViolationError
from domain.permissions import Actor, require_role
from domain.slippage import GROUPINGS, Tally, by_group, most_slipped
from domain.users import Role
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.plans.queries import plan_revisions
from gxtrack.readmodels.pool.queries import project_groups

TOP = 20
READERS = {Role.LEADER, Role.ADMIN, Role.AUDITOR}


class SlippageService(ServiceBase):
    """How often and how far planned dates were pushed back."""

    def plan_slippage(
        self, actor: Actor, grouping: str = "officer", limit: int = TOP
    ) -> dict[str, Any]:
        """Slippage per officer, zone or industry, and the projects that slipped most.

        Projects are grouped by their officer, zone and industry now.
        """
        require_role(actor, READERS, "查看计划延误分析")
        if grouping not in GROUPINGS:
            raise RuleViolationError("须为 officer、zone 或 industry", "by")
        db = self.read_side.db
        revisions = plan_revisions(db)
        groups = project_groups(db, [r["project_id"] for r in revisions])
        total = Tally()
        for r in revisions:
            total.add(r["project_id"], int(r["days"]))
        top = most_slipped(revisions, limit)
        for row in top:
            row.update(groups.get(row["project_id"], {}))
        return {
            "by": grouping,
            "total": total.as_dict(),
            "groups": by_group(revisions, groups, grouping),
            "projects": top,
        }
