"""The message catalogue: what a refusal says, in Chinese, with a stable code.

A bureau user reads the Chinese text and nothing else (no English mixed in); a
program reads the code (the API returns it beside the message as `reason`); the
English pages read `en`. A message with values names them in braces, filled by
`Message.error(field, **values)`. Messages used in one place only may stay
where they are raised, written in Chinese alone; the ones every interface shares
live here, so the same refusal reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.errors import RuleViolationError


@dataclass(frozen=True)
class Message:
    """One refusal: a stable code, its Chinese text and an English one."""

    code: str
    zh: str
    en: str

    def text(self, **values: Any) -> str:
        """The Chinese text with its values filled in."""
        return self.zh.format(**values)

    def english(self, **values: Any) -> str:
        """The English text with its values filled in."""
        return self.en.format(**values)

    def error(self, field: str = "_schema", **values: Any) -> RuleViolationError:
        """A RuleViolationError on `field` saying this message."""
        return RuleViolationError(self.text(**values), field, self.code, values)


REQUIRED = Message("required", "不能为空", "required")
TOO_LONG = Message("too_long", "最多 {limit} 个字符", "at most {limit} characters")
NOT_A_NUMBER = Message("not_a_number", "必须是数字", "must be a number")
NOT_POSITIVE = Message("not_positive", "必须大于 0", "must be greater than 0")
AMOUNT_RANGE = Message("amount_out_of_range", "金额超出范围", "amount out of range")
FUTURE_DATE = Message(
    "date_in_future", "日期不能晚于今天 {today}", "date is after today {today}"
)
DATE_BEFORE = Message(
    "date_before_previous",
    "日期不能早于{label} {day}",
    "date is before {day}",
)
DATE_FORMAT = Message(
    "bad_date", "日期格式应为 YYYY-MM-DD", "date expected (YYYY-MM-DD)"
)
NOTHING_CHANGED = Message("nothing_changed", "没有需要修改的内容", "nothing changed")
DUPLICATE_PROJECT = Message(
    "duplicate_project",
    "已有同名同投资方的项目：{names}。确属另一项目请勾选“仍然登记”",
    "a project with this name and investor exists: {names}",
)

MERGE_INTO_ITSELF = Message(
    "merge_into_itself",
    "不能把项目合并到它自己",
    "a project cannot be merged into itself",
)
MERGE_TARGET_CLOSED = Message(
    "merge_target_closed",
    "只能合并到仍在跟踪的项目（目标项目已{state}）",
    "the target project is no longer tracked ({state})",
)
ALREADY_MERGED = Message(
    "already_merged", "该项目已合并至《{name}》", "already merged into {name}"
)
MERGE_OPEN_SUPERVISION = Message(
    "merge_open_supervision",
    "该项目还有未办结的督办（{numbers}），须先办结再合并",
    "the project has open supervision orders ({numbers}); close them first",
)
PROJECT_MERGED = Message(
    "project_merged",
    "该项目已合并至另一项目，请在合并后的项目上操作",
    "the project was merged into another; act on that one",
)

CATALOGUE: dict[str, Message] = {
    m.code: m
    for m in (
        REQUIRED,
        TOO_LONG,
        NOT_A_NUMBER,
        NOT_POSITIVE,
        AMOUNT_RANGE,
        FUTURE_DATE,
        DATE_BEFORE,
        DATE_FORMAT,
        NOTHING_CHANGED,
        DUPLICATE_PROJECT,
        MERGE_INTO_ITSELF,
        MERGE_TARGET_CLOSED,
        ALREADY_MERGED,
        MERGE_OPEN_SUPERVISION,
        PROJECT_MERGED,
    )
}


def english(error: RuleViolationError) -> str:
    """A refusal in English when its code is catalogued, else its own text."""
    message = CATALOGUE.get(error.code or "")
    if message is None:
        return error.message
    return message.english(**(error.values or {}))
