"""Reading one ledger row's cells into values by field, or every bad cell.

Dates, amounts and areas are parsed as bureaus write them (`values`); 产业类别
and 落户板块 resolve against the reference lists, with the closest entries
suggested when a name is not on them; 责任人 written as a person's display name
becomes that user's name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from domain.errors import RuleViolationError
from domain.investment import parse_month
from domain.project_fields import PLANNED_KEYS
from domain.reference import ReferenceData
from domain.stages import FORWARD, Stage
from gxtrack.app.ledger.headers import NODE_LABELS, Column, label
from gxtrack.app.ledger.outcome import Problem, RowError
from gxtrack.app.ledger.values import (
    is_blank,
    normalize,
    parse_amount,
    parse_area,
    parse_date,
    parse_priority,
    parse_text,
)

# The forward stages after 在谈, each with its date column (from the stage order).
STAGE_FIELDS = tuple((stage.value, f"{stage.value}_on") for stage in FORWARD[1:])
NODE_COLUMNS = {
    code: (f"node_{code}_planned", f"node_{code}_done") for code in NODE_LABELS
}
DATE_FIELDS = {
    *(key for pair in NODE_COLUMNS.values() for key in pair),
    *(f"{stage.value}_on" for stage in Stage),
    *(f"planned_{key}" for key in PLANNED_KEYS),
    "progress_on",
}
MONTH_TEXT = re.compile(r"^(\d{4})[年./-](\d{1,2})月?$")
READERS = {"land_area": parse_area, "priority": parse_priority}


@dataclass(kw_only=True)
class RowParser:
    """Parses rows by the matched columns against the reference lists."""

    columns: dict[str, Column]
    reference: ReferenceData
    today: date
    officers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Each column's reader chosen once, not by field name for every cell.
        self._readers = [
            (key, column.index, column.header, self._reader(column))
            for key, column in self.columns.items()
        ]

    def parse(self, number: int, cells: list[Any]) -> dict[str, Any]:
        """The row's values by field; raises RowError listing every bad cell."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        width = len(cells)
        for key, index, header, read in self._readers:
            raw = cells[index] if index < width else None
            if is_blank(raw):
                continue
            try:
                values[key] = read(raw)
            except ValueError as error:
                problems.append(Problem(number, header, str(error)))
        for key in ("industry", "zone"):
            if key in values:
                try:
                    values[key] = self._resolve(key, values[key])
                except ValueError as error:
                    problems.append(Problem(number, self.header(key), str(error)))
        if problems:
            raise RowError(problems)
        if "officer" in values:
            # 责任人 is usually a person's name; the project keeps the user's name.
            values["officer"] = self.officers.get(values["officer"], values["officer"])
        return values

    def _reader(self, column: Column) -> Callable[[Any], Any]:
        """How a cell of this column becomes its field's value."""
        key = column.field
        if key in DATE_FIELDS:
            return parse_date
        if key in ("investment", "invest_amount"):
            return partial(parse_amount, scale=column.scale)
        if key == "invest_month":
            return self._month
        return READERS.get(key, parse_text)

    def _month(self, raw: Any) -> str:
        if not isinstance(raw, str):  # a date cell names its month
            return f"{parse_date(raw):%Y-%m}"
        text = normalize(raw).replace(" ", "")
        match = MONTH_TEXT.match(text)
        if match:  # 2025年6月, 2025.6, 2025/06
            text = f"{match.group(1)}-{int(match.group(2)):02d}"
        try:
            return parse_month(text, self.today)
        except RuleViolationError as error:
            raise ValueError(error.message) from None

    def _resolve(self, kind: str, value: str) -> str:
        try:
            return self.reference.resolve(kind, value)
        except RuleViolationError as error:
            entries = self.reference.entries(kind)
            names = {**{n: c for c, n in entries.items()}, **{c: c for c in entries}}
            close = difflib.get_close_matches(value, list(names), n=6, cutoff=0.3)
            codes = list(dict.fromkeys(names[m] for m in close))[:3]
            hint = "、".join(f"{entries[code]}（{code}）" for code in codes)
            raise ValueError(
                f"{error.message}" + (f"；最接近的是: {hint}" if hint else "")
            ) from None

    def header(self, key: str) -> str:
        """The ledger's own header for a field (its Chinese label if absent)."""
        column = self.columns.get(key)
        return column.header if column else label(key)

    def _cell(self, cells: list[Any], key: str) -> Any:
        index = self.columns[key].index
        return cells[index] if index < len(cells) else None

    def _text(self, cells: list[Any], key: str) -> str:
        value = self._cell(cells, key)
        return "" if is_blank(value) else parse_text(value)

    def _no_project(self, cells: list[Any]) -> bool:
        keys = ("name", "investor", "industry", "zone", "investment")
        return all(is_blank(self._cell(cells, k)) for k in keys)
