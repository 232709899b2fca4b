"""Notifications as rows, one per event that concerns someone, with its audience.

An event's audience is the project's officers (its responsible officer, and
officers scoped to its zone) or the leaders; who is in it is decided when a
user reads (queries.py), so a new leader sees the leaders' notifications too.
The id is the event's (project id and version), so the read marks kept
outside the read model (notification_reads) survive a rebuild.
rm_notify_projects keeps each project's name, officer and zone for that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.project import InvestmentProject
from domain.stall import LEVEL_LABELS
from gxtrack.infra.db import Cursor
from gxtrack.infra.ids import id_text
from gxtrack.readmodels.engine.projection import Projection, handles
from gxtrack.readmodels.engine.rows import RowBuffer

OFFICERS, LEADERS = "officer", "leaders"
PROJECT_COLUMNS = ("id", "name", "officer", "zone")


class NotificationProjection(Projection):
    """rm_notifications and rm_notify_projects."""

    name = "notifications"
    tables = ("rm_notifications", "rm_notify_projects")
    ddl = (
        "CREATE TABLE IF NOT EXISTS rm_notify_projects ("
        " id TEXT PRIMARY KEY, name TEXT NOT NULL, officer TEXT NOT NULL,"
        " zone TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS rm_notifications ("
        " id TEXT PRIMARY KEY, created_at TEXT NOT NULL, kind TEXT NOT NULL,"
        " audience TEXT NOT NULL, project_id TEXT NOT NULL,"
        " project_name TEXT NOT NULL, officer TEXT NOT NULL, zone TEXT NOT NULL,"
        " title TEXT NOT NULL, detail TEXT NOT NULL, link TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS rm_notifications_officer"
        " ON rm_notifications (audience, officer, created_at)",
        "CREATE INDEX IF NOT EXISTS rm_notifications_zone"
        " ON rm_notifications (audience, zone, created_at)",
    )

    def __init__(self) -> None:
        super().__init__()
        self.projects = RowBuffer("rm_notify_projects", PROJECT_COLUMNS)

    def begin_batch(self, cur: Cursor, notifications: Sequence[Any]) -> None:
        """Start the batch's project rows afresh."""
        self.projects.bind(cur)

    def finish_batch(self, cur: Cursor) -> None:
        """Write the batch's project rows."""
        self.projects.flush(cur)

    # -- the projects' names, officers and zones ---------------------------

    @handles(InvestmentProject.Registered)
    def on_InvestmentProject_Registered(self, cur: Cursor, e: Any) -> None:
        self.projects.insert(
            cur,
            {
                "id": id_text(e.originator_id),
                "name": e.name,
                "officer": e.officer,
                "zone": e.zone,
            },
        )

    @handles(InvestmentProject.OfficerReassigned)
    def on_InvestmentProject_OfficerReassigned(self, cur: Cursor, e: Any) -> None:
        self.projects.update(cur, id_text(e.originator_id), {"officer": e.after})

    @handles(InvestmentProject.DetailsRevised)
    def on_InvestmentProject_DetailsRevised(self, cur: Cursor, e: Any) -> None:
        changed = {
            field: after
            for field, (_before, after) in e.changes.items()
            if field in ("name", "zone")
        }
        self.projects.update(cur, id_text(e.originator_id), changed)

    # -- what concerns whom ------------------------------------------------

    def _notify(
        self,
        cur: Cursor,
        e: Any,
        audience: str,
        kind: str,
        title: str,
        detail: str,
        link: str | None = None,
    ) -> None:
        pid = id_text(e.originator_id)
        project = self.projects.get(cur, pid)
        if project is None:  # pragma: no cover - every project is registered first
            return
        cur.execute(
            "INSERT INTO rm_notifications (id, created_at, kind, audience,"
            " project_id, project_name, officer, zone, title, detail, link)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"{pid}:{e.originator_version}",
                e.timestamp.isoformat(),
                kind,
                audience,
                pid,
                project["name"],
                project["officer"],
                project["zone"],
                f"{title}：{project['name']}",
                detail[:300],
                link or f"/projects/{pid}",
            ),
        )

    @handles(InvestmentProject.StallFlagged)
    def on_InvestmentProject_StallFlagged(self, cur: Cursor, e: Any) -> None:
        level = LEVEL_LABELS.get(e.level, e.level)
        detail = f"{level}，本阶段已停留 {e.days_in_stage} 天，请回复原因和推进计划"
        self._notify(cur, e, OFFICERS, "stall", f"停滞{level}", detail)

    @handles(InvestmentProject.StallAnswered)
    def on_InvestmentProject_StallAnswered(self, cur: Cursor, e: Any) -> None:
        self._notify(
            cur, e, LEADERS, "stall_answer", "预警已回复", f"{e.actor}：{e.cause}"
        )

    @handles(InvestmentProject.StallEscalated)
    def on_InvestmentProject_StallEscalated(self, cur: Cursor, e: Any) -> None:
        self._notify(cur, e, OFFICERS, "stall_escalated", "停滞预警被督办", e.reason)

    @handles(InvestmentProject.SupervisionIssued)
    def on_InvestmentProject_SupervisionIssued(self, cur: Cursor, e: Any) -> None:
        detail = f"{e.requirement}（办理期限 {e.due_on.isoformat()}）"
        link = f"/supervisions/{e.supervision_id}"
        self._notify(cur, e, OFFICERS, "supervision", f"收到{e.number}", detail, link)

    @handles(InvestmentProject.SupervisionReplied)
    def on_InvestmentProject_SupervisionReplied(self, cur: Cursor, e: Any) -> None:
        link = f"/supervisions/{e.supervision_id}"
        self._notify(
            cur,
            e,
            LEADERS,
            "supervision_reply",
            "督办已回复",
            f"{e.actor}：{e.note}",
            link,
        )

    @handles(InvestmentProject.SupervisionSentBack)
    def on_InvestmentProject_SupervisionSentBack(self, cur: Cursor, e: Any) -> None:
        link = f"/supervisions/{e.supervision_id}"
        self._notify(cur, e, OFFICERS, "supervision", "督办被退回", e.reason, link)

    @handles(InvestmentProject.SupervisionClosed)
    def on_InvestmentProject_SupervisionClosed(self, cur: Cursor, e: Any) -> None:
        link = f"/supervisions/{e.supervision_id}"
        detail = e.note or "同意办结"
        self._notify(cur, e, OFFICERS, "supervision", "督办已办结", detail, link)
