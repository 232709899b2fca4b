"""Project use cases: register, move, withdraw, reinstate, correct, revise, merge."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actions import Action, ProjectFacts, require_action
from domain.clock import BUREAU_TZ
from domain.duplicates import duplicates_among
from domain.messages import DUPLICATE_PROJECT
from domain.permissions import (
    Actor,
    registering_officer,
    require_leader,
    require_project_change,
    require_register_in_zone,
)
from domain.project import InvestmentProject
from domain.stages import Stage
from gxtrack.app.base import ServiceBase
from gxtrack.errors import ConflictError, NotFoundError, RuleViolationError
from gxtrack.readmodels.pool.queries import projects_named, projects_named_applied


def _names(event: Any, name: str) -> bool:
    """Whether a project's event gives it this name (a registration's name,
    a revision's name after)."""
    given = getattr(event, "name", None)
    changes = getattr(event, "changes", None)
    if isinstance(changes, dict) and isinstance(changes.get("name"), list | tuple):
        given = changes["name"][-1]
    return isinstance(given, str) and given.strip() == (name or "").strip()


class DuplicateProjectError(ConflictError):
    """The project is already in the pool (same name and investor)."""

    def __init__(self, duplicates: list[dict[str, Any]]) -> None:
        names = "、".join(f"《{d['name']}》（{d['investor']}）" for d in duplicates)
        super().__init__(DUPLICATE_PROJECT.text(names=names))
        self.reason = DUPLICATE_PROJECT.code
        self.duplicates = duplicates


USCC_LENGTH = 18  # a credit code; an enterprise id is a 36-character UUID
# Events past the pool's position read for a duplicate check; more, and it
# waits for the read models instead (a bulk write is being applied).
DUPLICATE_TAIL = 200
PROJECT_TOPIC = get_topic(InvestmentProject) + "."  # its events' topics
PROGRESS_RETRIES = 5  # a note is re-added after losing a race to another save


