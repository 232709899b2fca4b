"""A decision history as an .xlsx workbook (for auditors), one row per change."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook

from gxtrack.app.reports.cells import write_table
from gxtrack.app.reports.readable import HISTORY_HEADERS, Readable


def write_history_xlsx(
    items: list[dict[str, Any]],
    target: str | IO[bytes],
    readable: Readable | None = None,
) -> None:
    """Write history items (gxtrack.app.history) to a path or a binary stream."""
    book = Workbook()
    sheet = book.active
    sheet.title = "决策历史"
    rows = (readable or Readable()).history_rows(items)
    write_table(sheet, HISTORY_HEADERS, rows)
    book.save(target)
