"""Stalled-project use cases: the weekly scan, answers, escalations, the policy.

The scan judges every pool row that may change (the pool's scan candidates, the
read models caught up first) with the domain's rule and builds the StallFlagged /
StallCleared event for each project whose stall state changes, at the row's
version + 1, without loading 100k aggregates. The row's version makes this
safe: if a project moved on after the pool was read, the save fails and those
projects' aggregates judge themselves instead.
All of the week's events and its StallScan are saved in one transaction, so a
second scan of the same week (same StallScan id) records nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.clock import today as bureau_today
from domain.messages import FUTURE_DATE
from domain.milestones import gate_dates
from domain.permissions import (
    Actor,
    require_admin,
    require_leader,
    require_project_change,
)
from domain.project import InvestmentProject
from domain.stall import (
    RED_FACTOR,
    STALLABLE_STAGES,
    StallPolicy,
    StallTerms,
    iso_week,
)
from domain.stall_scan import StallScan, scan_id
from gxtrack.app.base import ServiceBase
from gxtrack.readmodels.alerts.queries import list_scans
from gxtrack.readmodels.milestones.queries import overdue_nodes

# The stages a project can stall in, as the pool's query takes them.
STALLING_STAGES = tuple(stage.value for stage in STALLABLE_STAGES)
# The pool's rows in these stages or flagged now, every event projected first.
PoolRows = Callable[[Sequence[str]], list[dict[str, Any]]]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def pool_facts(row: dict[str, Any], late: Sequence[date] = ()) -> dict[str, Any]:
    """A pool row as the facts the stall rule judges; `late` the planned dates of
    its other nodes overdue on the scan's day (the node rule)."""
    planned = {
        "signed": _day(row["planned_signed"]),
        "landed": _day(row["planned_landed"]),
        "producing": _day(row["planned_producing"]),
    }
    return {
        "stage": row["stage"],
        "stage_date": date.fromisoformat(row["stage_date"]),
        "planned_dates": planned,
        "stall_level": row["stall_level"],
        "node_dates": [
            *gate_dates(row["stage"], planned),
            *((day, None) for day in late),
        ],
        "exempt_until": _day(row.get("exempt_until")),
    }


def policy_view(policy: StallPolicy) -> dict[str, Any]:
    """The policy as the API returns it."""
    return {
        "version": policy.version,
        "thresholds": dict(policy.thresholds),
        "overdue_days": policy.overdue_days,
        "quiet_days": policy.quiet_days,
        "red_factor": RED_FACTOR,
        "modified_at": policy.modified_on.isoformat(),
    }