class ProjectService(ServiceBase):
    """Commands and point reads on investment projects."""

    def duplicates_of(self, name: str, investor: str) -> list[dict[str, Any]]:
        """Projects in the pool with the same name and investor (domain/duplicates).

        Without waiting for the read models: the pool's rows as it has
        applied the log, with each project saved since then as its events
        say. (Waiting for every read model to apply every event was a third
        of a registration's time under 20 clients.) Far behind, after a bulk
        write, it waits as before.
        """
        position, rows = projects_named_applied(self.read_side.db, name)
        since = self.log_events(position + 1, DUPLICATE_TAIL)
        if len(since) >= DUPLICATE_TAIL:
            self.read_side.wait_for_read_models()
            return duplicates_among(
                name, investor, projects_named(self.read_side.db, name)
            )
        # Read afresh: the projects with this name (withdrawn too: they may
        # have been reinstated) changed since, and those the newer events
        # give this name; the other rows are as the log has them.
        named = {UUID(row["id"]): row for row in rows}
        newer = set()
        for stored in since:
            if not stored.topic.startswith(PROJECT_TOPIC):
                continue
            project_id = stored.originator_id
            if project_id in named or _names(self.mapper.to_domain_event(stored), name):
                newer.add(project_id)
        candidates = [
            row
            for project_id, row in named.items()
            if project_id not in newer and row["stage"] != Stage.WITHDRAWN
        ]
        for project_id in newer:
            candidate = self._duplicate_candidate(project_id, name)
            if candidate is not None:
                candidates.append(candidate)
        return duplicates_among(name, investor, candidates)

    def _duplicate_candidate(self, project_id: UUID, name: str) -> dict | None:
        """A project just saved, as projects_named would list it, if it would."""
        found = self.repository.get(project_id)
        if (
            (found.name or "").strip() != (name or "").strip()
            or found.stage is Stage.WITHDRAWN
            or found.merged_into is not None
        ):
            return None
        return {
            "id": str(found.id),
            "name": found.name,
            "investor": found.investor,
            "stage": found.stage.value,
            "officer": found.officer,
        }

    def register_project(
        self, actor: Actor, confirm_duplicate: bool | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Register a project (在谈 or 签约); `registering_officer` says whose.

        `confirm_duplicate=False` (what the web form and the API pass unless the
        user confirms) refuses a project with the name and investor of one in
        the pool; None (imports, the sample data) does not look.
        """
        if confirm_duplicate is False:
            same = self.duplicates_of(
                fields.get("name", ""), fields.get("investor", "")
            )
            if same:
                raise DuplicateProjectError(same)
        reference = self.reference()
        zone = reference.resolve("zone", fields.get("zone", ""))
        require_register_in_zone(actor, zone)
        fields["officer"] = registering_officer(actor, fields.get("officer"))
        if fields.get("enterprise_id"):
            fields["enterprise_id"] = self._enterprise_ref(fields["enterprise_id"])
        project = InvestmentProject.register(
            actor=actor.name, reference=reference, **fields
        )
        self.store(project)
        return self.view_project(project)

    def _enterprise_ref(self, value: str | UUID) -> UUID:
        """An enterprise by its id or its credit code (what a form is typed with)."""
        from domain.enterprise import Enterprise, enterprise_id
        from domain.uscc import normalize_uscc

        text = str(value).strip()
        if len(text) == USCC_LENGTH:
            value = enterprise_id(normalize_uscc(text, "enterprise_id"))
        # A reference inside the input is bad input (422), not a missing resource.
        try:
            return self.load(Enterprise, value).id
        except NotFoundError:
            raise RuleViolationError(
                f"找不到该企业（统一社会信用代码或编号）: {text}，请先在企业库登记",
                "enterprise_id",
            ) from None

    def get_project(
        self,
        project_id: str | UUID,
        version: int | None = None,
        recorded_at: datetime | None = None,
    ) -> dict[str, Any]:
        """The project now, at a version, or as recorded at an instant."""
        day = None
        if recorded_at is not None:
            version = self._version_at(project_id, recorded_at)
            day = recorded_at.astimezone(BUREAU_TZ).date()
        project = self.load(InvestmentProject, project_id, version, read_only=True)
        return self.view_project(project, day)

    def _version_at(self, project_id: str | UUID, instant: datetime) -> int:
        return self.version_at(InvestmentProject, project_id, instant)  # type: ignore[attr-defined]

    def _changeable(
        self,
        actor: Actor,
        project_id: str | UUID,
        expected_version: int | None,
        action: Action | None = None,
    ) -> InvestmentProject:
        project = self.load(InvestmentProject, project_id)
        require_project_change(actor, project.officer, project.zone)
        self.check_version(project, expected_version)
        if action is not None:  # the aggregate refuses the other actions itself
            require_action(actor, ProjectFacts.of(project), action)
        return project

    def _finish(self, project: InvestmentProject) -> dict[str, Any]:
        self.store(project)
        return self.view_project(project)

    def move_project(
        self,
        actor: Actor,
        project_id: str | UUID,
        to: str,
        on: date,
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Move forward, withdraw, or (leaders only) correct backwards."""
        project = self._changeable(actor, project_id, expected_version)
        if project.is_backward(to):
            require_leader(actor, "退回阶段（更正）")
        project.move(to, on, actor.name, reason)
        return self._finish(project)

    def reinstate_project(
        self,
        actor: Actor,
        project_id: str | UUID,
        reason: str,
        expected_version: int | None = None,
        on: date | None = None,
    ) -> dict[str, Any]:
        """Bring a withdrawn project back (leaders only)."""
        require_leader(actor, "恢复已终止项目")
        project = self._changeable(actor, project_id, expected_version)
        project.reinstate(reason, actor.name, on)
        return self._finish(project)

    def redate_stage(
        self,
        actor: Actor,
        project_id: str | UUID,
        stage: str,
        on: date,
        reason: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Correct the recorded date of a stage (leaders only)."""
        require_leader(actor, "更正阶段日期")
        project = self._changeable(actor, project_id, expected_version, Action.REDATE)
        project.redate(stage, on, reason, actor.name)
        return self._finish(project)

    def report_progress(
        self,
        actor: Actor,
        project_id: str | UUID,
        on: date,
        note: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Add a progress note (推进情况); notes never conflict.

        Two notes on one project cannot contradict each other, so the version
        the writer read (`expected_version`, accepted for the contract) is not
        checked, and a note that loses a race with another save is added again
        to the newer version.
        """
        for attempt in range(PROGRESS_RETRIES):
            project = self._changeable(actor, project_id, None)
            project.report_progress(on, note, actor.name)
            try:
                return self._finish(project)
            except ConflictError:
                if attempt == PROGRESS_RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def revise_project(
        self,
        actor: Actor,
        project_id: str | UUID,
        changes: dict[str, Any],
        reason: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Revise details; the event keeps each change before → after."""
        project = self._changeable(actor, project_id, expected_version, Action.EDIT)
        if changes.get("enterprise_id"):
            changes["enterprise_id"] = self._enterprise_ref(changes["enterprise_id"])
        if "zone" in changes:
            require_register_in_zone(
                actor, self.reference().resolve("zone", changes["zone"])
            )
        project.revise(changes, reason, actor.name, self.reference())
        return self._finish(project)

    def reassign_project(
        self,
        actor: Actor,
        project_id: str | UUID,
        officer: str,
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Hand the project to another officer (leaders only)."""
        require_leader(actor, "调整责任人")
        project = self._changeable(actor, project_id, expected_version, Action.REASSIGN)
        project.reassign(officer, reason, actor.name)
        return self._finish(project)

    def revise_plan(
        self,
        actor: Actor,
        project_id: str | UUID,
        planned_dates: dict[str, date | None],
        reason: str = "",
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Set new planned dates for the coming stages."""
        project = self._changeable(actor, project_id, expected_version, Action.PLAN)
        project.revise_plan(planned_dates, reason, actor.name)
        return self._finish(project)

    def merge_project(
        self,
        actor: Actor,
        project_id: str | UUID,
        into: str | UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Merge a duplicate registration into the project it duplicates (leaders).

        Both aggregates record the merge in one save (domain/duplicates.py has
        the rules); the duplicate's view, now a pointer to the survivor, is
        returned.
        """
        require_leader(actor, "合并重复项目")
        duplicate = self._changeable(actor, project_id, expected_version)
        survivor = self._merge_survivor(into)
        duplicate.merge_into(survivor, reason, actor.name)
        self.store(duplicate, survivor)
        return self.view_project(duplicate)

    def _merge_survivor(self, into: str | UUID) -> InvestmentProject:
        # The survivor is named in the body: a missing one is bad input (422).
        try:
            return self.load(InvestmentProject, into)
        except NotFoundError:
            raise RuleViolationError(f"找不到要合并到的项目: {into}", "into") from None
