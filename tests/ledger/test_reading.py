"""Reading ledger files: merged headers, blank rows, CSV encodings, bad files."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gxtrack.app.ledger.headers import match_headers, missing_required
from gxtrack.app.ledger.reading import LedgerFileError, read_table
from tests.ledger.sheets import HEADERS, ROWS, csv_bytes, xlsx_bytes


def test_merged_title_and_two_row_header_with_blank_rows():
    table = read_table(xlsx_bytes(), "台账.xlsx")
    assert table.sheet == "项目台账"
    # Title on row 1, header on rows 2–3: the lower header row is the header.
    assert table.header_row == 3
    assert table.headers == HEADERS
    # Row numbers are the spreadsheet's: data starts on row 4; row 6 is blank.
    assert [number for number, _ in table.rows] == [4, 5, 7, 8]
    assert table.rows[0][1][1] == ROWS[0][1]


def test_plain_header_on_row_one():
    table = read_table(xlsx_bytes(title=False), "台账.xlsx")
    assert table.header_row == 2  # the two-row header still ends on row 2
    table = read_table(csv_bytes(ROWS, "utf-8"), "台账.csv")
    assert table.header_row == 1
    assert [n for n, _ in table.rows] == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8")],
)
def test_csv_encodings_are_detected(encoding, detected):
    table = read_table(csv_bytes(ROWS, encoding), "台账.csv")
    assert table.encoding == detected
    assert table.headers == HEADERS
    assert table.rows[0][1][1] == ROWS[0][1]
    assert table.rows[2][1][10] == "投资方战略调整"


def test_group_header_names_planned_dates():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["项目名称", "投资方", "产业类别", "落户板块", "总投资", "计划", None])
    ws.append([None, None, None, None, None, "签约日期", "投产日期"])
    ws.merge_cells("F1:G1")
    for col in "ABCDE":
        ws.merge_cells(f"{col}1:{col}2")
    ws.append(["项目甲", "某公司", "ngit", "mudu", 100, "2022-01-01", "2023-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "x.xlsx")
    columns, unused, problems = match_headers(table.headers)
    assert not problems and not unused
    assert columns["planned_signed"].header == "计划签约日期"
    assert columns["planned_producing"].index == 6


def test_synonyms_units_and_custom_mapping():
    headers = ["项目", "投资主体", "行业", "落户板块", "总投资（亿元）", "项目简称"]
    columns, unused, problems = match_headers(headers)
    assert not problems
    assert columns["investment"].scale == 10000
    assert unused == ["项目简称"]
    headers = ["项目简称", "企业", "产业", "板块", "投资额"]
    columns, _, _ = match_headers(headers)
    assert missing_required(columns) == ["项目名称", "投资方"]
    columns, _, _ = match_headers(headers, {"项目简称": "项目名称", "企业": "investor"})
    assert missing_required(columns) == []


def test_two_columns_for_one_field_is_a_problem():
    _, _, problems = match_headers(["项目名称", "项目", "投资方"])
    assert problems and "都对应项目名称" in problems[0]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04broken", "a.xlsx", "不是有效的 xlsx"),
        (b"\xd0\xcf\x11\xe0", "a.xls", "另存为 .xlsx"),
        (b"a,b\n1,2\n", "a.pdf", "不支持的文件类型"),
        ("名称,金额\n甲,1\n".encode(), "a.csv", "找不到表头"),
    ],
)
def test_unreadable_files(data, name, message):
    with pytest.raises(LedgerFileError, match=message):
        read_table(data, name)


def test_sheet_by_name():
    data = xlsx_bytes(sheet="2022年")
    assert read_table(data, "x.xlsx", "2022年").sheet == "2022年"
    with pytest.raises(LedgerFileError, match="工作表不存在"):
        read_table(data, "x.xlsx", "2023年")


def test_ledger_behind_a_cover_sheet_is_found():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes()))
    cover = book.create_sheet("填报说明", 0)
    cover.append(["本表由各板块每月 5 日前报送"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "台账.xlsx")
    assert table.sheet == "项目台账" and len(table.rows) == 4
    with pytest.raises(LedgerFileError, match="找不到表头"):
        read_table(buffer.getvalue(), "台账.xlsx", "填报说明")
