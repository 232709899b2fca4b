"""Small checks shared by the aggregates: lengths, money, business dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from domain import messages
from domain.errors import RuleViolationError, RuleViolationsError
from domain.text import clean_text

NAME_MAX = 200
TEXT_MAX = 2000
EARLIEST_DATE = date(1990, 1, 1)  # no business date of the district before it


def check_all(**checks: Callable[[], Any]) -> dict[str, Any]:
    """Each check's value by name; every refusal at once if any refuses.

    A form with several wrong inputs then says so for each of them, not only
    for the first one a command happened to check.
    """
    values: dict[str, Any] = {}
    refused: list[RuleViolationError] = []
    for name, check in checks.items():
        try:
            values[name] = check()
        except RuleViolationsError as error:
            refused.extend(error.violations)
        except RuleViolationError as error:
            refused.append(error)
    if refused:
        raise refused[0] if len(refused) == 1 else RuleViolationsError(refused)
    return values


def required_text(value: str | None, field: str, limit: int = NAME_MAX) -> str:
    """Stripped non-empty text of at most `limit` characters."""
    text = (value or "").strip()
    if not text:
        raise messages.REQUIRED.error(field)
    if len(text) > limit:
        raise messages.TOO_LONG.error(field, limit=limit)
    return clean_text(text, field, multiline=limit > NAME_MAX)


def optional_text(value: str | None, field: str, limit: int = TEXT_MAX) -> str:
    """Stripped text of at most `limit` characters; empty is allowed."""
    text = (value or "").strip()
    if len(text) > limit:
        raise messages.TOO_LONG.error(field, limit=limit)
    return clean_text(text, field, multiline=limit > NAME_MAX)


def plausible_date(day: date, field: str = "date") -> date:
    """A date not before EARLIEST_DATE (a typo such as 1900 is refused)."""
    if day < EARLIEST_DATE:
        raise RuleViolationError(f"日期不能早于 {EARLIEST_DATE.isoformat()}", field)
    return day


def money(value: object, field: str = "planned_investment") -> Decimal:
    """An exact positive amount of 万元 with at most 4 decimal places."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise messages.NOT_A_NUMBER.error(field) from None
    if not amount.is_finite() or amount <= 0:
        raise messages.NOT_POSITIVE.error(field)
    if amount.as_tuple().exponent < -4 or amount >= Decimal("1e12"):
        raise messages.AMOUNT_RANGE.error(field)
    return amount


def business_date(
    day: date,
    today: date,
    field: str = "date",
    not_before: date | None = None,
    not_before_label: str = "上一阶段日期",
) -> date:
    """A business date that is not in the future, not before `not_before`,
    and not before EARLIEST_DATE."""
    plausible_date(day, field)
    if day > today:
        raise messages.FUTURE_DATE.error(field, today=today.isoformat())
    if not_before is not None and day < not_before:
        raise messages.DATE_BEFORE.error(
            field, label=not_before_label, day=not_before.isoformat()
        )
    return day
