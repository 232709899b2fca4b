"""The cultivation pool (培育库): who is a candidate for which designation and year.

The rules are plain functions so the aggregate, the import and the forms share
them; the candidacy itself lives on the Enterprise aggregate, so awarding the
designation closes it in the same event batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.designations import Designation
from domain.errors import RuleViolationError

FIRST_YEAR = 2000
YEARS_AHEAD = 5
OPEN, PROMOTED, WITHDRAWN = "open", "promoted", "withdrawn"
STATUS_LABELS = {OPEN: "培育中", PROMOTED: "已认定", WITHDRAWN: "已退出"}


def designation(value: str, field: str = "designation") -> Designation:
    """A designation by its code; an unknown code names the field."""
    try:
        return Designation((value or "").strip())
    except ValueError:
        raise RuleViolationError(f"未知称号: {value}", field) from None


def target_year(value: object, today: date, field: str = "year") -> int:
    """A plan year between 2000 and five years from now."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleViolationError("年度必须是整数", field) from None
    if not FIRST_YEAR <= year <= today.year + YEARS_AHEAD:
        raise RuleViolationError(
            f"年度须在 {FIRST_YEAR}–{today.year + YEARS_AHEAD} 之间", field
        )
    return year


def open_candidacy(
    candidacies: dict[str, dict[str, Any]], kind: Designation
) -> dict[str, Any] | None:
    """The open candidacy for `kind`, if any (there is at most one)."""
    for candidacy in candidacies.values():
        if candidacy["designation"] == kind.value and candidacy["status"] == OPEN:
            return candidacy
    return None
