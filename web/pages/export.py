"""Pool exports as .xlsx and .csv with Chinese headers, safe to open in Excel.

A cell that starts with = + - @ (or a tab / carriage return) would be run as a
formula by a spreadsheet; such text is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from gxtrack.app.reports.cells import (  # noqa: F401 (re-export)
    FORMULA_STARTS,
    neutralise,
    write_table,
)

Column = tuple[str, Callable[[dict[str, Any]], Any]]
CSV_CHUNK_ROWS = 2000


def to_xlsx(title: str, columns: list[Column], rows: list[list]) -> bytes:
    """A one-sheet workbook formatted by the export layer (reports/cells.py)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    write_table(sheet, [header for header, _ in columns], rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def stream_csv(headers: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel opens the Chinese text), sent as it is written:
    a piece every CHUNK_ROWS rows. Text a spreadsheet would run is made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    starts = FORMULA_STARTS
    chunk: list[list[Any]] = []
    for row in rows:
        # None is written as an empty field by the csv module itself.
        chunk.append(
            [("'" + v if type(v) is str and v.startswith(starts) else v) for v in row]
        )
        if len(chunk) >= CSV_CHUNK_ROWS:
            writer.writerows(chunk)
            chunk.clear()
            yield _take(buffer)
    writer.writerows(chunk)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def decimal_or_text(value: Any) -> Any:
    """Money as an exact Decimal number when it parses, else the text."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value
