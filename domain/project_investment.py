"""The project's completed investment (完成投资), reported month by month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.clock import today as bureau_today
from domain.errors import RuleViolationError
from domain.investment import parse_amount, parse_month
from domain.project_state import ProjectState
from domain.rules import TEXT_MAX, optional_text


class CompletedInvestment(ProjectState):
    """Each month's completed investment (rules in domain/investment.py)."""

    def report_investment(
        self,
        month: object,
        amount: object,
        actor: str,
        note: str = "",
        today: date | None = None,
        source: dict[str, Any] | None = None,
    ) -> None:
        """Report a month's completed investment; a month again is a correction."""
        month = parse_month(month, today or bureau_today())
        figure = parse_amount(amount)
        before = self.investment.get(month)
        if before == figure:
            raise RuleViolationError("该月完成投资没有变化", "amount")
        self._report_investment(
            month=month,
            amount=figure,
            before=before,
            note=optional_text(note, "note", TEXT_MAX),
            actor=actor,
            source=source,
        )

    def _report_investment(
        self,
        month: str,
        amount: Decimal,
        before: Decimal | None,
        note: str,
        actor: str,
        source: dict | None,
    ) -> None:
        self.investment[month] = amount