class StalledService(ServiceBase):
    """The scan, the alert lifecycle and the policy."""

    def __init__(
        self, *args: Any, pool_rows: PoolRows | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Given by the wiring (gxtrack.bootstrap): the use case reads the pool
        # through the pool's queries, never its tables.
        self.pool_rows = pool_rows

    # -- policy ------------------------------------------------------------

    def _policy(self) -> StallPolicy:
        try:
            return self.repository.get(StallPolicy.create_id())
        except AggregateNotFoundError:
            policy = StallPolicy.with_defaults()
            try:
                self.save(policy)
            except IntegrityError:
                return self.repository.get(StallPolicy.create_id())
            return policy

    def stall_policy(self) -> dict[str, Any]:
        """The thresholds in force and their version."""
        return policy_view(self._policy())

    def stall_policy_history(self) -> list[dict[str, Any]]:
        """Every version of the policy, newest first (who, when, why, what)."""
        self._policy()  # the defaults are version 1
        items = []
        for e in self.events.get(StallPolicy.create_id()):
            items.append(
                {
                    "version": e.originator_version,
                    "recorded_at": e.timestamp.isoformat(),
                    "thresholds": dict(e.thresholds),
                    "overdue_days": e.overdue_days,
                    "quiet_days": e.quiet_days,
                    "before": dict(getattr(e, "before", None) or {}),
                    "reason": getattr(e, "reason", ""),
                    "actor": getattr(e, "actor", None),
                }
            )
        return items[::-1]

    def change_stall_policy(
        self,
        actor: Actor,
        thresholds: dict[str, object] | None = None,
        overdue_days: object = None,
        reason: str = "",
        expected_version: int | None = None,
        quiet_days: object = None,
    ) -> dict[str, Any]:
        """Change thresholds (admin only); the policy version goes up by one."""
        require_admin(actor, "修改停滞预警规则")
        policy = self._policy()
        self.check_version(policy, expected_version)
        policy.change(actor.name, thresholds, overdue_days, reason, quiet_days)
        self.store(policy)
        return policy_view(policy)

    # -- the scan ----------------------------------------------------------

    def stall_scan(self, week: str) -> dict[str, Any] | None:
        """The recorded scan of ISO week `week`, or None."""
        try:
            scan = self.repository.get(scan_id(week))
        except AggregateNotFoundError:
            return None
        return scan.result()

    def run_stall_scan(
        self, actor: Actor, as_of: date | None = None
    ) -> tuple[dict[str, Any], bool]:
        """Scan the pool as of `as_of` (default today); (scan, created).

        A week already scanned records nothing and returns its first result.
        """
        require_leader(actor, "执行停滞项目扫描")
        today = bureau_today()
        as_of = as_of or today
        if as_of > today:
            raise FUTURE_DATE.error("as_of", today=today.isoformat())
        week = iso_week(as_of)
        existing = self.stall_scan(week)
        if existing is not None:
            return existing, False
        if self.pool_rows is None:
            raise RuntimeError(
                "run_stall_scan needs the application built with pool_rows"
            )
        self._policy()  # the defaults are recorded as version 1 before any scan
        terms = self.stall_terms_on(as_of)
        rows = self.pool_rows(STALLING_STAGES)
        late = self._late_nodes(as_of, rows)
        events = []
        stalled = []
        for row in rows:
            event = InvestmentProject.stall_event(
                row["id"],
                row["version"],
                pool_facts(row, late.get(row["id"], ())),
                terms,
                as_of,
                week,
                actor.name,
            )
            if event is not None:
                events.append(event)
            flagged = isinstance(event, InvestmentProject.StallFlagged)
            if flagged or (event is None and row["stall_level"] is not None):
                stalled.append(row["id"])  # flagged now, or still flagged
        before = self._previous_stalled(as_of)
        scan = self._scan(week, as_of, actor, terms, len(rows), events, stalled, before)
        try:
            # One transaction for the scan and all its flags, so a second scan
            # of the week never finds half of them.
            self.save(scan, *events)
        except IntegrityError:
            found = self.stall_scan(week)
            if found is not None:  # another scan of this week won the race
                return found, False
            # A project changed after the pool was read: let the changed
            # projects' aggregates judge themselves, then save again.
            ids = [str(e.originator_id) for e in events]
            projects, still = self._review(ids, terms, as_of, week, actor)
            events = [e for p in projects for e in p.collect_events()]
            stalled = [i for i in stalled if i not in set(ids)] + still
            scan = self._scan(
                week, as_of, actor, terms, len(rows), events, stalled, before
            )
            self.store(scan, *events)
        return scan.result(), True

    def _late_nodes(
        self, as_of: date, rows: list[dict[str, Any]]
    ) -> dict[str, list[date]]:
        """The node rule's hook: non-gate nodes overdue on `as_of`, by project.

        A producing project's nodes (达产, 上规) can be late too: its pool row
        joins `rows` when it has one.
        """
        if self._read_side is None:
            return {}
        late = overdue_nodes(self.read_side.db, as_of)
        seen = {row["id"] for row in rows}
        if set(late) - seen:
            rows += [
                r
                for r in self.pool_rows(("producing",))
                if r["id"] in late and r["id"] not in seen
            ]
        return late

    def _previous_stalled(self, as_of: date) -> list[str]:
        """The projects the previous scan (latest as_of before `as_of`) found stalled."""
        earlier = [
            row
            for row in list_scans(self.read_side.db, limit=1000)["items"]
            if row["as_of"] < as_of.isoformat()
        ]
        if not earlier:
            return []
        previous = max(earlier, key=lambda row: row["as_of"])
        return self.repository.get(scan_id(previous["week"])).stalled_ids()

    @staticmethod
    def _scan(
        week: str,
        as_of: date,
        actor: Actor,
        terms: StallTerms,
        judged: int,
        events: list[Any],
        stalled: list[str],
        before: list[str],
    ) -> StallScan:
        """The scan's record; `cleared` = stalled before (the previous scan), not now.

        However a project stopped being stalled (a stage move, an exemption,
        a policy change or this scan), it is cleared once, by this scan.
        """
        flagged = [
            {
                "project_id": str(e.originator_id),
                "level": e.level,
                "days_in_stage": e.days_in_stage,
                "rule": e.rule,
            }
            for e in events
            if isinstance(e, InvestmentProject.StallFlagged)
        ]
        now = set(stalled)
        cleared = [pid for pid in dict.fromkeys(before) if pid not in now]
        return StallScan(
            week=week,
            as_of=as_of,
            actor=actor.name,
            policy_version=terms.version,
            flagged=flagged,
            cleared=cleared,
            judged=judged,
            stalled=sorted(now),
        )

    def _review(
        self,
        ids: list[str],
        terms: StallTerms,
        as_of: date,
        week: str,
        actor: Actor,
    ) -> tuple[list[InvestmentProject], list[str]]:
        changed, stalled = [], []
        for project_id in ids:
            project = self.repository.get(UUID(project_id))
            if project.review_stall(terms, as_of, week, actor.name):
                changed.append(project)
            if project.stall is not None:
                stalled.append(project_id)
        return changed, stalled

    # -- the alert's lifecycle ---------------------------------------------

    def answer_stall(
        self,
        actor: Actor,
        project_id: str | UUID,
        cause: str,
        plan: str,
        checkpoint: date,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """The responsible officer (or a leader) answers the alert."""
        project = self.load(InvestmentProject, project_id)
        require_project_change(actor, project.officer, project.zone)
        self.check_version(project, expected_version)
        project.answer_stall(cause, plan, checkpoint, actor.name)
        self.store(project)
        return self.view_project(project)

    def exempt_stall(
        self,
        actor: Actor,
        project_id: str | UUID,
        reason: str,
        until: date,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """A leader exempts the project from stall alerts (暂缓) until a date."""
        require_leader(actor, "暂缓停滞预警")
        project = self.load(InvestmentProject, project_id)
        self.check_version(project, expected_version)
        project.exempt_stall(reason, until, actor.name)
        self.store(project)
        return self.view_project(project)

    def escalate_stall(
        self,
        actor: Actor,
        project_id: str | UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """A leader escalates the alert (督办)."""
        require_leader(actor, "督办停滞项目")
        project = self.load(InvestmentProject, project_id)
        self.check_version(project, expected_version)
        project.escalate_stall(reason, actor.name)
        self.store(project)
        return self.view_project(project)
