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
