"""The stall alert on the project page: which alert actions are open.

When they are offered is domain.actions' rule. Answering and escalating are
shared commands (web/commands.py) run by project.py's ACTIONS;
`alert_lifecycle` gives the page the alert's steps (flag → answer →
escalation → cleared).
"""

from __future__ import annotations

from typing import Any

from gxtrack.readmodels.alerts.queries import list_alerts
from web.i18n import N_
from web.pages.common import runtime

RULE_LABELS = {
    "stage_threshold": N_("阶段停留超期"),
    "overdue": N_("计划节点逾期"),
    "node_overdue": N_("里程碑节点逾期"),
}


def alert_lifecycle(project_id: str) -> list[dict[str, Any]]:
    """The project's alerts, newest first, each with its answer/escalation/clear."""
    return list_alerts(runtime().db, project_id=project_id, limit=20)["items"]
