"""The project's details: progress notes, revised fields, officer, planned dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.messages import NOTHING_CHANGED
from domain.project_fields import clean_revision, parse_planned_dates
from domain.project_state import ProjectState
from domain.reference import ReferenceData
from domain.rules import TEXT_MAX, business_date, optional_text, required_text


class ProjectDetails(ProjectState):
    """Progress notes (推进情况), revisions, the officer (责任人) and the plan."""

    def report_progress(
        self,
        on: date,
        note: str,
        actor: str,
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Record a progress note (推进情况) dated `on`."""
        self._report_progress(
            effective_date=business_date(on, today or bureau_today(), "date"),
            note=required_text(note, "note", TEXT_MAX),
            actor=actor,
            source=source,
        )

    def _report_progress(
        self,
        effective_date: date,
        note: str,
        actor: str,
        source: dict | None = None,  # default: events recorded before it existed
    ) -> None:
        self.last_progress = {"date": effective_date, "note": note}
        self.progress_count += 1

    def revise(
        self,
        changes: dict[str, Any],
        reason: str,
        actor: str,
        reference: ReferenceData,
    ) -> None:
        """Revise the project's details; the event keeps each field before → after."""
        clean = clean_revision(changes, reference)
        diff = {
            field: [getattr(self, field), value]
            for field, value in clean.items()
            if getattr(self, field) != value
        }
        if not diff:
            raise NOTHING_CHANGED.error()
        self._revise(
            changes=diff, reason=required_text(reason, "reason", TEXT_MAX), actor=actor
        )

    def _revise(self, changes: dict[str, list[Any]], reason: str, actor: str) -> None:
        for field, (_before, after) in changes.items():
            setattr(self, field, after)

    def reassign(self, officer: str, reason: str, actor: str) -> None:
        """Hand the project to another responsible officer (责任人)."""
        officer = required_text(officer, "officer", 80)
        if officer == self.officer:
            raise RuleViolationError("责任人没有变化", "officer")
        self._reassign(
            before=self.officer,
            after=officer,
            reason=optional_text(reason, "reason"),
            actor=actor,
        )

    def _reassign(self, before: str, after: str, reason: str, actor: str) -> None:
        self.officer = after

    def revise_plan(
        self, planned_dates: dict[str, Any], reason: str, actor: str
    ) -> None:
        """Set new planned dates (计划签约/开工/投产) for the coming stages."""
        after = parse_planned_dates({**self.planned_dates, **planned_dates})
        if after == self.planned_dates:
            raise RuleViolationError("计划日期没有变化", "planned_dates")
        self._revise_plan(
            before=dict(self.planned_dates),
            after=after,
            reason=optional_text(reason, "reason"),
            actor=actor,
        )

    def _revise_plan(
        self,
        before: dict[str, date],
        after: dict[str, date],
        reason: str,
        actor: str,
    ) -> None:
        self.planned_dates = dict(after)
