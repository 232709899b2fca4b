"""履约: the agreement's promises and the yearly actuals (rules in domain/agreement.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import date
from typing import Any

from domain.agreement import (
    Promises,
    YearResult,
    parse_promises,
    parse_results,
    result_year,
)
from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.project_state import ProjectState
from domain.rules import optional_text
from domain.stages import Stage


class AgreementCompliance(ProjectState):
    """The agreement's promises and each year's actuals (履约)."""

    def record_promises(
        self, given: Mapping[str, Any], reason: str, actor: str
    ) -> None:
        """Record or change the agreement's promises (at or after signing)."""
        if self.stage in (Stage.NEGOTIATING, Stage.WITHDRAWN):
            raise RuleViolationError("签约后才能录入协议承诺", "_schema")
        current = self.promises or Promises()
        changes = {
            field: [getattr(current, field), value]
            for field, value in parse_promises(given).items()
            if getattr(current, field) != value
        }
        if not changes:
            raise RuleViolationError("协议承诺没有变化")
        self._record_promises(
            changes=changes, reason=optional_text(reason, "reason"), actor=actor
        )

    def _record_promises(
        self, changes: dict[str, list[Any]], reason: str, actor: str
    ) -> None:
        after = {field: value for field, (_before, value) in changes.items()}
        self.promises = replace(self.promises or Promises(), **after)

    def report_results(
        self,
        year: object,
        given: Mapping[str, Any],
        actor: str,
        note: str = "",
        today: date | None = None,
    ) -> None:
        """Report a year's actuals (产值, 税收, 实际投资); again corrects them."""
        day = result_year(year, today or bureau_today(), self.stage_dates.get("signed"))
        before = self.results.get(day)
        after = replace(before or YearResult(), **parse_results(given))
        if after == before:
            raise RuleViolationError("该年度实绩没有变化")
        self._report_results(
            year=day,
            before=asdict(before) if before else None,
            after=asdict(after),
            note=optional_text(note, "note"),
            actor=actor,
        )

    def _report_results(
        self,
        year: int,
        before: dict[str, Any] | None,
        after: dict[str, Any],
        note: str,
        actor: str,
    ) -> None:
        self.results[year] = YearResult(**after)
