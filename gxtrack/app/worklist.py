"""我的待办: what needs an officer now, and what waits on a leader.

An officer's list: stall alerts not yet answered, 督办 not closed, planned stage
dates passed, milestone nodes overdue (the gates are the planned stage dates),
projects with no 推进情况 for the policy's `quiet_days`, each over
their own projects (or their zone's, when scoped). A leader's: 督办 replied and
waiting for 办结, and 督办 past due. The rules are domain.worklist's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.permissions import Actor
from domain.stages import Stage
from domain.worklist import is_quiet, late_plan, quiet_for
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.alerts.queries import list_stalled
from gxtrack.readmodels.milestones.queries import late_nodes_of
from gxtrack.readmodels.pool.worklist import live_projects, scoped_projects
from gxtrack.readmodels.supervision.queries import Scope, list_supervisions

ALL = 10**6


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class WorklistService(ServiceBase):
    """Each user's work list."""

    def work_list(self, actor: Actor, as_of: date | None = None) -> dict[str, Any]:
        """The sections of the actor's 我的待办 as of `as_of` (default today)."""
        as_of = as_of or bureau_today()
        db = self.read_side.db
        if actor.is_leader:
            pending = list_supervisions(db, as_of, status="pending", page_size=ALL)
            return {
                "as_of": as_of.isoformat(),
                "leader": True,
                "to_close": [i for i in pending["items"] if i["status"] == "replied"],
                "overdue": [i for i in pending["items"] if i["timing"] == "overdue"],
            }
        scope = Scope(actor.name, actor.zone)
        rows = live_projects(db, actor.name, actor.zone)
        quiet_days = self.stall_policy()["quiet_days"]  # StalledService
        return {
            "as_of": as_of.isoformat(),
            "leader": False,
            "quiet_days": quiet_days,
            "stalls": self._unanswered(scope, as_of),
            "supervisions": list_supervisions(
                db, as_of, status="pending", scope=scope, page_size=ALL
            )["items"],
            "late_plans": self._late_plans(rows, as_of),
            "quiet": self._quiet(rows, as_of, quiet_days),
            "late_nodes": self._worklist_late_nodes(actor, as_of),
        }

    def _unanswered(self, scope: Scope, as_of: date) -> list[dict[str, Any]]:
        officer = None if scope.zone else scope.officer
        items = list_stalled(self.read_side.db, as_of, officer)["items"]
        return [
            i
            for i in items
            if scope.covers(i["officer"], i["zone"])
            and not (i.get("alert") or {}).get("answered_at")
        ]

    def _worklist_late_nodes(self, actor: Actor, as_of: date) -> list[dict]:
        """The actor's projects' non-gate nodes overdue on `as_of`, most late first:
        project, node name, planned date, days late and 责任单位."""
        db = self.read_side.db
        projects = {p["id"]: p for p in scoped_projects(db, actor.name, actor.zone)}
        names = {n["code"]: n["name"] for n in self.milestone_template()["nodes"]}
        found = []
        for row in late_nodes_of(db, list(projects), as_of):
            project = projects[row["project_id"]]
            planned = date.fromisoformat(row["planned_on"])
            found.append(
                {
                    "project_id": row["project_id"],
                    "name": project["name"],
                    "stage": project["stage"],
                    "code": row["code"],
                    "node": names.get(row["code"], row["code"]),
                    "planned_on": row["planned_on"],
                    "days_late": (as_of - planned).days,
                    "unit": row["unit"] or "",
                }
            )
        return found

    @staticmethod
    def _late_plans(rows: list[dict[str, Any]], as_of: date) -> list[dict]:
        found = []
        for row in rows:
            planned = {
                s: _day(row[f"planned_{s}"]) for s in ("signed", "landed", "producing")
            }
            late = late_plan(row["stage"], planned, as_of)
            if late is not None:
                found.append(
                    {
                        **row,
                        "stage_label": Stage(row["stage"]).label,
                        "next_label": Stage(late.stage).label,
                        "planned_on": late.planned_on.isoformat(),
                        "days_late": late.days_late,
                    }
                )
        return sorted(found, key=lambda r: -r["days_late"])

    @staticmethod
    def _quiet(rows: list[dict[str, Any]], as_of: date, days: int) -> list[dict]:
        found = []
        for row in rows:
            progress, stage_on = _day(row["progress_on"]), _day(row["stage_date"])
            assert stage_on is not None
            if is_quiet(row["stage"], progress, stage_on, as_of, days):
                found.append(
                    {
                        **row,
                        "stage_label": Stage(row["stage"]).label,
                        "quiet_days": quiet_for(progress, stage_on, as_of),
                    }
                )
        return sorted(found, key=lambda r: -r["quiet_days"])
