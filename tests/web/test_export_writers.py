"""The fast export writers against a reference reading: the csv module's own
bytes for the .csv, openpyxl's reading of the .xlsx, for tricky values."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from web.pages.export import CSV_CHUNK_ROWS, neutralise, stream_csv
from web.pages.xlsx_stream import ROWS_PER_CHUNK, stream_xlsx

TRICKY: list[Any] = [
    None,
    "",
    Decimal("1234.5678"),
    Decimal("-0.5"),
    7,
    -3,
    2.5,
    True,
    date(2026, 1, 5),
    datetime(2026, 2, 3, 4, 5, 6),
    "招商引资项目（一期）",
    '=HYPERLINK("http://x")',
    "+86 123",
    "-负数",
    "@sum",
    "\t制表开头",
    "\r回车开头",
    "a,b",
    'say "hi"',
    "两行\n文字",
    "回车\r\n换行",
    " 前后空格 ",
    "<设备>进场 & 调试",
    "长" * 5000,
    "中间=不算公式",
    "'已有撇号",
]


def _csv_reference(headers: list[str], rows: list[list[Any]]) -> bytes:
    """What the csv module writes for the rows, each text cell made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(headers)
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _rows(seed: int, count: int, width: int) -> list[list[Any]]:
    rng = random.Random(seed)
    rows = [[rng.choice(TRICKY) for _ in range(width)] for _ in range(count)]
    # Columns that hold only plain text, or only numbers, or days and blanks,
    # as most do.
    numbers = [0, -7, 2.5, 1e16, 0.1 + 0.2, Decimal("-1234.5678"), Decimal("1E+3")]
    days = [None, "2026-01-05", "2025-12-31"]
    for n, row in enumerate(rows):
        row[0] = f"项目{n}"
        row[1] = n
        row[2] = rng.choice(numbers)
        row[3] = rng.choice(days)
    return rows


@pytest.mark.parametrize("seed", range(5))
def test_the_csv_is_byte_for_byte_what_the_csv_module_writes(seed: int) -> None:
    headers = ["名称", "序号", "A", "B", "C"]
    rows = _rows(seed, CSV_CHUNK_ROWS + 17, len(headers))
    assert b"".join(stream_csv(headers, iter(rows))) == _csv_reference(headers, rows)


def test_each_tricky_value_alone_is_written_as_the_csv_module_does() -> None:
    headers = ["名称", "值"]
    for value in TRICKY:
        rows = [["甲", value], ["乙", "平常"]]
        got = b"".join(stream_csv(headers, iter(rows)))
        assert got == _csv_reference(headers, rows), value


def test_the_csv_of_one_column_and_of_no_rows() -> None:
    for headers, rows in ((["名称"], [[""], [None], ["=1"]]), (["A", "B"], [])):
        got = b"".join(stream_csv(headers, iter(rows)))
        assert got == _csv_reference(headers, rows)


def _as_read(value: Any) -> Any:
    """A value as openpyxl reads it back from the exports."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):  # XML reads line ends back as \n
        return neutralise(value).replace("\r\n", "\n").replace("\r", "\n")
    return value


def test_the_generic_xlsx_reads_back_cell_for_cell() -> None:
    rows = _rows(11, ROWS_PER_CHUNK + 9, 6)
    data = b"".join(stream_xlsx("项目池", list("ABCDEF"), iter(rows)))
    got = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert got[0] == tuple("ABCDEF")
    assert len(got) == len(rows) + 1
    for read, row in zip(got[1:], rows, strict=True):
        assert list(read) == [_as_read(_iso_day(v)) for v in row]


def _iso_day(value: Any) -> Any:
    """ISO days as the generic sheet writes them: real date cells."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return date.fromisoformat(value)
    return value


def test_the_typed_xlsx_reads_back_cell_for_cell() -> None:
    rng = random.Random(5)
    texts = [v for v in TRICKY if isinstance(v, str) or v is None]
    days = [None, "", "2026-01-05", date(2025, 12, 31), "不详"]
    amounts = [None, Decimal("1234.5678"), Decimal("-0.5"), 7, 2.5]
    count = ROWS_PER_CHUNK + 9
    numbers = [n for n in amounts if n is not None]  # a column of numbers only
    rows = [
        [f"项目{n}", rng.choice(texts), rng.choice(days), rng.choice(amounts)]
        + [rng.choice(numbers)]
        for n in range(count)
    ]
    kinds = ["text", "text", "date", "number", "number"]
    data = b"".join(stream_xlsx("项目池", list("ABCDE"), iter(rows), kinds))
    got = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(got) == count + 1
    for read, (name, text, day, amount, number) in zip(got[1:], rows, strict=True):
        assert read[0] == name
        assert read[1] == _as_read(text), repr(text)
        assert read[2] == _expected_day(day)
        assert read[3] == _as_read(amount)
        assert read[4] == _as_read(number)


def _expected_day(value: Any) -> Any:
    if not value:
        return None
    if value == "不详":
        return value
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return datetime(day.year, day.month, day.day)
