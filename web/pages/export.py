"""Pool exports as .xlsx and .csv with Chinese headers, safe to open in Excel.

A cell that starts with = + - @ (or a tab / carriage return) would be run as a
formula by a spreadsheet; such text is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from gxtrack.app.reports.cells import (  # noqa: F401 (re-export)
    FORMULA_STARTS,
    neutralise,
    write_table,
)

Column = tuple[str, Callable[[dict[str, Any]], Any]]


def rows_of(items: Iterable[dict[str, Any]], columns: list[Column]) -> list[list]:
    """The export rows: one list of neutralised cell values per item."""
    return [[neutralise(get(item)) for _, get in columns] for item in items]


def to_xlsx(title: str, columns: list[Column], rows: list[list]) -> bytes:
    """A one-sheet workbook formatted by the export layer (reports/cells.py)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    write_table(sheet, [header for header, _ in columns], rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(columns: list[Column], rows: list[list]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _ in columns])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def decimal_or_text(value: Any) -> Any:
    """Money as an exact Decimal number when it parses, else the text."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value
