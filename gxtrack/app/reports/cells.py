"""The one formatting layer of every spreadsheet gxtrack writes.

- `neutralise`: text a spreadsheet would run as a formula (= + - @, a tab or a
  carriage return first) gets an apostrophe; numbers and dates pass unchanged.
- `write_table`: a sheet with a bold, frozen Chinese header row, real date
  cells, instants in the bureau's time to the second, and columns as wide as
  their contents.
- `attachment`: a Content-Disposition naming the file in Chinese (RFC 5987
  `filename*`) with an ASCII fallback for old clients.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from domain.clock import BUREAU_TZ

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:?\d{2}|Z)$"
)
MIN_WIDTH, MAX_WIDTH = 8, 60


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula, made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_instant(value: datetime) -> datetime:
    """An instant in the bureau's time, to the second, as Excel stores it (naive)."""
    if value.tzinfo is not None:
        value = value.astimezone(BUREAU_TZ).replace(tzinfo=None)
    return value.replace(microsecond=0)


def cell_value(value: Any) -> Any:
    """A value as its cell holds it: dates as dates, instants in bureau time."""
    if isinstance(value, str):
        if ISO_DAY.match(value):
            return date.fromisoformat(value)
        if ISO_INSTANT.match(value):
            return local_instant(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, datetime):
        return local_instant(value)
    return neutralise(value)


def display_width(value: Any) -> int:
    """How many narrow characters `value` takes (a Chinese character is two)."""
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    text = "" if value is None else str(value)
    longest = max((len(line) for line in text.splitlines()), default=0)
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return longest + wide


def write_table(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    header_row: int = 1,
) -> None:
    """Append a header and rows to `sheet`, formatted for reading."""
    sheet.append(list(headers))
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    widths = [display_width(h) for h in headers]
    for row in rows:
        values = [cell_value(v) for v in row]
        sheet.append(values)
        for index, value in enumerate(values):
            if index < len(widths):
                widths[index] = max(widths[index], display_width(value))
    for cells in sheet.iter_rows(min_row=header_row + 1):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = TIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for index, width in enumerate(widths, start=1):
        letter = sheet.cell(row=header_row, column=index).column_letter
        sheet.column_dimensions[letter].width = min(
            MAX_WIDTH, max(MIN_WIDTH, width + 2)
        )
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1).coordinate


def attachment(filename: str, fallback: str | None = None) -> str:
    """Content-Disposition for a download named `filename` (Chinese kept)."""
    ascii_name = fallback or (
        filename.encode("ascii", "ignore").decode().strip("-_ ") or "download"
    )
    ascii_name = ascii_name.replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
