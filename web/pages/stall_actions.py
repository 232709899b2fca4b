"""The stall alert on the project page: answer (officer or leader), escalate (督办).

When they are offered is domain.actions' rule. project.py registers these in
its ACTIONS, so they share its version check, stale-conflict message and error
rendering; `alert_lifecycle` gives the page the alert's steps (flag → answer →
escalation → cleared).
"""

from __future__ import annotations

from typing import Any

from domain.permissions import Actor
from gxtrack.readmodels.alerts.queries import list_alerts
from web.i18n import N_
from web.pages.common import parse_date, runtime, text

RULE_LABELS = {"stage_threshold": N_("阶段停留超期"), "overdue": N_("计划节点逾期")}


def answer(actor: Actor, pid: str, version: int) -> None:
    """Record the answer: cause, action plan, next checkpoint date."""
    runtime().app.answer_stall(
        actor,
        pid,
        text("cause"),
        text("plan"),
        parse_date(text("checkpoint"), "checkpoint"),
        expected_version=version,
    )


def escalate(actor: Actor, pid: str, version: int) -> None:
    """Escalate the alert (leaders)."""
    runtime().app.escalate_stall(actor, pid, text("reason"), expected_version=version)


def alert_lifecycle(project_id: str) -> list[dict[str, Any]]:
    """The project's alerts, newest first, each with its answer/escalation/clear."""
    return list_alerts(runtime().db, project_id=project_id, limit=20)["items"]
