"""Small checks shared by the aggregates: lengths, money, business dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from domain.errors import RuleViolationError
from domain.text import clean_text

NAME_MAX = 200
TEXT_MAX = 2000
EARLIEST_DATE = date(1990, 1, 1)  # no business date of the district before it


def required_text(value: str | None, field: str, limit: int = NAME_MAX) -> str:
    """Stripped non-empty text of at most `limit` characters."""
    text = (value or "").strip()
    if not text:
        raise RuleViolationError("不能为空 (required)", field)
    if len(text) > limit:
        raise RuleViolationError(f"最多 {limit} 个字符 (at most {limit})", field)
    return clean_text(text, field, multiline=limit > NAME_MAX)


def optional_text(value: str | None, field: str, limit: int = TEXT_MAX) -> str:
    """Stripped text of at most `limit` characters; empty is allowed."""
    text = (value or "").strip()
    if len(text) > limit:
        raise RuleViolationError(f"最多 {limit} 个字符 (at most {limit})", field)
    return clean_text(text, field, multiline=limit > NAME_MAX)


def plausible_date(day: date, field: str = "date") -> date:
    """A date not before EARLIEST_DATE (a typo such as 1900 is refused)."""
    if day < EARLIEST_DATE:
        raise RuleViolationError(
            f"日期不能早于 {EARLIEST_DATE.isoformat()} (date before 1990)", field
        )
    return day


def money(value: object, field: str = "planned_investment") -> Decimal:
    """An exact positive amount of 万元 with at most 4 decimal places."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise RuleViolationError("必须是数字 (must be a number)", field) from None
    if not amount.is_finite() or amount <= 0:
        raise RuleViolationError("必须大于 0 (must be greater than 0)", field)
    if amount.as_tuple().exponent < -4 or amount >= Decimal("1e12"):
        raise RuleViolationError("金额超出范围 (amount out of range)", field)
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
        raise RuleViolationError(
            f"日期不能晚于今天 {today.isoformat()} (date is in the future)", field
        )
    if not_before is not None and day < not_before:
        raise RuleViolationError(
            f"日期不能早于{not_before_label} {not_before.isoformat()} "
            "(date is before the previous stage)",
            field,
        )
    return day
