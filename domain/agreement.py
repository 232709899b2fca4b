"""After 投产: 履约 — the agreement's promises against the yearly actuals.

Promises (投资强度 万元/亩, 亩均税收 万元/亩, 年产值 万元, 投产日期) are recorded at or
after signing; actuals (产值, 税收, 实际投资, 万元) are reported per year. The 履约
status is a pure function of both, the project's stage, land area and the day:
未到期 until production and a year's figures are in (or the promised 投产日期
has passed without production: 未达标), then 达标 when the latest year meets every
promise made. The lists a bureau acts on come from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import RuleViolationError
from domain.investment import parse_amount, plain

PROMISE_LABELS = {
    "intensity": "投资强度（万元/亩）",
    "tax_per_mu": "亩均税收（万元/亩）",
    "annual_output": "年产值（万元）",
    "producing_by": "投产日期",
}
RESULT_LABELS = {
    "output": "产值（万元）",
    "tax": "税收（万元）",
    "investment": "实际投资（万元）",
}
STATUS_LABELS = {"met": "达标", "unmet": "未达标", "pending": "未到期"}
LISTS = {
    "supplied_not_built": "供而未建",
    "built_not_producing": "建而未投",
    "producing_not_met": "投而未达",
}


@dataclass(frozen=True)
class Promises:
    """What the agreement promised; None where it promised nothing."""

    intensity: Decimal | None = None
    tax_per_mu: Decimal | None = None
    annual_output: Decimal | None = None
    producing_by: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data: amounts as decimal strings, the date as YYYY-MM-DD."""
        return {k: _plain(v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class YearResult:
    """One year's actuals (万元)."""

    output: Decimal | None = None
    tax: Decimal | None = None
    investment: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data: amounts as decimal strings."""
        return {k: _plain(v) for k, v in asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def parse_promises(given: Mapping[str, Any]) -> dict[str, Any]:
    """The promises given, checked (amounts ≥ 0, the date a date); None clears one."""
    clean: dict[str, Any] = {}
    for field, value in given.items():
        if field not in PROMISE_LABELS:
            raise RuleViolationError(f"未知承诺指标: {field}", field)
        if value is None or value == "":
            clean[field] = None
        elif field == "producing_by":
            if not isinstance(value, date):
                raise RuleViolationError("日期格式错误（应为 YYYY-MM-DD）", field)
            clean[field] = value
        else:
            clean[field] = parse_amount(value, field)
    if not clean:
        raise RuleViolationError("请至少填写一项承诺指标", "_schema")
    return clean


def parse_results(given: Mapping[str, Any]) -> dict[str, Decimal | None]:
    """A year's actuals, each an amount ≥ 0 or None."""
    clean: dict[str, Decimal | None] = {}
    for field, value in given.items():
        if field not in RESULT_LABELS:
            raise RuleViolationError(f"未知实绩指标: {field}", field)
        clean[field] = None if value in (None, "") else parse_amount(value, field)
    if not any(v is not None for v in clean.values()):
        raise RuleViolationError("请至少填写一项实绩 (产值、税收或实际投资)", "_schema")
    return clean


def result_year(value: object, today: date, signed_on: date | None) -> int:
    """A reported year: not after this year, not before the signing year."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleViolationError("年度必须是整数", "year") from None
    if year > today.year:
        raise RuleViolationError(f"年度不能晚于 {today.year}", "year")
    if signed_on is not None and year < signed_on.year:
        raise RuleViolationError(f"年度不能早于签约年度 {signed_on.year}", "year")
    return year


def compliance(
    promises: Promises | None,
    results: Mapping[int, YearResult],
    stage: str,
    land_area: Decimal | None,
    today: date,
) -> str | None:
    """达标 "met", 未达标 "unmet", 未到期 "pending", or None without promises.

    Per-亩 promises are judged only where the land area is known; the
    investment intensity counts every year's 实际投资 together.
    """
    if promises is None or promises == Promises():
        return None
    if stage != "producing":
        late = promises.producing_by is not None and promises.producing_by < today
        return "unmet" if late and stage != "withdrawn" else "pending"
    if not results:
        return "pending"
    latest = results[max(results)]
    checks = []
    if promises.annual_output is not None:
        checks.append((latest.output or 0) >= promises.annual_output)
    if land_area:
        if promises.tax_per_mu is not None:
            checks.append((latest.tax or 0) / land_area >= promises.tax_per_mu)
        if promises.intensity is not None:
            spent = sum(
                (r.investment or Decimal(0) for r in results.values()), Decimal(0)
            )
            checks.append(spent / land_area >= promises.intensity)
    return "met" if all(checks) else "unmet"


def action_list(
    stage: str,
    land_done: bool,
    status: str | None,
    planned_producing: date | None,
    promised_producing: date | None,
    today: date,
) -> str | None:
    """Which list a project is on: 供而未建, 建而未投, 投而未达, or None."""
    if stage in ("negotiating", "signed") and land_done:
        return "supplied_not_built"
    if stage == "landed":
        due = promised_producing or planned_producing
        if due is not None and due < today:
            return "built_not_producing"
    if stage == "producing" and status == "unmet":
        return "producing_not_met"
    return None
