"""A project's details: the fields a registration or a revision may set, checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.errors import RuleViolationError
from domain.reference import ReferenceData
from domain.rules import check_all, money, plausible_date, required_text
from domain.stages import FORWARD, OPENING_STAGES, Priority, Stage

PLANNED_KEYS = tuple(stage.value for stage in FORWARD[1:])  # no plan to negotiate
REVISABLE = (
    "name",
    "investor",
    "industry",
    "zone",
    "planned_investment",
    "priority",
    "land_area",
    "enterprise_id",
)


def parse_stage(value: str | Stage, field: str = "to") -> Stage:
    """The stage named by `value`, or a violation naming `field`."""
    try:
        return Stage(value)
    except ValueError:
        raise RuleViolationError(f"未知阶段: {value}", field) from None


def opening_stage(value: str | Stage) -> Stage:
    """The stage a new project opens in (在谈 or 签约)."""
    opening = parse_stage(value, "stage")
    if opening not in OPENING_STAGES:
        raise RuleViolationError("新项目只能从 在谈 或 签约 开始", "stage")
    return opening


def parse_priority(value: str | None) -> str:
    """The priority's code; none given is district."""
    try:
        return Priority(value or Priority.DISTRICT).value
    except ValueError:
        raise RuleViolationError(f"未知重点级别: {value}", "priority") from None


def parse_land_area(value: object) -> Decimal | None:
    """The land area as an exact amount, or None when not given."""
    if value in (None, ""):
        return None
    area = money(value, "land_area")
    return area


def parse_planned_dates(value: dict[str, Any] | None) -> dict[str, date]:
    """The planned dates of the coming stages, checked to be in stage order."""
    planned: dict[str, date] = {}
    for key, day in (value or {}).items():
        if key not in PLANNED_KEYS:
            raise RuleViolationError(f"未知计划节点: {key}", "planned_dates")
        if day is not None:
            if not isinstance(day, date):
                raise RuleViolationError("计划日期格式错误", f"planned_dates.{key}")
            planned[key] = plausible_date(day, f"planned_dates.{key}")
    ordered = [planned[k] for k in PLANNED_KEYS if k in planned]
    if ordered != sorted(ordered):
        raise RuleViolationError(
            "计划日期必须按 签约 ≤ 开工 ≤ 投产 的顺序", "planned_dates"
        )
    return planned


def clean_revision(changes: dict[str, Any], reference: ReferenceData) -> dict[str, Any]:
    """The revised fields, each checked as at registration; others are refused."""
    for field in changes:
        if field not in REVISABLE:
            raise RuleViolationError(f"字段不可修改: {field}", field)
    return check_all(
        **{
            field: (lambda field=field, value=value: _clean(field, value, reference))
            for field, value in changes.items()
        }
    )


def _clean(field: str, value: Any, reference: ReferenceData) -> Any:
    """One revised field, checked as at registration."""
    if field in ("name", "investor"):
        return required_text(value, field)
    if field in ("industry", "zone"):
        return reference.resolve(field, value)
    if field == "planned_investment":
        return money(value)
    if field == "priority":
        return parse_priority(value)
    if field == "land_area":
        return parse_land_area(value)
    return value
