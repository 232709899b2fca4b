"""One section of the leaders' weekly digest, written three ways.

Each section (称号复核提醒, 超期督办, …) appears in the mail's plain text, in its
HTML and as a sheet of the attached workbook. A section states its title, its
columns and how one row reads as a line; this class writes all three, so the
text, the table and the sheet cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class DigestSection:
    title: str
    sheet: str
    columns: tuple[tuple[str, str], ...]
    intro: Callable[[list[Row]], str]
    line: Callable[[Row], str]

    def lines(self, rows: list[Row]) -> list[str]:
        """The plain-text section (empty when there is nothing to list)."""
        if not rows:
            return []
        return ["", f"【{self.title}】{self.intro(rows)}", *map(self.line, rows)]

    def html(self, rows: list[Row]) -> str:
        """The HTML section, every value escaped (empty when there is nothing)."""
        if not rows:
            return ""
        head = "".join(f"<th>{escape(title)}</th>" for title, _ in self.columns)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(_text(row.get(key)))}</td>" for _, key in self.columns
            )
            + "</tr>"
            for row in rows
        )
        return (
            f"<h3>{escape(self.title)}</h3><p>{escape(self.intro(rows))}</p>"
            '<table border="1" cellpadding="4" cellspacing="0">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )

    def add_sheet(self, book: Any, rows: list[Row]) -> None:
        """A sheet of the digest workbook, its header row frozen."""
        sheet = book.create_sheet(self.sheet)
        sheet.append([title for title, _ in self.columns])
        for row in rows:
            sheet.append([row.get(key) for _, key in self.columns])
        sheet.freeze_panes = "A2"


def _text(value: Any) -> str:
    return "" if value is None else str(value)
