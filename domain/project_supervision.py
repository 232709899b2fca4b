"""督办 on the project: issue, reply, send back, close (rules in domain/supervision.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, optional_text, required_text
from domain.supervision import Supervision, issue_fields, reply_note


class ProjectSupervision(ProjectState):
    """The project's 督办单, each replied to and closed by its own events."""

    def supervision(self, supervision_id: str) -> Supervision:
        """One of the project's 督办单, or a RuleViolationError."""
        found = self.supervisions.get(str(supervision_id))
        if found is None:
            raise RuleViolationError("督办不存在", "id")
        return found

    def issue_supervision(
        self,
        supervision_id: UUID,
        number: str,
        requirement: str,
        due_on: date,
        units: Iterable[str] | None,
        actor: str,
        today: date | None = None,
    ) -> None:
        """Issue a numbered 督办单 on this project (who may is the service's rule)."""
        self._check_not_withdrawn()
        today = today or bureau_today()
        self._issue_supervision(
            supervision_id=str(supervision_id),
            number=number,
            **issue_fields(requirement, due_on, units, today),
            issued_on=today,
            actor=actor,
        )

    def _issue_supervision(
        self,
        supervision_id: str,
        number: str,
        requirement: str,
        due_on: date,
        units: list[str],
        issued_on: date,
        actor: str,
    ) -> None:
        issued = Supervision(
            supervision_id, number, requirement, due_on, tuple(units), actor, issued_on
        )
        self.supervisions = {**self.supervisions, supervision_id: issued}

    def reply_supervision(self, supervision_id: str, note: str, actor: str) -> None:
        """The officer's reply: what was done."""
        self.supervision(supervision_id).check_reply()
        self._reply_supervision(
            supervision_id=str(supervision_id), note=reply_note(note), actor=actor
        )

    def _reply_supervision(self, supervision_id: str, note: str, actor: str) -> None:
        replied = self.supervisions[supervision_id].replied(note, actor)
        self.supervisions = {**self.supervisions, supervision_id: replied}

    def send_back_supervision(
        self, supervision_id: str, reason: str, actor: str
    ) -> None:
        """A leader sends the reply back: the officer replies again."""
        self.supervision(supervision_id).check_send_back()
        self._send_back_supervision(
            supervision_id=str(supervision_id),
            reason=required_text(reason, "note", TEXT_MAX),
            actor=actor,
        )

    def _send_back_supervision(
        self, supervision_id: str, reason: str, actor: str
    ) -> None:
        returned = self.supervisions[supervision_id].sent_back()
        self.supervisions = {**self.supervisions, supervision_id: returned}

    def close_supervision(
        self, supervision_id: str, note: str, actor: str, today: date | None = None
    ) -> None:
        """A leader signs the 督办 off (办结); once."""
        self.supervision(supervision_id).check_close()
        self._close_supervision(
            supervision_id=str(supervision_id),
            note=optional_text(note, "note", TEXT_MAX),
            closed_on=today or bureau_today(),
            actor=actor,
        )

    def _close_supervision(
        self, supervision_id: str, note: str, closed_on: date, actor: str
    ) -> None:
        closed = self.supervisions[supervision_id].closed(closed_on)
        self.supervisions = {**self.supervisions, supervision_id: closed}
