"""督办 (supervision): the numbered 督办单 a leader issues on a project, and its rules.

A leader issues a 督办 with a requirement, a due date and the handling units
(the first is the 牵头单位, the others 配合单位); the project's officer replies;
a leader closes it (办结) or sends it back for another reply. Each step is an
event of the project (InvestmentProject.SupervisionIssued …), so it is in the
project's history; the rules and the value they build live here.

Numbers count per year (督办〔2026〕3号). A SupervisionNumbers aggregate per year
hands them out and is saved in the same transaction as the project: two leaders
issuing at once take the same next number, and the second save fails (the
counter's version is taken) and is retried with the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolationError
from domain.rules import NAME_MAX, TEXT_MAX, optional_text, required_text

DUE_SOON_DAYS = 3  # 临期: due within this many days
MAX_DUE_DAYS = 366  # a 督办 is due within a year of issue
MAX_UNITS = 10


class Status(StrEnum):
    """Where a 督办 stands; the value is the API's `status`."""

    OPEN = "open"
    REPLIED = "replied"
    RETURNED = "returned"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.OPEN: "待回复",
    Status.REPLIED: "已回复",
    Status.RETURNED: "退回重办",
    Status.CLOSED: "已办结",
}
TIMINGS = ("overdue", "due_soon", "on_time")
TIMING_LABELS = {"overdue": "超期", "due_soon": "临期", "on_time": "未到期"}


def number_text(year: int, seq: int) -> str:
    """The 督办单's number as printed: 督办〔2026〕3号."""
    return f"督办〔{year}〕{seq}号"


def supervision_id(year: int, seq: int) -> UUID:
    """The id of the year's `seq`-th 督办: one 督办 per number."""
    return uuid5(NAMESPACE_URL, f"gxtrack:supervision:{year}:{seq}")


def timing(due_on: date, as_of: date, closed_on: date | None = None) -> str:
    """overdue (due before `as_of`), due_soon (due within 3 days), or on_time.

    A closed 督办 is timed on the day it was closed, if that came first: its
    clock stopped then.
    """
    day = min(as_of, closed_on) if closed_on else as_of
    if due_on < day:
        return "overdue"
    if (due_on - day).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "on_time"


def clean_units(units: Iterable[str] | None) -> list[str]:
    """The handling units, stripped, blanks and repeats dropped, lead unit first."""
    cleaned: list[str] = []
    for index, unit in enumerate(units or []):
        text = optional_text(unit, f"units.{index}", NAME_MAX)
        if text and text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_UNITS:
        raise RuleViolationError(f"承办单位最多 {MAX_UNITS} 个", "units")
    return cleaned


def check_due_on(due_on: date, today: date) -> date:
    """A due date from today to a year ahead."""
    if not isinstance(due_on, date):
        raise RuleViolationError("日期格式错误（应为 YYYY-MM-DD）", "due_on")
    if due_on < today:
        raise RuleViolationError(f"办理期限不能早于今天 {today.isoformat()}", "due_on")
    if due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise RuleViolationError("办理期限不能超过一年", "due_on")
    return due_on


@dataclass(frozen=True)
class Supervision:
    """One 督办单 as the project holds it."""

    id: str
    number: str
    requirement: str
    due_on: date
    units: tuple[str, ...]
    issued_by: str
    issued_on: date
    status: Status = Status.OPEN
    reply: str = ""
    replied_by: str = ""
    closed_on: date | None = None

    def timing(self, as_of: date) -> str:
        """The 督办's timing on `as_of` (see `timing`)."""
        return timing(self.due_on, as_of, self.closed_on)

    def check_reply(self) -> None:
        """A closed 督办 takes no reply."""
        if self.status is Status.CLOSED:
            raise RuleViolationError(f"{self.number}已办结，不能再回复", "note")

    def check_close(self) -> None:
        """A 督办 is closed once."""
        if self.status is Status.CLOSED:
            raise RuleViolationError(f"{self.number}已办结", "note")

    def check_send_back(self) -> None:
        """Only a replied 督办 can be sent back."""
        if self.status is not Status.REPLIED:
            raise RuleViolationError(
                f"{self.number}{self.status.label}，只有已回复的督办可以退回", "note"
            )

    def replied(self, note: str, actor: str) -> Supervision:
        """After the officer's reply."""
        return replace(self, status=Status.REPLIED, reply=note, replied_by=actor)

    def sent_back(self) -> Supervision:
        """After a leader sends it back for another reply."""
        return replace(self, status=Status.RETURNED)

    def closed(self, on: date) -> Supervision:
        """After 办结."""
        return replace(self, status=Status.CLOSED, closed_on=on)


def issue_fields(
    requirement: str, due_on: date, units: Iterable[str] | None, today: date
) -> dict[str, Any]:
    """The checked content of a new 督办 (requirement, due_on, units)."""
    return {
        "requirement": required_text(requirement, "requirement", TEXT_MAX),
        "due_on": check_due_on(due_on, today),
        "units": clean_units(units),
    }


def reply_note(note: str) -> str:
    """A reply says what was done: required."""
    return required_text(note, "note", TEXT_MAX)


def numbers_id(year: int) -> UUID:
    """The id of the year's number counter."""
    return uuid5(NAMESPACE_URL, f"gxtrack:supervision-numbers:{year}")


class SupervisionNumbers(Aggregate):
    """The year's 督办 numbers: each taken once, in order."""

    LABEL = "督办编号"

    @staticmethod
    def create_id(year: int) -> UUID:
        """One counter per year."""
        return numbers_id(year)

    @event("Started")
    def __init__(self, year: int) -> None:
        self.year = year
        self.last = 0

    def take(self, project_id: str, actor: str) -> int:
        """The next number of the year, for a 督办 on `project_id`."""
        self._take(seq=self.last + 1, project_id=project_id, actor=actor)
        return self.last

    @event("NumberTaken")
    def _take(self, seq: int, project_id: str, actor: str) -> None:
        self.last = seq
