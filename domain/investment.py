"""Completed investment (完成投资): a project's monthly figures in 万元.

A month is reported once and may be reported again: the later figure replaces
the earlier and the event keeps both (before → after). Months after the
current bureau month are refused; per-year and cumulative sums come from here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.cultivation import target_year
from domain.errors import RuleViolationError
from domain.rules import optional_text

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_MONTH = "1990-01"
AMOUNT_LIMIT = Decimal("1e12")


def parse_month(value: object, today: date) -> str:
    """A month as "YYYY-MM", not after the bureau's current month."""
    text = str(value or "").strip()
    match = MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RuleViolationError("月份格式应为 YYYY-MM", "month")
    if text > f"{today.year:04d}-{today.month:02d}":
        raise RuleViolationError(f"月份不能晚于本月 {today:%Y-%m}", "month")
    if text < FIRST_MONTH:
        raise RuleViolationError(f"月份不能早于 {FIRST_MONTH}", "month")
    return text


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """An exact amount of 万元, 0 or more, at most 4 decimal places."""
    if isinstance(value, bool):
        raise RuleViolationError("必须是数字", field)
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise RuleViolationError("必须是数字", field) from None
    if not amount.is_finite() or amount < 0:
        raise RuleViolationError("不能小于 0", field)
    if amount.as_tuple().exponent < -4 or amount >= AMOUNT_LIMIT:  # type: ignore[operator]
        raise RuleViolationError("金额超出范围", field)
    return amount


def investment_summary(months: Mapping[str, Decimal]) -> dict[str, Any]:
    """Cumulative and per-year totals (万元, decimal strings) of monthly figures."""
    by_year: dict[str, Decimal] = {}
    for month, amount in sorted(months.items()):
        by_year[month[:4]] = by_year.get(month[:4], Decimal(0)) + amount
    total = sum(by_year.values(), Decimal(0))
    return {
        "completed_total": plain(total),
        "by_year": {year: plain(amount) for year, amount in by_year.items()},
        "by_month": {m: plain(a) for m, a in sorted(months.items())},
    }


def plain(amount: Decimal) -> str:
    """A decimal string without exponent or needless zeros."""
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def same_day_last_year(day: date) -> date:
    """The same calendar day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def investment_target_id(year: int) -> UUID:
    """The aggregate id of a year's 工业投资 target."""
    return uuid5(NAMESPACE_URL, f"gxtrack:investment-target:{year}")


class InvestmentTarget(Aggregate):
    """The yearly 工业投资 target (万元), set by the admin like the tier targets."""

    @staticmethod
    def create_id(year: int, **_: Any) -> UUID:
        """One aggregate per year."""
        return investment_target_id(year)

    @classmethod
    def start(cls, year: object, actor: str, today: date) -> InvestmentTarget:
        """An empty target for `year` (2000 to five years ahead)."""
        return cls(year=target_year(year, today), actor=actor)

    @event("Created")
    def __init__(self, year: int, actor: str) -> None:
        self.year = year
        self.amount: Decimal | None = None

    def set_amount(self, amount: object, actor: str, reason: str = "") -> None:
        """Set the target; the event keeps before → after."""
        figure = parse_amount(amount)
        if figure == self.amount:
            raise RuleViolationError("目标没有变化", "amount")
        self._set(
            year=self.year,
            before=self.amount,
            amount=figure,
            reason=optional_text(reason, "reason"),
            actor=actor,
        )

    @event("InvestmentTargetSet")
    def _set(
        self,
        year: int,
        before: Decimal | None,
        amount: Decimal,
        reason: str,
        actor: str,
    ) -> None:
        self.amount = amount
