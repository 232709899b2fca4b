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
    a piece every CSV_CHUNK_ROWS rows. Text a spreadsheet would run is made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    chunk: list[list[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CSV_CHUNK_ROWS:
            _write_chunk(writer, chunk)
            chunk.clear()
            yield _take(buffer)
    _write_chunk(writer, chunk)
    yield _take(buffer)


def _write_chunk(writer: Any, chunk: list[list[Any]]) -> None:
    """The rows, a column at a time: one test of a column's joined text tells
    whether any cell needs making inert (most columns: none), instead of a
    test per cell. None is written as an empty field by the csv module."""
    if not chunk:
        return
    columns = [
        column if _inert(column) else [neutralise(v) for v in column]
        for column in zip(*chunk, strict=True)
    ]
    writer.writerows(zip(*columns, strict=True))


def _inert(column: tuple[Any, ...]) -> bool:
    joined = "\n" + "\n".join([v for v in column if isinstance(v, str)])
    return not any("\n" + start in joined for start in FORMULA_STARTS)


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
