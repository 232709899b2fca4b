"""The streamed .xlsx export opens in a spreadsheet reader with every value kept."""

from __future__ import annotations

import io
import random
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook

from web.pages.xlsx_stream import ROWS_PER_CHUNK, stream_xlsx


def test_values_header_and_frozen_row_survive() -> None:
    rows = [
        ["甲<项目>&", Decimal("500.25"), 9000, None, '\'=HYPERLINK("x")', "a\x01b"],
        ["乙", 1, 2.5, "", "2026-01-05", True],
    ]
    data = b"".join(stream_xlsx("项目池", list("ABCDEF"), rows))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "项目池"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    got = list(sheet.iter_rows(values_only=True))
    assert got[0] == tuple("ABCDEF")
    assert got[1] == ("甲<项目>&", 500.25, 9000, None, '\'=HYPERLINK("x")', "ab")
    # A date is a real date cell, as in the openpyxl exports.
    assert got[2] == ("乙", 1, 2.5, None, datetime(2026, 1, 5), True)


def test_a_long_export_goes_out_in_pieces() -> None:
    rng = random.Random(7)  # text that does not compress away to nothing
    rows = ([f"项目{rng.getrandbits(128):x}", n] for n in range(ROWS_PER_CHUNK * 2 + 5))
    chunks = list(stream_xlsx("t", ["名称", "序号"], rows))
    assert len([c for c in chunks if c]) >= 3  # sent while being written
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    got = list(sheet.iter_rows(values_only=True))
    assert len(got) == ROWS_PER_CHUNK * 2 + 6
    assert got[-1][1] == ROWS_PER_CHUNK * 2 + 4


def test_typed_columns_write_each_cell_by_its_kind() -> None:
    from datetime import date

    kinds = ["text", "number", "date", "text", "date", "number"]
    rows = [
        ["甲<项目>&", Decimal("500.25"), "2026-01-05", "=1+1", None, "未填"],
        ["a\x01b\tc", 7, date(2025, 12, 31), "2026-01-05", "不详", None],
        ["\u3000全角空格", None, "", "@x", datetime(2026, 2, 3, 4, 5, 6), True],
    ]
    data = b"".join(stream_xlsx("项目池", list("ABCDEF"), rows, kinds))
    got = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert got[1] == (
        "甲<项目>&",
        500.25,
        datetime(2026, 1, 5),
        "'=1+1",  # inert in a spreadsheet
        None,
        "未填",  # not a number: kept as text
    )
    # Control characters XML cannot carry are dropped; a tab stays. ISO text in
    # a text column stays text; a date column's text that is no date, too.
    assert got[2] == ("ab\tc", 7, datetime(2025, 12, 31), "2026-01-05", "不详", None)
    assert got[3][:5] == (
        "\u3000全角空格",
        None,
        None,
        "'@x",
        datetime(2026, 2, 3, 4, 5, 6),
    )
    assert got[3][5] == "True"  # a bool is no amount


def _sheet_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("xl/worksheets/sheet1.xml").decode()


def test_typed_text_keeps_spaces_at_its_ends_and_repeats_across_chunks() -> None:
    count = ROWS_PER_CHUNK + 3
    rows = [[f"项目{n}", " 前后有空格 ", "2026-01-05", n] for n in range(count)]
    rows[-1] = ["=末行", None, None, None]
    kinds = ["text", "text", "date", "number"]
    data = b"".join(stream_xlsx("项目池", list("ABCD"), rows, kinds))
    xml = _sheet_xml(data)
    # A column without spaces needs no xml:space; one with them keeps them.
    assert "<t>项目0</t>" in xml
    assert '<t xml:space="preserve"> 前后有空格 </t>' in xml
    got = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(got) == count + 1
    assert got[1] == ("项目0", " 前后有空格 ", datetime(2026, 1, 5), 0)
    assert got[-2] == (
        f"项目{count - 2}",
        " 前后有空格 ",
        datetime(2026, 1, 5),
        count - 2,
    )
    assert got[-1] == ("'=末行", None, None, None)


def test_a_row_of_the_wrong_width_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError):
        b"".join(stream_xlsx("t", ["A", "B"], [["a", "b"], ["c"]], ["text", "text"]))


def test_the_streamed_csv_makes_formulas_inert_in_any_column_and_chunk() -> None:
    import csv

    from web.pages.export import CSV_CHUNK_ROWS, stream_csv

    rows = [[f"项目{n}", "a-b", None, Decimal("1.5"), n] for n in range(CSV_CHUNK_ROWS)]
    rows += [
        ["-1", "\tx", "@y", "+z", 1],
        ["=1+1", "ok", "", "a\n=b", None],
    ]
    pieces = list(stream_csv(["名称", "B", "C", "D", "E"], iter(rows)))
    assert len(pieces) == 2 and pieces[0].startswith("\ufeff".encode())
    got = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    assert got[0] == ["名称", "B", "C", "D", "E"]
    assert got[1] == ["项目0", "a-b", "", "1.5", "0"]
    assert got[-2] == ["'-1", "'\tx", "'@y", "'+z", "1"]
    assert got[-1] == ["'=1+1", "ok", "", "a\n=b", ""]
    assert len(got) == CSV_CHUNK_ROWS + 3
