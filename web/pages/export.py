"""Pool exports as .xlsx and .csv with Chinese headers, safe to open in Excel.

A cell that starts with = + - @ (or a tab / carriage return) would be run as a
formula by a spreadsheet; such text is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    return stream_csv_columns(headers, column_chunks(rows, CSV_CHUNK_ROWS))


def stream_csv_columns(
    headers: list[str], chunks: Iterable[Sequence[Sequence[Any]]]
) -> Iterator[bytes]:
    """stream_csv() for rows given a chunk at a time as columns (a piece each)."""
    if len(headers) < 2:  # a lone empty field is quoted: csv's own rule
        rows = (row for chunk in chunks for row in zip(*chunk, strict=True))
        yield from _stream_by_csv_module(headers, rows)
        return
    head = "\ufeff" + ",".join(map(_quoted, headers)) + "\r\n"
    for chunk in chunks:
        yield (head + csv_lines(chunk)).encode("utf-8")
        head = ""
    if head:
        yield head.encode("utf-8")


def column_chunks(
    rows: Iterable[Sequence[Any]], size: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows as chunks of `size` rows, each given as its columns.

    A row of another width than the first is a ValueError."""
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield list(zip(*batch, strict=True))
            batch.clear()
    if batch:
        yield list(zip(*batch, strict=True))


def csv_lines(columns: Sequence[Sequence[Any]]) -> str:
    """The rows of these columns as csv.writer writes them (quotes only where
    needed, CR LF after each row), text a spreadsheet would run made inert.

    Written a column at a time: one test of a column's joined text tells
    whether any of its cells needs quoting or making inert (most columns:
    none), and a column of numbers is made text in one pass, so most cells
    are written by one join per row, in C. A test holds it to the csv module.
    """
    texts = [_csv_column(column) for column in columns]
    return "".join([",".join(row) + "\r\n" for row in zip(*texts, strict=True)])


_QUOTED = (",", '"', "\r", "\n")  # what csv.writer quotes a field for
_NUMBERS = frozenset((int, float, Decimal))  # written by str, never quoted nor inert


def _csv_column(values: Sequence[Any]) -> Sequence[str]:
    kinds = set(map(type, values))
    if kinds <= _NUMBERS:
        return list(map(str, values))
    if type(None) in kinds:
        values = ["" if v is None else v for v in values]
    try:
        joined = "\x00".join(values)  # all text?
    except TypeError:
        return [_csv_cell(v) for v in values]
    if joined.startswith(FORMULA_STARTS) or any(
        "\x00" + start in joined for start in FORMULA_STARTS
    ):
        values = [neutralise(v) for v in values]
    if any(c in joined for c in _QUOTED):
        values = [_quoted(v) for v in values]
    return values


def _csv_cell(value: Any) -> str:
    """One cell as the csv module writes it: None empty, floats by repr."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return _quoted(neutralise(value) if isinstance(value, str) else str(value))


def _quoted(text: str) -> str:
    if any(c in text for c in _QUOTED):
        return '"' + text.replace('"', '""') + '"'
    return text


def _stream_by_csv_module(
    headers: list[str], rows: Iterable[Sequence[Any]]
) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    writer.writerows([neutralise(v) for v in row] for row in rows)
    yield buffer.getvalue().encode("utf-8")


def decimal_or_text(value: Any) -> Any:
    """Money as an exact Decimal number when it parses, else the text."""
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value
