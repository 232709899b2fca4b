"""督办 use cases: issue a numbered 督办单, reply, send back, close (办结).

The steps are events of the project; the year's number counter is saved with
the project in one transaction, and a save that loses a race (the counter or
the project moved on meanwhile) is retried from a fresh read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.clock import today as bureau_today
from domain.permissions import Actor, require_leader, require_project_change
from domain.project import InvestmentProject
from domain.supervision import (
    SupervisionNumbers,
    number_text,
    numbers_id,
    supervision_id,
)
from gxtrack.app.base import ServiceBase, parse_id
from gxtrack.errors import ConflictError, NotFoundError
from gxtrack.readmodels.supervision.queries import get_supervision, project_of

ATTEMPTS = 20  # saves retried after losing a race (each round one issuer wins)


class SupervisionService(ServiceBase):
    """The 督办 lifecycle."""

    def issue_supervision(
        self,
        actor: Actor,
        project_id: str | UUID,
        requirement: str,
        due_on: date,
        units: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """A leader issues a 督办 on a project: the year's next number."""
        require_leader(actor, "下达督办")
        units = list(units or [])
        for _ in range(ATTEMPTS):
            today = bureau_today()
            project = self.load(InvestmentProject, project_id)
            numbers = self._numbers(today.year)
            seq = numbers.take(str(project.id), actor.name)
            sid = supervision_id(today.year, seq)
            project.issue_supervision(
                sid,
                number_text(today.year, seq),
                requirement,
                due_on,
                units,
                actor.name,
                today=today,
            )
            try:
                self.save(numbers, project)
            except IntegrityError:
                continue  # another 督办 took the number, or the project moved
            return self._view(str(sid))
        raise ConflictError("督办编号分配冲突，请重试")

    def _numbers(self, year: int) -> SupervisionNumbers:
        try:
            return self.repository.get(numbers_id(year))
        except AggregateNotFoundError:
            return SupervisionNumbers(year=year)

    def reply_supervision(
        self, actor: Actor, supervision: str, note: str
    ) -> dict[str, Any]:
        """The project's officer (or a leader) replies."""

        def reply(project: InvestmentProject) -> None:
            require_project_change(actor, project.officer, project.zone)
            project.reply_supervision(supervision, note, actor.name)

        return self._step(supervision, reply)

    def send_back_supervision(
        self, actor: Actor, supervision: str, note: str
    ) -> dict[str, Any]:
        """A leader sends the reply back for another."""
        require_leader(actor, "退回督办")
        return self._step(
            supervision,
            lambda p: p.send_back_supervision(supervision, note, actor.name),
        )

    def close_supervision(
        self, actor: Actor, supervision: str, note: str = ""
    ) -> dict[str, Any]:
        """A leader signs the 督办 off (办结); closing twice is refused."""
        require_leader(actor, "办结督办")
        return self._step(
            supervision, lambda p: p.close_supervision(supervision, note, actor.name)
        )

    def _step(
        self, supervision: str, command: Callable[[InvestmentProject], None]
    ) -> dict[str, Any]:
        supervision = str(parse_id(supervision, "督办"))
        project_id = project_of(self.read_side.db, supervision)
        if project_id is None:
            raise NotFoundError(f"督办不存在: {supervision}")
        for _ in range(ATTEMPTS):
            project = self.load(InvestmentProject, project_id)
            command(project)
            try:
                self.save(project)
            except IntegrityError:
                continue  # the project changed meanwhile: judge it afresh
            return self._view(supervision)
        raise ConflictError("项目正被他人修改，请重试")

    def _view(self, supervision: str) -> dict[str, Any]:
        self.read_side.wait_for_read_models()
        found = get_supervision(self.read_side.db, supervision, bureau_today())
        if found is None:  # pragma: no cover - the save above recorded it
            raise NotFoundError(f"督办不存在: {supervision}")
        return found

    def supervision(
        self, supervision: str, as_of: date | None = None
    ) -> dict[str, Any]:
        """One 督办, timed as of `as_of` (default today)."""
        supervision = str(parse_id(supervision, "督办"))
        found = get_supervision(self.read_side.db, supervision, as_of or bureau_today())
        if found is None:
            raise NotFoundError(f"督办不存在: {supervision}")
        return found
